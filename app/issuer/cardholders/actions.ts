"use server";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/components/issuer/simple-form";
import { authorize } from "@/lib/server/auth/session";
import { createCardholder, inviteCardholder } from "@/lib/server/data/issuer/cardholders";
import { env } from "@/lib/server/env";
import { CreateCardholderSchema } from "@/lib/validation/cardholder";

const FIELDS = [
  "fullName",
  "fullNameKana",
  "sex",
  "birthDate",
  "occupation",
  "annualIncomeMinor",
  "postalCode",
  "address",
  "email",
  "phone",
  "locale",
  "platformType",
] as const;

/** A new cardholder (identity checked by the operator) with a first card. */
export async function createCardholderAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = CreateCardholderSchema.safeParse(Object.fromEntries(FIELDS.map((f) => [f, formData.get(f) ?? undefined])));
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors, message: "Check the fields marked." };
  const result = await createCardholder(auth.actor, parsed.data);
  if (!result.ok) return { message: result.error.message };
  redirect(`/issuer/cardholders/${result.value.cardholderId}?created=${result.value.last4}`);
}

/** The portal's address for links the operator hands out. */
async function origin(): Promise<string> {
  const configured = env().RECARD_PUBLIC_URL;
  if (configured) return configured.replace(/\/$/, "");
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  return `${h.get("x-forwarded-proto") ?? "http"}://${host}`;
}

/** An invitation link to the self-service portal (shown once to the operator). */
export async function inviteCardholderAction(cardholderId: string, _prev: FormState, _formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const result = await inviteCardholder(auth.actor, cardholderId);
  if (!result.ok) return { message: result.error.message };
  revalidatePath(`/issuer/cardholders/${cardholderId}`);
  return {
    ok: true,
    message: `Send this link to ${result.value.email} (valid until ${result.value.expiresAt.toISOString().slice(0, 10)}, once): ${await origin()}/invite/${result.value.token}`,
  };
}
