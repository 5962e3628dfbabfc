"use server";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { providerForm } from "@/lib/server/actions/portal-action";
import { findLoadRecordByMessageId, type LoadRecordSummary } from "@/lib/server/data/provider/load-records";
import { MESSAGE_ID_PATTERN } from "@/lib/core/message-id";

export type LookupState = { fieldErrors?: { messageId?: string[] }; message?: string; record?: LoadRecordSummary | null };

/** Fig. 17: find this provider's load record by the message id of its loading permission. */
export const lookupLoadRecordAction = providerForm({
  name: "provider.lookup-load-record",
  schema: async () => {
    const v = await getTranslations("provider.validation");
    return z.object({
      messageId: z
        .string({ error: v("messageId") })
        .trim()
        .toUpperCase()
        .regex(MESSAGE_ID_PATTERN, v("messageId")),
    });
  },
  run: async ({ actor, input }): Promise<LookupState> => {
    const record = await findLoadRecordByMessageId(actor, input.messageId);
    if (record) return { record };
    return { record: null, message: (await getTranslations("provider.actions"))("noRecord", { messageId: input.messageId }) };
  },
});
