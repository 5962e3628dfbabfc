/**
 * Why a provider's permission (and its load record) ended without a load, as a code and parameters:
 * stored in `sp_permissions.failure` / `sp_load_records.failure` and rendered in the reader's language
 * from messages/<locale>/provider.json ("words.failures"). The card's refusal keeps its status word
 * ("6A84"), never its meaning in words: the meaning comes from the status-word catalogue when shown.
 */
import { z } from "zod";

const Sw = z.string().regex(/^[0-9A-F]{4}$/, "a status word, e.g. 6A84");

/** What the receipt the desk sent back does not match (checkReceipt). */
export const RECEIPT_PROBLEMS = ["not-base64url", "malformed", "delete-receipt", "message-id", "application", "load-file", "kind", "card-binding"] as const;
export type ReceiptProblem = (typeof RECEIPT_PROBLEMS)[number];

/** What a grant named differently from our request (it is not used). */
export const GRANT_MISMATCHES = ["application", "load-file", "kind", "original"] as const;

export const LoadFailureSchema = z.discriminatedUnion("code", [
  /** The card refused a step of the load (INSTALL, LOAD, the issuer key update…) with this status word. */
  z.object({ code: z.literal("card-refused"), step: z.string().max(60), sw: Sw }),
  /** What came back is not the card's receipt for this permission. */
  z.object({ code: z.literal("receipt-mismatch"), problem: z.enum(RECEIPT_PROBLEMS) }),
  /** The issuer's grant answers another request than ours. */
  z.object({ code: z.literal("grant-mismatch"), mismatch: z.enum(GRANT_MISMATCHES) }),
  /** Granted (or asked for) and never used before it expired. */
  z.object({ code: z.literal("expired") }),
  /** The desk ended the visit before loading, or the card's lease ended (the card went back to its holder). */
  z.object({ code: z.literal("visit-ended"), why: z.enum(["desk", "lease-ended"]) }),
  /** The operator cancelled the load at the desk. */
  z.object({ code: z.literal("cancelled") }),
]);
export type LoadFailure = z.infer<typeof LoadFailureSchema>;
export type LoadFailureCode = LoadFailure["code"];
export const LOAD_FAILURE_CODES = LoadFailureSchema.options.map((o) => o.shape.code.value) as LoadFailureCode[];

/** Reads a stored failure back; null when the row holds none (or one this version does not know). */
export function parseLoadFailure(stored: unknown): LoadFailure | null {
  const parsed = LoadFailureSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}
