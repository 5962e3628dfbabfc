"use server";
import { z } from "zod";
import { describeLeaseRefusal } from "@/lib/core/lease-words";
import type { ReloadRefusal } from "@/lib/core/workflows/reload";
import { authorize } from "@/lib/server/auth/session";
import { startFirstLoad, type FirstLoadStarted } from "@/lib/server/data/provider/first-load";
import { checkCardAtDesk, type HotListHit } from "@/lib/server/data/provider/hot-list";
import { describeCardAtDesk } from "@/lib/server/data/provider/desk-card";
import type { CardAtDesk } from "@/lib/core/workflows/desk-guide";
import { recordDeskRead } from "@/lib/server/data/provider/value-ledger";
import { abandonPermissions, getPermissionViews, recordCardLoad, type LoadRecorded, type PermissionView } from "@/lib/server/data/provider/permissions";
import {
  advanceReloadCase,
  CaseNotFoundError,
  confirmReloadCase,
  finishReloadCase,
  openReloadCase,
  recordReloadLoad,
  releaseCasesOfEndedLeases,
  resumeReloadCase,
  type ReloadCaseView,
} from "@/lib/server/data/provider/reload";
import { deskLease, returnLeasedCard } from "@/lib/server/data/card-lease";
import { claimPresentation } from "@/lib/server/data/wallet";
import {
  AidSchema,
  CardLoadOutcomeSchema,
  CardReadingSchema,
  DeskReadsSchema,
  firstLoadFormInput,
  FirstLoadFormSchema,
  firstLoadTyped,
  PresentationCodeSchema,
  StartReloadSchema,
  UuidSchema,
  type FirstLoadFormFields,
  type FirstLoadTyped,
} from "@/lib/validation/provider-desk";

/** Any server action's refusal when the session is not a provider desk (fails closed). */
type Denied = { ok: false; message: string };

const GENERIC = "Something went wrong at the desk's server. Nothing was charged; try again, and tell support if it persists.";

function failure(where: string, error: unknown): Denied {
  if (error instanceof CaseNotFoundError) return { ok: false, message: "This desk has no such reload case." };
  console.error(`[provider desk] ${where}:`, error);
  return { ok: false, message: GENERIC };
}

// ─────────────────────────── the card: presented and returned ───────────────────────────

export type ClaimState = {
  fieldErrors?: { code?: string[] };
  message?: string;
  card?: { presentationId: string; leaseId: string; surfaceNumberLast4: string };
};

/** A desk tab's id (sessionStorage: kept across F5, new in another tab). */
const DeskTabSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/** The cardholder shows a one-time code: the desk takes a lease on the card (it stays in the wallet; APDUs are relayed to it). */
export async function claimCardAction(_prev: ClaimState, formData: FormData): Promise<ClaimState> {
  const auth = await authorize("provider");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = PresentationCodeSchema.safeParse({ code: formData.get("code") ?? "" });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const tab = DeskTabSchema.safeParse(formData.get("tab"));
  if (!tab.success) return { message: "Reload the desk page and try again." };
  try {
    const claimed = await claimPresentation(auth.actor, parsed.data.code, tab.data);
    if (!claimed.ok) return { fieldErrors: { code: [claimed.error.message] } };
    return { card: { presentationId: claimed.value.presentationId, leaseId: claimed.value.leaseId, surfaceNumberLast4: claimed.value.surfaceNumberLast4 } };
  } catch (e) {
    return { message: failure("claim", e).message };
  }
}

/** The card goes back to the cardholder: the lease ends (the card's state is already in the wallet). */
export async function returnCardAction(leaseId: string): Promise<{ ok: true } | Denied> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const id = UuidSchema.safeParse(leaseId);
  if (!id.success) return { ok: false, message: "That is not a card of this desk." };
  try {
    const returned = await returnLeasedCard(auth.actor, { leaseId: id.data });
    return returned.ok ? { ok: true } : { ok: false, message: describeLeaseRefusal(returned.error) };
  } catch (e) {
    return failure("return", e);
  }
}

/** The hot list, asked right after the card is read (platform 100: by card id). */
export async function checkHotListAction(input: unknown): Promise<{ ok: true; hit: HotListHit | null } | Denied> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const parsed = CardReadingSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: "Read the card first." };
  return { ok: true, hit: await checkCardAtDesk(auth.actor, { platformType: parsed.data.platformType, cardId: parsed.data.cardId }) };
}

const CardAtDeskInputSchema = z.object({
  platformType: z.union([z.literal(100), z.literal(200)]),
  cardId: z
    .string()
    .regex(/^[0-9A-F]{16}$/)
    .nullable(),
  applications: z.array(AidSchema).max(64),
});

/** The guided desk: what this provider's own records say about the card read (whose, what it replaces, what can be reloaded). */
export async function describeCardAction(input: unknown): Promise<{ ok: true; card: CardAtDesk } | Denied> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const parsed = CardAtDeskInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: "Read the card first." };
  try {
    return { ok: true, card: await describeCardAtDesk(auth.actor, parsed.data) };
  } catch (e) {
    return failure("describe card", e);
  }
}

/**
 * The value ledger (issue 12): the values the desk read from its own applications on a platform-100
 * card, recorded as the last known ones (recordDeskRead; a value changed after a block is refused there).
 */
export async function recordDeskReadsAction(
  input: unknown,
): Promise<{ ok: true; results: { aid: string; recorded: boolean; refusal: string | null }[] } | Denied> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const parsed = DeskReadsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: "Read the card first." };
  const results = [];
  for (const v of parsed.data.values) {
    const read = await recordDeskRead(auth.actor, { platformType: 100, cardId: parsed.data.cardId, aid: v.aid }, { valueMinor: v.valueMinor, unit: v.unit });
    results.push({ aid: v.aid, recorded: read.ok, refusal: read.ok ? null : read.refusal.code });
  }
  return { ok: true, results };
}

export type ResumedDesk = {
  card: { presentationId: string; leaseId: string; surfaceNumberLast4: string; expiresAt: string } | null;
  openCase: ReloadCaseView | null;
};

/** After F5: the card this desk tab still holds, and its open reload case (cases whose lease ended are released). */
export async function resumeDeskAction(tab: string): Promise<{ ok: true; desk: ResumedDesk } | Denied> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const parsed = DeskTabSchema.safeParse(tab);
  if (!parsed.success) return { ok: true, desk: { card: null, openCase: null } };
  try {
    await releaseCasesOfEndedLeases(auth.actor);
    const lease = await deskLease(auth.actor, parsed.data);
    if (!lease) return { ok: true, desk: { card: null, openCase: null } };
    const openCase = await resumeReloadCase(auth.actor, lease.leaseId);
    return {
      ok: true,
      desk: {
        card: {
          presentationId: lease.presentationId,
          leaseId: lease.leaseId,
          surfaceNumberLast4: lease.surfaceNumberLast4,
          expiresAt: lease.expiresAt.toISOString(),
        },
        openCase,
      },
    };
  } catch (e) {
    return failure("resume", e);
  }
}

// ─────────────────────────── reload desk (Figs. 7, 11, 18, 19) ───────────────────────────

export type CaseResult = { ok: true; view: ReloadCaseView } | (Denied & { fieldErrors?: Record<string, string[]> });

/** Steps 701 → 704/706/708 or 1104/1105/1106: opens a case for the card read at the desk and runs it to review or refusal. */
export async function startReloadAction(input: unknown): Promise<CaseResult> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const parsed = StartReloadSchema.safeParse(input);
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error);
    return { ok: false, message: flat.formErrors[0] ?? "Check the highlighted fields.", fieldErrors: flat.fieldErrors as Record<string, string[]> };
  }
  try {
    return {
      ok: true,
      view: await openReloadCase(auth.actor, { ...parsed.data.card, applicationAids: parsed.data.applicationAids, leaseId: parsed.data.leaseId ?? null }),
    };
  } catch (e) {
    return failure("start reload", e);
  }
}

/** "Check again": looks for the issuer's answer to what the case already asked (sends nothing twice). */
export async function advanceReloadAction(caseId: string): Promise<CaseResult> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const id = UuidSchema.safeParse(caseId);
  if (!id.success) return { ok: false, message: "This desk has no such reload case." };
  try {
    return { ok: true, view: await advanceReloadCase(auth.actor, id.data) };
  } catch (e) {
    return failure("advance reload", e);
  }
}

/** Step 709/1108 on the operator's confirmation: reload permissions referring to the original message ids. */
export async function confirmReloadAction(caseId: string): Promise<CaseResult> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const id = UuidSchema.safeParse(caseId);
  if (!id.success) return { ok: false, message: "This desk has no such reload case." };
  try {
    return { ok: true, view: await confirmReloadCase(auth.actor, id.data) };
  } catch (e) {
    return failure("confirm reload", e);
  }
}

/** What the card did with one reload permission: recorded (reload linked to the old load, reissue fee), and the case brought up to date. */
export async function recordReloadLoadAction(
  caseId: string,
  permissionId: string,
  outcome: unknown,
): Promise<{ ok: true; recorded: LoadRecorded; view: ReloadCaseView } | Denied> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const ids = z.object({ caseId: UuidSchema, permissionId: UuidSchema }).safeParse({ caseId, permissionId });
  const parsed = CardLoadOutcomeSchema.safeParse(outcome);
  if (!ids.success || !parsed.success) return { ok: false, message: "The card's answer could not be read." };
  try {
    const { recorded, view } = await recordReloadLoad(auth.actor, ids.data.caseId, ids.data.permissionId, parsed.data);
    return { ok: true, recorded, view };
  } catch (e) {
    return failure("record reload", e);
  }
}

/** The operator ends the visit: unused permissions are given up and the case is closed. */
export async function finishReloadAction(caseId: string): Promise<CaseResult> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const id = UuidSchema.safeParse(caseId);
  if (!id.success) return { ok: false, message: "This desk has no such reload case." };
  try {
    const view = await finishReloadCase(auth.actor, id.data);
    return view ? { ok: true, view } : { ok: false, message: "This desk has no such reload case." };
  } catch (e) {
    return failure("finish reload", e);
  }
}

// ─────────────────────────── first load ───────────────────────────

export type FirstLoadState = {
  fieldErrors?: Partial<Record<FirstLoadFormFields | "card", string[]>>;
  message?: string;
  refusal?: ReloadRefusal;
  started?: FirstLoadStarted;
  /** What was typed, given back with any error so the form keeps it (React resets a form after its action). */
  values?: FirstLoadTyped;
};

/** Examination by the provider's policy, then loading permissions from the issuer (flow 2). */
export async function startFirstLoadAction(_prev: FirstLoadState, formData: FormData): Promise<FirstLoadState> {
  const auth = await authorize("provider");
  if (!auth.ok) return { message: auth.refusal.message };
  let cardJson: unknown = null;
  try {
    cardJson = JSON.parse(String(formData.get("card") ?? "null"));
  } catch {
    cardJson = null;
  }
  const card = CardReadingSchema.safeParse(cardJson);
  const values = firstLoadTyped(formData);
  if (!card.success) return { fieldErrors: { card: ["Read the card first."] }, message: "Read the card first.", values };
  const parsed = FirstLoadFormSchema.safeParse(firstLoadFormInput(formData));
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  const f = parsed.data;
  const caseId = UuidSchema.safeParse(formData.get("reloadCaseId"));
  try {
    const started = await startFirstLoad(auth.actor, {
      card: card.data,
      applicationAids: f.applicationAids,
      customer:
        f.customerMode === "existing"
          ? { kind: "existing", customerNo: f.customerNo!.toUpperCase() }
          : { kind: "new", fullName: f.fullName!, birthDate: f.birthDate, email: f.email, phone: f.phone, address: f.address },
      declaredIncomeMinor: f.declaredIncome,
      existingLimitsMinor: f.existingLimits,
      reloadCaseId: caseId.success ? caseId.data : null,
    });
    if (!started.ok) return "refusal" in started.error ? { refusal: started.error.refusal, values } : { fieldErrors: started.error.fieldErrors, values };
    return { started: started.value };
  } catch (e) {
    return { message: failure("first load", e).message, values };
  }
}

/** What the card did with one loading permission (first load: normal fee). */
export async function recordFirstLoadAction(permissionId: string, outcome: unknown): Promise<{ ok: true; recorded: LoadRecorded } | Denied> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const id = UuidSchema.safeParse(permissionId);
  const parsed = CardLoadOutcomeSchema.safeParse(outcome);
  if (!id.success || !parsed.success) return { ok: false, message: "The card's answer could not be read." };
  try {
    return { ok: true, recorded: await recordCardLoad(auth.actor, id.data, parsed.data) };
  } catch (e) {
    return failure("record first load", e);
  }
}

/** "Check again" for permissions the issuer has not answered yet. */
export async function refreshPermissionsAction(permissionIds: string[]): Promise<{ ok: true; permissions: PermissionView[] } | Denied> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const ids = z.array(UuidSchema).max(16).safeParse(permissionIds);
  if (!ids.success) return { ok: false, message: "Unknown permissions." };
  try {
    return { ok: true, permissions: await getPermissionViews(auth.actor, ids.data) };
  } catch (e) {
    return failure("refresh permissions", e);
  }
}

/** Gives up permissions the desk will not use (first load cancelled). */
export async function abandonPermissionsAction(permissionIds: string[]): Promise<{ ok: true } | Denied> {
  const auth = await authorize("provider");
  if (!auth.ok) return { ok: false, message: auth.refusal.message };
  const ids = z.array(UuidSchema).max(16).safeParse(permissionIds);
  if (!ids.success) return { ok: false, message: "Unknown permissions." };
  try {
    await abandonPermissions(auth.actor, ids.data, "the desk cancelled the load");
    return { ok: true };
  } catch (e) {
    return failure("abandon", e);
  }
}
