import "server-only";
import { getTranslations } from "next-intl/server";
import { parseStatusWord } from "@/lib/core/card/status-words";
import { statusWordWords, type StatusWordT } from "@/lib/reader/status-word-words";

/**
 * The issuer data layer's refusals in the reader's language: rendered from their code and parameters
 * (issuer.refusals), never from the English `message` they also carry (logs and tests read that).
 */
const CODES = [
  "not-found",
  "not-waiting",
  "not-in-hand",
  "card-refused",
  "card-terminated",
  "already-pending",
  "already-decided",
  "reason-required",
  "not-withdrawable",
  "already-reissued",
  "window-closed",
  "examination-failed",
  "email-taken",
  "has-account",
  "already-issued",
  "nothing-to-bill",
  "period-open",
  "aid-taken",
  "invalid-transition",
  "unchanged",
  "month-invalid",
  "nothing-to-renew",
  "already-finished",
] as const;

export type RefusalParams = {
  windowDays?: number;
  period?: string;
  aid?: string;
  status?: string;
  month?: string;
  sw?: string;
  failed?: readonly ("identity" | "reissues-this-year" | "card-status" | "fraud-flag")[];
};

async function statusWordT(): Promise<StatusWordT> {
  const t = await getTranslations("common.reader.statusWords");
  return (key, values) => t(key as never, values as never);
}

/** A status or delivery mode the refusal names, in words (common.status; push and pull in issuer.words). */
async function statusWord(status: string): Promise<string> {
  if (status === "push" || status === "pull") return (await getTranslations("issuer.words.delivery"))(status);
  const known = ["active", "suspended", "terminated", "approved", "revoked", "pending"] as const;
  const word = known.find((k) => k === status);
  return word ? (await getTranslations("common.status"))(word) : status;
}

export async function issuerRefusal(error: { code: string; params?: RefusalParams }, extra: RefusalParams = {}): Promise<string> {
  const t = await getTranslations("issuer.refusals");
  const p = { ...extra, ...error.params };
  const code = CODES.find((c) => c === error.code);
  switch (code) {
    case undefined:
      return t("other", { code: error.code });
    case "window-closed":
      return t(code, { windowDays: p.windowDays ?? 0 });
    case "already-issued":
    case "nothing-to-bill":
    case "period-open":
      return t(code, { period: p.period ?? "" });
    case "aid-taken":
      return t(code, { aid: p.aid ?? "" });
    case "invalid-transition":
    case "unchanged":
      return t(code, { status: await statusWord(p.status ?? "") });
    case "nothing-to-renew":
      return t(code, { month: p.month ?? "" });
    case "card-refused": {
      // The chip's status word, its meaning from the catalogue in the reader's language.
      const sw = parseStatusWord(p.sw ?? "");
      const meaning = sw === null ? "?" : statusWordWords(await statusWordT(), sw);
      return t(code, { sw: p.sw ?? "", meaning });
    }
    case "examination-failed":
      return t(code, { failed: (p.failed ?? []).map((id) => t(`failedChecks.${id}`)).join(t("checkSeparator")) });
    default:
      return t(code);
  }
}
