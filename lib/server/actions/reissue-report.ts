import "server-only";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { REISSUE_REASONS } from "@/lib/core/workflows/reissue";
import { multiLineText } from "@/lib/validation/fields";
import { deliverNow, deliverSoon } from "../exchange/delivery";

/**
 * What the cardholder's own report (steps 401/801) and an operator's report on their behalf share: the
 * form's fields, with messages in the reader's language, and the hot list messages sent at once.
 */
export async function reportFormSchema() {
  const t = await getTranslations("cardholder.reportForm.errors");
  return z.object({
    reason: z.enum(REISSUE_REASONS, { error: t("reason") }),
    statement: multiLineText(500, t("statementLong")).optional(),
    confirm: z.literal("yes", { error: t("confirm") }),
  });
}

/** Hot list messages go out at once; if a provider is unreachable the queue retries. */
export async function deliverHotList(outboxIds: string[], who: "cardholder" | "issuer"): Promise<void> {
  try {
    await deliverNow(outboxIds);
  } catch (e) {
    console.warn(`[${who}] hot list delivery deferred: ${(e as Error).message}`);
    deliverSoon(outboxIds);
  }
}
