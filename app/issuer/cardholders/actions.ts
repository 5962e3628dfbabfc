"use server";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import type { FormState } from "@/components/issuer/simple-form";
import { issuerForm } from "@/lib/server/actions/portal-action";
import { issuerRefusal } from "@/lib/server/actions/issuer-refusal";
import { formValues } from "@/lib/server/actions/form-values";
import { createCardholder, inviteCardholder } from "@/lib/server/data/issuer/cardholders";
import { env } from "@/lib/server/env";
import { CARDHOLDER_WORDS_EN, createCardholderSchema, type CardholderWords } from "@/lib/validation/cardholder";

/** The schema's messages in the reader's language (issuer.errors.cardholder). */
async function cardholderWords(): Promise<CardholderWords> {
  const t = await getTranslations("issuer.errors.cardholder");
  return Object.fromEntries(Object.keys(CARDHOLDER_WORDS_EN).map((k) => [k, t(k as keyof CardholderWords)])) as CardholderWords;
}

const TEXT_FIELDS = ["fullName", "fullNameKana", "birthDate", "occupation", "annualIncomeMinor", "postalCode", "address", "email", "phone"] as const;

/** A new cardholder (identity checked by the operator) with a first card. */
export const createCardholderAction = issuerForm({
  name: "issuer.create-cardholder",
  schema: async () => createCardholderSchema(await cardholderWords()),
  // Every text field present (an absent one reads as emptied), so each gets its own message.
  input: (formData) => ({ ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, ""])), ...formValues(formData) }),
  run: async ({ actor, input }): Promise<FormState> => {
    const result = await createCardholder(actor, input);
    if (!result.ok) return { message: await issuerRefusal(result.error) };
    redirect(`/issuer/cardholders/${result.value.cardholderId}?created=${result.value.last4}`);
  },
});

/** The portal's address for links the operator hands out. */
async function origin(): Promise<string> {
  const configured = env().RECARD_PUBLIC_URL;
  if (configured) return configured.replace(/\/$/, "");
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  return `${h.get("x-forwarded-proto") ?? "http"}://${host}`;
}

/** An invitation link to the self-service portal (shown once to the operator). */
export const inviteCardholderAction = issuerForm({
  name: "issuer.invite-cardholder",
  run: async ({ actor }, cardholderId: string): Promise<FormState> => {
    const result = await inviteCardholder(actor, cardholderId);
    if (!result.ok) return { message: await issuerRefusal(result.error) };
    revalidatePath(`/issuer/cardholders/${cardholderId}`);
    const [t, format] = await Promise.all([getTranslations("issuer.actions"), getFormatter()]);
    return {
      ok: true,
      message: t("invitation", {
        email: result.value.email,
        until: format.dateTime(result.value.expiresAt, "date"),
        link: `${await origin()}/invite/${result.value.token}`,
      }),
    };
  },
});
