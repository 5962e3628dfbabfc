"use server";
import { z } from "zod";
import { authorize } from "@/lib/server/auth/session";
import { findLoadRecordByMessageId, type LoadRecordSummary } from "@/lib/server/data/provider/load-records";
import { MESSAGE_ID_PATTERN } from "@/lib/core/message-id";

export type LookupState = { fieldErrors?: { messageId?: string[] }; message?: string; record?: LoadRecordSummary | null };

const LookupSchema = z.object({
  messageId: z.string().trim().toUpperCase().regex(MESSAGE_ID_PATTERN, "A message id looks like RECARD01-METRO01-I0000000042."),
});

/** Fig. 17: find this provider's load record by the message id of its loading permission. */
export async function lookupLoadRecordAction(_prev: LookupState, formData: FormData): Promise<LookupState> {
  const auth = await authorize("provider");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = LookupSchema.safeParse({ messageId: formData.get("messageId") });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const record = await findLoadRecordByMessageId(auth.actor, parsed.data.messageId);
  return record ? { record } : { record: null, message: `No load record of yours has message id ${parsed.data.messageId}.` };
}
