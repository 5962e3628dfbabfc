"use server";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import type { FormState } from "@/components/issuer/simple-form";
import { singleLineText, multiLineText } from "@/lib/validation/fields";
import { formValues } from "@/lib/server/actions/form-values";
import { issuerRefusal } from "@/lib/server/actions/issuer-refusal";
import { issuerForm } from "@/lib/server/actions/portal-action";
import { checkRecordedLoad, startIssuerKeyRotation } from "@/lib/server/data/issuer/card-keys";

/** Starts a rotation of the permission-signing and attribute-data keys (server side; no key leaves it). */
export const startRotationAction = issuerForm({
  name: "issuer.start-rotation",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    return z.object({
      reason: multiLineText(500, t("tooLong", { max: 500 })).pipe(z.string().min(5, t("rotationReason"))),
      cause: z.enum(["scheduled", "compromised"]).default("scheduled"),
    });
  },
  input: (formData) => ({ reason: "", ...formValues(formData), cause: formData.get("cause") || undefined }),
  run: async ({ actor, input }): Promise<FormState> => {
    const compromised = input.cause === "compromised";
    const result = await startIssuerKeyRotation(actor, input.reason, new Date(), { compromised });
    if (!result.ok) return { message: await issuerRefusal(result.error) };
    revalidatePath("/issuer/keys");
    const { versionHex, previousHex, fingerprint } = result.value;
    const t = await getTranslations("issuer.actions");
    return {
      ok: true,
      message: compromised
        ? t("rotationCompromised", { version: versionHex, fingerprint, previous: previousHex })
        : t("rotationScheduled", { version: versionHex, fingerprint, previous: previousHex }),
    };
  },
});

/** Re-checks a recorded load: the token with the key version that signed it, the receipt with the card's key. */
export const checkRecordedLoadAction = issuerForm({
  name: "issuer.check-recorded-load",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    return z.object({
      messageId: singleLineText(40, t("messageId")).pipe(z.string().regex(/^[A-Z0-9]{4,12}-[A-Z0-9]{4,12}-I\d{10}$/, t("messageId"))),
    });
  },
  input: (formData) => ({
    messageId: String(formData.get("messageId") ?? "")
      .trim()
      .toUpperCase(),
  }),
  run: async ({ actor, input }): Promise<FormState> => {
    const t = await getTranslations("issuer.actions.check");
    const check = await checkRecordedLoad(actor, input.messageId);
    if (!check) return { message: t("none", { messageId: input.messageId }) };
    const token = check.token.ok ? t("tokenOk", { version: check.token.version.toString(16).toUpperCase() }) : t("tokenBad", { error: check.token.error });
    const receipt = check.receipt.ok ? t("receiptOk", { counter: check.receipt.confirmationCounter }) : t("receiptBad", { error: check.receipt.error });
    return { ok: check.token.ok && check.receipt.ok, message: t("result", { messageId: input.messageId, token, receipt }) };
  },
});
