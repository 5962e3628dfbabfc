/**
 * Words for the card lease (lib/server/data/card-lease.ts): the server stores and sends codes with
 * parameters; the pages render them here with the reader's translator for `provider.lease`
 * (messages/<locale>/provider.json), on the desk and in the cardholder's portal alike.
 */
export type LeaseRefusalCode = "card-at-desk" | "lease-ended" | "no-lease" | "not-in-hand";
export type LeaseEndReasonCode = "returned" | "idle" | "cardholder" | "surrendered" | "unknown";

type LeaseKey = "cardAtDesk" | "cardAtAnotherDesk" | "leaseEnded" | "noLease" | "notInHand";
/** `getTranslations("provider.lease")` or `useTranslations("provider.lease")`. */
export type LeaseWords = (key: LeaseKey, values?: Record<string, string>) => string;

/** "This card is at Metro Transit's desk." and the other lease refusals, in the reader's words. */
export function describeLeaseRefusal(
  refusal: { code: LeaseRefusalCode; params?: { providerName?: string; reason?: LeaseEndReasonCode } },
  t: LeaseWords,
): string {
  switch (refusal.code) {
    case "card-at-desk":
      return refusal.params?.providerName ? t("cardAtDesk", { providerName: refusal.params.providerName }) : t("cardAtAnotherDesk");
    case "lease-ended":
      return t("leaseEnded", { reason: refusal.params?.reason ?? "unknown" });
    case "no-lease":
      return t("noLease");
    case "not-in-hand":
      return t("notInHand");
  }
}
