"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { multiLineText, singleLineText } from "@/lib/validation/fields";
import type { FormState } from "@/components/issuer/simple-form";
import { authorize } from "@/lib/server/auth/session";
import { registerApplication, setApplicationStatus, setContractStatus, setReissueInfoDelivery } from "@/lib/server/data/issuer/providers";

const Reason = multiLineText(500).pipe(z.string().min(5, "Say why (the audit log keeps it)."));

const ContractSchema = z.object({ status: z.enum(["active", "suspended", "terminated"], { error: "Choose a contract status." }), reason: Reason });

/** Contract status: a suspended or ended contract refuses every loading permission. */
export async function setContractStatusAction(providerId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = ContractSchema.safeParse({ status: formData.get("status"), reason: formData.get("reason") ?? "" });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await setContractStatus(auth.actor, providerId, parsed.data.status, parsed.data.reason);
  if (!result.ok) return { message: result.error.message };
  revalidatePath("/issuer/providers");
  return { ok: true, message: `Contract ${parsed.data.status}.` };
}

const DeliverySchema = z.object({ delivery: z.enum(["push", "pull"], { error: "Choose push or pull." }) });

/** Push at reissue time (Fig. 4) or pull at reload time (Fig. 19). */
export async function setReissueDeliveryAction(providerId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = DeliverySchema.safeParse({ delivery: formData.get("delivery") });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await setReissueInfoDelivery(auth.actor, providerId, parsed.data.delivery);
  if (!result.ok) return { message: result.error.message };
  revalidatePath("/issuer/providers");
  return {
    ok: true,
    message:
      parsed.data.delivery === "push"
        ? "Reissues will be pushed to this provider (Fig. 12)."
        : "This provider will pull reissuance information at reload time (Fig. 19).",
  };
}

const ApplicationSchema = z.object({
  aid: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^(?:[0-9A-F]{2}){5,16}$/, "An AID is 5 to 16 bytes in hex, e.g. F0524300010003."),
  name: singleLineText(64).pipe(z.string().min(2, "Give the application a name.")),
  kind: z.enum(["transit", "loyalty", "credit"], { error: "Choose a kind." }),
  version: singleLineText(16).pipe(z.string().min(1, "Give a version.")),
  loadFileHash: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[0-9A-F]{64}$/, "The SHA-256 of the load file: 64 hex digits."),
});

/** Registers an application for examination; it stays pending until approved. */
export async function registerApplicationAction(providerId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = ApplicationSchema.safeParse(Object.fromEntries(["aid", "name", "kind", "version", "loadFileHash"].map((k) => [k, formData.get(k) ?? ""])));
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await registerApplication(auth.actor, providerId, parsed.data);
  if (!result.ok) return result.error.field ? { fieldErrors: { [result.error.field]: [result.error.message] } } : { message: result.error.message };
  revalidatePath("/issuer/providers");
  return { ok: true, message: `${parsed.data.name} registered; approve it after its review.` };
}

const AppStatusSchema = z.object({ status: z.enum(["approved", "revoked"]), reason: Reason });

/** Approves, revokes or reinstates an application. */
export async function setApplicationStatusAction(
  applicationId: string,
  status: "approved" | "revoked",
  _prev: FormState,
  formData: FormData,
): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = AppStatusSchema.safeParse({ status, reason: formData.get("reason") ?? "" });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await setApplicationStatus(auth.actor, applicationId, parsed.data.status, parsed.data.reason);
  if (!result.ok) return { message: result.error.message };
  revalidatePath("/issuer/providers");
  return { ok: true, message: status === "approved" ? "Approved: loading permissions can be granted." : "Revoked: no new loading permission." };
}
