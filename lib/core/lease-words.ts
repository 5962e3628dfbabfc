/**
 * Words for the card lease (lib/server/data/card-lease.ts): the server stores and sends codes with
 * parameters; the pages render them here.
 */
export type LeaseRefusalCode = "card-at-desk" | "lease-ended" | "no-lease" | "not-in-hand";
export type LeaseEndReasonCode = "returned" | "idle" | "cardholder" | "surrendered" | "unknown";

const ENDED: Record<LeaseEndReasonCode, string> = {
  returned: "the card was returned",
  idle: "the desk left it idle too long",
  cardholder: "the cardholder took the card back",
  surrendered: "the card was handed back to the issuer",
  unknown: "the visit is over",
};

/** "This card is at Metro Transit's desk." and the other lease refusals, in words. */
export function describeLeaseRefusal(refusal: { code: LeaseRefusalCode; params?: { providerName?: string; reason?: LeaseEndReasonCode } }): string {
  switch (refusal.code) {
    case "card-at-desk":
      return `This card is at ${refusal.params?.providerName ?? "another"}'s desk.`;
    case "lease-ended":
      return `This desk no longer holds the card: ${ENDED[refusal.params?.reason ?? "unknown"] ?? ENDED.unknown}.`;
    case "no-lease":
      return "This desk holds no such card.";
    case "not-in-hand":
      return "This card is no longer in the cardholder's hands.";
  }
}
