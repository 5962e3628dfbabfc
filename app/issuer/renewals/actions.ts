"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "@/components/issuer/simple-form";
import { authorize } from "@/lib/server/auth/session";
import { MONTH, setRenewalRunState, startRenewalRun } from "@/lib/server/data/issuer/renewal";
import { enqueueRenewalRun } from "@/lib/server/exchange/queue";

/** Starts the renewal of the cards expiring in `month` (the month previewed, bound by the page). */
export async function startRenewalRunAction(month: string, _prev: FormState, _formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  if (typeof month !== "string" || !MONTH.test(month)) return { message: "Choose a month (YYYY-MM)." };
  const result = await startRenewalRun(auth.actor, month);
  if (!result.ok) return { message: result.error.message };
  await enqueueRenewalRun(result.value.runId);
  redirect(`/issuer/renewals/${result.value.runId}`);
}

async function setState(runId: string, state: "paused" | "running"): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const result = await setRenewalRunState(auth.actor, runId, state);
  if (!result.ok) return { message: result.error.message };
  if (state === "running") await enqueueRenewalRun(runId);
  revalidatePath(`/issuer/renewals/${runId}`);
  return { ok: true, message: state === "paused" ? "Paused: the worker stops after the card in hand." : "Resumed." };
}

export async function pauseRenewalRunAction(runId: string, _prev: FormState, _formData: FormData): Promise<FormState> {
  return setState(runId, "paused");
}

export async function resumeRenewalRunAction(runId: string, _prev: FormState, _formData: FormData): Promise<FormState> {
  return setState(runId, "running");
}
