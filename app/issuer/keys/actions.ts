"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { FormState } from "@/components/issuer/simple-form";
import { singleLineText, multiLineText } from "@/lib/validation/fields";
import { authorize } from "@/lib/server/auth/session";
import { checkRecordedLoad, startIssuerKeyRotation } from "@/lib/server/data/issuer/card-keys";

const RotationSchema = z.object({
  reason: multiLineText(500).pipe(z.string().min(5, "Say why the keys rotate (the audit log keeps it).")),
  cause: z.enum(["scheduled", "compromised"]).default("scheduled"),
});

/** Starts a rotation of the permission-signing and attribute-data keys (server side; no key leaves it). */
export async function startRotationAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = RotationSchema.safeParse({ reason: formData.get("reason") ?? "", cause: formData.get("cause") ?? undefined });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const compromised = parsed.data.cause === "compromised";
  const result = await startIssuerKeyRotation(auth.actor, parsed.data.reason, new Date(), { compromised });
  if (!result.ok) return { message: result.error.message };
  revalidatePath("/issuer/keys");
  const { versionHex, previousHex, fingerprint } = result.value;
  return {
    ok: true,
    message: compromised
      ? `Version ${versionHex} (${fingerprint}) signs every permission from now on. No update was signed with ${previousHex}: cards holding it take ${versionHex} only at an issuer contact, through the ISD's secure channel.`
      : `Version ${versionHex} (${fingerprint}) signs every permission from now on. Cards holding ${previousHex} or older take it at their next desk visit.`,
  };
}

const CheckSchema = z.object({
  messageId: singleLineText(40).pipe(
    z.string().regex(/^[A-Z0-9]{4,12}-[A-Z0-9]{4,12}-I\d{10}$/, "Enter a permission message id, e.g. RECARD01-METRO01-I0000000001."),
  ),
});

/** Re-checks a recorded load: the token with the key version that signed it, the receipt with the card's key. */
export async function checkRecordedLoadAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = CheckSchema.safeParse({
    messageId: String(formData.get("messageId") ?? "")
      .trim()
      .toUpperCase(),
  });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const check = await checkRecordedLoad(auth.actor, parsed.data.messageId);
  if (!check) return { message: `No confirmed load under ${parsed.data.messageId}.` };
  const token = check.token.ok
    ? `its permission token verifies with issuer key version ${check.token.version.toString(16).toUpperCase()}`
    : `its permission token does not verify (${check.token.error})`;
  const receipt = check.receipt.ok
    ? `the card's receipt verifies (confirmation counter ${check.receipt.confirmationCounter})`
    : `the card's receipt does not verify (${check.receipt.error})`;
  return { ok: check.token.ok && check.receipt.ok, message: `${parsed.data.messageId}: ${token}; ${receipt}.` };
}
