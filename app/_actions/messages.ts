"use server";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { formatMoney } from "@/lib/core/format";
import { describeMessageRefusal, describeOutcome, storedRefusal, type ExchangeWordsContext } from "@/lib/core/messages";
import { FORMATS } from "@/lib/i18n/formats";
import { companyCall, companyForm } from "@/lib/server/actions/portal-action";
import { companyOf, retryCompanyMessage } from "@/lib/server/data/messages";
import { deliverSoon } from "@/lib/server/exchange/delivery";
import { importMessageFile } from "@/lib/server/exchange/files";

export type ImportState = { fieldErrors?: { file?: string[] }; tone?: "good" | "bad"; message?: string };

const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Imports a message file addressed to the signed-in company, through the same checks as online. */
export const importMessageFileAction = companyForm({
  name: "messages.import",
  run: async ({ actor, formData }): Promise<ImportState> => {
    const t = await getTranslations("common.messages.import");
    const companyId = companyOf(actor)!;
    const file = formData.get("file");
    if (!(file instanceof File) || file.size === 0) return { fieldErrors: { file: [t("chooseFile")] } };
    if (file.size > MAX_FILE_BYTES) return { fieldErrors: { file: [t("tooLarge")] } };
    const outcome = await importMessageFile(companyId, await file.text());
    const words = await exchangeWords();
    switch (outcome.status) {
      case "processed":
        return {
          tone: "good",
          message: t("processed", { messageId: outcome.messageId, type: outcome.type, summary: describeOutcome(outcome.outcome, words) }),
        };
      case "replayed":
        return { tone: "good", message: t("replayed", { messageId: outcome.messageId, summary: describeOutcome(outcome.outcome, words) }) };
      case "refused":
        return { tone: "bad", message: t("refused", { code: outcome.refusal.code, detail: describeMessageRefusal(storedRefusal(outcome.refusal), words) }) };
    }
  },
});

/** The exchange words (lib/core/messages/outcome-words.ts) in the request's language. */
async function exchangeWords(): Promise<ExchangeWordsContext> {
  const [translate, format, locale] = await Promise.all([getTranslations("common.exchangeWords"), getFormatter(), getLocale()]);
  return {
    t: (key, values) => translate(key as never, values as never),
    instant: (iso) => format.dateTime(new Date(iso), FORMATS.dateTime.dateTime),
    money: (amountMinor, currency) => formatMoney(amountMinor, currency, locale),
  };
}

/** Sends a dead message again (the form's hidden `outboxId`). */
export const retryMessageAction = companyCall({
  name: "messages.retry",
  args: z.tuple([z.instanceof(FormData)]),
  run: async (actor, formData): Promise<void> => {
    const parsed = z.object({ outboxId: z.uuid() }).safeParse({ outboxId: formData.get("outboxId") });
    if (!parsed.success) return;
    if (await retryCompanyMessage(companyOf(actor)!, parsed.data.outboxId)) deliverSoon([parsed.data.outboxId]);
  },
});
