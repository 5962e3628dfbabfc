"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/components/issuer/simple-form";
import { acceptInvitation } from "@/lib/server/data/issuer/cardholders";
import { SetPasswordSchema } from "@/lib/validation/cardholder";

/**
 * Public by design (the person has no account yet): the one-time token in the link is the only
 * credential, checked (unused, not replaced, not expired) and spent in one transaction.
 */
export async function acceptInvitationAction(token: string, _prev: FormState, formData: FormData): Promise<FormState> {
  if (typeof token !== "string" || !/^[A-Za-z0-9_-]{20,100}$/.test(token))
    return { message: "This invitation link is not valid. Ask the issuer for a new one." };
  const parsed = SetPasswordSchema.safeParse({ password: formData.get("password") ?? "", confirm: formData.get("confirm") ?? "" });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await acceptInvitation(token, parsed.data.password);
  if (!result.ok) return { message: result.error.message };
  redirect(`/signin?invited=1&callbackUrl=${encodeURIComponent("/cardholder")}`);
}
