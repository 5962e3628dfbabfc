import type { useTranslations } from "next-intl";

type CardholderT = ReturnType<typeof useTranslations<"cardholder">>;

/** The card's platform type in the reader's language (patent: PF type 100 / 200). */
export function platformWords(t: CardholderT, platformType: number): string {
  return platformType === 100 ? t("platform.100") : platformType === 200 ? t("platform.200") : t("platform.other", { type: String(platformType) });
}

/** lost / stolen / damaged in words; another stored reason as it is. */
export function reasonWord(t: CardholderT, reason: string): string {
  return reason === "lost" || reason === "stolen" || reason === "damaged" ? t(`reason.${reason}`) : reason;
}
