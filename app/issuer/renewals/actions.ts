"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import type { FormState } from "@/components/issuer/simple-form";
import { issuerRefusal } from "@/lib/server/actions/issuer-refusal";
import { issuerForm } from "@/lib/server/actions/portal-action";
import type { IssuerActor } from "@/lib/server/auth/session";
import { MONTH, setRenewalRunState, startRenewalRun } from "@/lib/server/data/issuer/renewal";
import { enqueueRenewalRun } from "@/lib/server/exchange/queue";

/** Starts the renewal of the cards expiring in `month` (the month previewed, bound by the page). */
export const startRenewalRunAction = issuerForm({
  name: "issuer.start-renewal",
  run: async ({ actor }, month: string): Promise<FormState> => {
    if (typeof month !== "string" || !MONTH.test(month)) return { message: await issuerRefusal({ code: "month-invalid" }) };
    const result = await startRenewalRun(actor, month);
    if (!result.ok) return { message: await issuerRefusal(result.error, { month }) };
    await enqueueRenewalRun(result.value.runId);
    redirect(`/issuer/renewals/${result.value.runId}`);
  },
});

async function setState(actor: IssuerActor, runId: string, state: "paused" | "running"): Promise<FormState> {
  const result = await setRenewalRunState(actor, runId, state);
  if (!result.ok) return { message: await issuerRefusal(result.error) };
  if (state === "running") await enqueueRenewalRun(runId);
  revalidatePath(`/issuer/renewals/${runId}`);
  const t = await getTranslations("issuer.actions");
  return { ok: true, message: state === "paused" ? t("paused") : t("resumed") };
}

export const pauseRenewalRunAction = issuerForm({
  name: "issuer.pause-renewal",
  run: async ({ actor }, runId: string): Promise<FormState> => setState(actor, runId, "paused"),
});

export const resumeRenewalRunAction = issuerForm({
  name: "issuer.resume-renewal",
  run: async ({ actor }, runId: string): Promise<FormState> => setState(actor, runId, "running"),
});
