"use server";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { multiLineText, singleLineText } from "@/lib/validation/fields";
import type { FormState } from "@/components/issuer/simple-form";
import { formValues } from "@/lib/server/actions/form-values";
import { issuerRefusal } from "@/lib/server/actions/issuer-refusal";
import { issuerForm } from "@/lib/server/actions/portal-action";
import { registerApplication, setApplicationStatus, setContractStatus, setReissueInfoDelivery } from "@/lib/server/data/issuer/providers";

type Errors = Awaited<ReturnType<typeof getTranslations<"issuer.errors">>>;
const reason = (t: Errors) => multiLineText(500, t("tooLong", { max: 500 })).pipe(z.string().min(5, t("auditReason")));

/** Contract status: a suspended or ended contract refuses every loading permission. */
export const setContractStatusAction = issuerForm({
  name: "issuer.set-contract-status",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    return z.object({ status: z.enum(["active", "suspended", "terminated"], { error: t("contractStatus") }), reason: reason(t) });
  },
  input: (formData) => ({ reason: "", ...formValues(formData) }),
  run: async ({ actor, input }, providerId: string): Promise<FormState> => {
    const result = await setContractStatus(actor, providerId, input.status, input.reason);
    if (!result.ok) return { message: await issuerRefusal(result.error, { status: input.status }) };
    revalidatePath("/issuer/providers");
    return { ok: true, message: (await getTranslations("issuer.actions"))("contract", { status: input.status }) };
  },
});

/** Push at reissue time (Fig. 4) or pull at reload time (Fig. 19). */
export const setReissueDeliveryAction = issuerForm({
  name: "issuer.set-reissue-delivery",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    return z.object({ delivery: z.enum(["push", "pull"], { error: t("delivery") }) });
  },
  run: async ({ actor, input }, providerId: string): Promise<FormState> => {
    const result = await setReissueInfoDelivery(actor, providerId, input.delivery);
    if (!result.ok) return { message: await issuerRefusal(result.error, { status: input.delivery }) };
    revalidatePath("/issuer/providers");
    const t = await getTranslations("issuer.actions");
    return { ok: true, message: input.delivery === "push" ? t("deliveryPush") : t("deliveryPull") };
  },
});

/** Registers an application for examination; it stays pending until approved. */
export const registerApplicationAction = issuerForm({
  name: "issuer.register-application",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    return z.object({
      aid: z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^(?:[0-9A-F]{2}){5,16}$/, t("aid")),
      name: singleLineText(64, t("tooLong", { max: 64 })).pipe(z.string().min(2, t("appName"))),
      kind: z.enum(["transit", "loyalty", "credit"], { error: t("appKind") }),
      version: singleLineText(16, t("tooLong", { max: 16 })).pipe(z.string().min(1, t("appVersion"))),
      loadFileHash: z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[0-9A-F]{64}$/, t("loadFileHash")),
    });
  },
  input: (formData) => Object.fromEntries(["aid", "name", "kind", "version", "loadFileHash"].map((k) => [k, formData.get(k) ?? ""])),
  run: async ({ actor, input }, providerId: string): Promise<FormState> => {
    const result = await registerApplication(actor, providerId, input);
    if (!result.ok) {
      const message = await issuerRefusal(result.error, { aid: input.aid });
      return result.error.field ? { fieldErrors: { [result.error.field]: [message] } } : { message };
    }
    revalidatePath("/issuer/providers");
    return { ok: true, message: (await getTranslations("issuer.actions"))("registered", { name: input.name }) };
  },
});

/** Approves, revokes or reinstates an application. */
export const setApplicationStatusAction = issuerForm({
  name: "issuer.set-application-status",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    return z.object({ reason: reason(t) });
  },
  input: (formData) => ({ reason: "", ...formValues(formData, ["reason"]) }),
  run: async ({ actor, input }, applicationId: string, status: "approved" | "revoked"): Promise<FormState> => {
    if (status !== "approved" && status !== "revoked") return { message: (await getTranslations("common.refusal"))("invalid") };
    const result = await setApplicationStatus(actor, applicationId, status, input.reason);
    if (!result.ok) return { message: await issuerRefusal(result.error, { status }) };
    revalidatePath("/issuer/providers");
    const t = await getTranslations("issuer.actions");
    return { ok: true, message: status === "approved" ? t("appApproved") : t("appRevoked") };
  },
});
