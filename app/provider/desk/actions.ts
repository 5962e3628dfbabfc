"use server";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { describeLeaseRefusal } from "@/lib/core/lease-words";
import type { ReloadRefusal } from "@/lib/core/workflows/reload";
import { providerCall, providerForm, type Denied } from "@/lib/server/actions/portal-action";
import { startFirstLoad, type FirstLoadStarted } from "@/lib/server/data/provider/first-load";
import { checkCardAtDesk, type HotListHit } from "@/lib/server/data/provider/hot-list";
import { describeCardAtDesk } from "@/lib/server/data/provider/desk-card";
import type { CardAtDesk } from "@/lib/core/workflows/desk-guide";
import { recordDeskRead } from "@/lib/server/data/provider/value-ledger";
import { getPermissionViews, recordCardLoad, type LoadRecorded, type PermissionView } from "@/lib/server/data/provider/permissions";
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
import { claimPresentation, type WalletRefusal } from "@/lib/server/data/wallet";
import {
  AidSchema,
  CardLoadOutcomeSchema,
  CardReadingSchema,
  DeskReadsSchema,
  firstLoadFormInput,
  firstLoadFormSchema,
  firstLoadTyped,
  presentationCodeSchema,
  StartReloadSchema,
  UuidSchema,
  type FirstLoadFormFields,
  type FirstLoadTyped,
} from "@/lib/validation/provider-desk";

/**
 * The desk's server actions, each on the provider portal's helper (lib/server/actions/portal-action.ts):
 * a provider session re-read from its row, arguments checked by zod, and every refusal rendered from its
 * code in the reader's language (messages/<locale>/provider.json), never from the data layer's English.
 */

/** A reload case of another desk (or none): the one domain error the desk's steps expect. */
async function caseRefusal(error: unknown): Promise<string | null> {
  return error instanceof CaseNotFoundError ? (await getTranslations("provider.actions"))("noCase") : null;
}

/** The desk's own wording of an unexpected failure (nothing was charged). */
async function failed(where: string, error: unknown): Promise<string> {
  console.error(`[provider desk] ${where}:`, error);
  return (await getTranslations("provider.actions"))("failed");
}

async function claimRefusal(error: WalletRefusal): Promise<string> {
  const t = await getTranslations("provider.actions.claim");
  if (error.code !== "card-at-desk") return t(error.code);
  const atDesk = describeLeaseRefusal({ code: "card-at-desk", params: { providerName: error.params?.providerName } }, await getTranslations("provider.lease"));
  return t("card-at-desk", { atDesk });
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
export const claimCardAction = providerForm({
  name: "provider.claim-card",
  schema: async () => presentationCodeSchema(await getTranslations("provider.validation")),
  run: async ({ actor, input, formData }): Promise<ClaimState> => {
    const tab = DeskTabSchema.safeParse(formData.get("tab"));
    if (!tab.success) return { message: (await getTranslations("provider.actions"))("reloadPage") };
    try {
      const claimed = await claimPresentation(actor, input.code, tab.data);
      if (!claimed.ok) return { fieldErrors: { code: [await claimRefusal(claimed.error)] } };
      return { card: { presentationId: claimed.value.presentationId, leaseId: claimed.value.leaseId, surfaceNumberLast4: claimed.value.surfaceNumberLast4 } };
    } catch (e) {
      return { message: await failed("claim", e) };
    }
  },
});

/** The card goes back to the cardholder: the lease ends (the card's state is already in the wallet). */
export const returnCardAction = providerCall({
  name: "provider.return-card",
  args: z.tuple([UuidSchema]),
  run: async (actor, leaseId): Promise<{ ok: true } | Denied> => {
    const returned = await returnLeasedCard(actor, { leaseId });
    return returned.ok ? { ok: true } : { ok: false, message: describeLeaseRefusal(returned.error, await getTranslations("provider.lease")) };
  },
});

/** The hot list, asked right after the card is read (platform 100: by card id). */
export const checkHotListAction = providerCall({
  name: "provider.check-hot-list",
  args: z.tuple([CardReadingSchema]),
  run: async (actor, card): Promise<{ ok: true; hit: HotListHit | null }> => ({
    ok: true,
    hit: await checkCardAtDesk(actor, { platformType: card.platformType, cardId: card.cardId }),
  }),
});

const CardAtDeskInputSchema = z.object({
  platformType: z.union([z.literal(100), z.literal(200)]),
  cardId: z
    .string()
    .regex(/^[0-9A-F]{16}$/)
    .nullable(),
  applications: z.array(AidSchema).max(64),
});

/** The guided desk: what this provider's own records say about the card read (whose, what it replaces, what can be reloaded). */
export const describeCardAction = providerCall({
  name: "provider.describe-card",
  args: z.tuple([CardAtDeskInputSchema]),
  run: async (actor, card): Promise<{ ok: true; card: CardAtDesk }> => ({ ok: true, card: await describeCardAtDesk(actor, card) }),
});

/**
 * The value ledger (issue 12): the values the desk read from its own applications on a platform-100
 * card, recorded as the last known ones (recordDeskRead; a value changed after a block is refused there).
 */
export const recordDeskReadsAction = providerCall({
  name: "provider.record-desk-reads",
  args: z.tuple([DeskReadsSchema]),
  run: async (actor, reads): Promise<{ ok: true; results: { aid: string; recorded: boolean; refusal: string | null }[] }> => {
    const results = [];
    for (const v of reads.values) {
      const read = await recordDeskRead(actor, { platformType: 100, cardId: reads.cardId, aid: v.aid }, { valueMinor: v.valueMinor, unit: v.unit });
      results.push({ aid: v.aid, recorded: read.ok, refusal: read.ok ? null : read.refusal.code });
    }
    return { ok: true, results };
  },
});

export type ResumedDesk = {
  card: { presentationId: string; leaseId: string; surfaceNumberLast4: string; expiresAt: string } | null;
  openCase: ReloadCaseView | null;
};

/** After F5: the card this desk tab still holds, and its open reload case (cases whose lease ended are released). */
export const resumeDeskAction = providerCall({
  name: "provider.resume-desk",
  args: z.tuple([z.string().max(200)]),
  run: async (actor, tab): Promise<{ ok: true; desk: ResumedDesk } | Denied> => {
    const parsed = DeskTabSchema.safeParse(tab);
    if (!parsed.success) return { ok: true, desk: { card: null, openCase: null } };
    await releaseCasesOfEndedLeases(actor);
    const lease = await deskLease(actor, parsed.data);
    if (!lease) return { ok: true, desk: { card: null, openCase: null } };
    const openCase = await resumeReloadCase(actor, lease.leaseId);
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
  },
  refusal: caseRefusal,
});

// ─────────────────────────── reload desk (Figs. 7, 11, 18, 19) ───────────────────────────

export type CaseResult = { ok: true; view: ReloadCaseView } | Denied;

/** Steps 701 → 704/706/708 or 1104/1105/1106: opens a case for the card read at the desk and runs it to review or refusal. */
export const startReloadAction = providerCall({
  name: "provider.start-reload",
  args: z.tuple([StartReloadSchema]),
  run: async (actor, input): Promise<CaseResult> => ({
    ok: true,
    view: await openReloadCase(actor, { ...input.card, applicationAids: input.applicationAids, leaseId: input.leaseId ?? null }),
  }),
  refusal: caseRefusal,
});

/** "Check again": looks for the issuer's answer to what the case already asked (sends nothing twice). */
export const advanceReloadAction = providerCall({
  name: "provider.advance-reload",
  args: z.tuple([UuidSchema]),
  run: async (actor, caseId): Promise<CaseResult> => ({ ok: true, view: await advanceReloadCase(actor, caseId) }),
  refusal: caseRefusal,
});

/** Step 709/1108 on the operator's confirmation: reload permissions referring to the original message ids. */
export const confirmReloadAction = providerCall({
  name: "provider.confirm-reload",
  args: z.tuple([UuidSchema]),
  run: async (actor, caseId): Promise<CaseResult> => ({ ok: true, view: await confirmReloadCase(actor, caseId) }),
  refusal: caseRefusal,
});

/** What the card did with one reload permission: recorded (reload linked to the old load, reissue fee), and the case brought up to date. */
export const recordReloadLoadAction = providerCall({
  name: "provider.record-reload",
  args: z.tuple([UuidSchema, UuidSchema, CardLoadOutcomeSchema]),
  run: async (actor, caseId, permissionId, outcome): Promise<{ ok: true; recorded: LoadRecorded; view: ReloadCaseView }> => {
    const { recorded, view } = await recordReloadLoad(actor, caseId, permissionId, outcome);
    return { ok: true, recorded, view };
  },
  refusal: caseRefusal,
});

/** The operator ends the visit: unused permissions are given up and the case is closed. */
export const finishReloadAction = providerCall({
  name: "provider.finish-reload",
  args: z.tuple([UuidSchema]),
  run: async (actor, caseId): Promise<CaseResult> => {
    const view = await finishReloadCase(actor, caseId);
    return view ? { ok: true, view } : { ok: false, message: (await getTranslations("provider.actions"))("noCase") };
  },
  refusal: caseRefusal,
});

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
export const startFirstLoadAction = providerForm({
  name: "provider.first-load",
  // Parsed in run: every error, the server's own included, goes back with what was typed.
  run: async ({ actor, formData }): Promise<FirstLoadState> => {
    const t = await getTranslations("provider.actions");
    let cardJson: unknown = null;
    try {
      cardJson = JSON.parse(String(formData.get("card") ?? "null"));
    } catch {
      cardJson = null;
    }
    const card = CardReadingSchema.safeParse(cardJson);
    const values = firstLoadTyped(formData);
    if (!card.success) return { fieldErrors: { card: [t("readFirst")] }, message: t("readFirst"), values };
    const parsed = firstLoadFormSchema(await getTranslations("provider.validation")).safeParse(firstLoadFormInput(formData));
    if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
    const f = parsed.data;
    const caseId = UuidSchema.safeParse(formData.get("reloadCaseId"));
    try {
      const started = await startFirstLoad(actor, {
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
      return { message: await failed("first load", e), values };
    }
  },
});

/** What the card did with one loading permission (first load: normal fee). */
export const recordFirstLoadAction = providerCall({
  name: "provider.record-first-load",
  args: z.tuple([UuidSchema, CardLoadOutcomeSchema]),
  run: async (actor, permissionId, outcome): Promise<{ ok: true; recorded: LoadRecorded }> => ({
    ok: true,
    recorded: await recordCardLoad(actor, permissionId, outcome),
  }),
});

/** "Check again" for permissions the issuer has not answered yet. */
export const refreshPermissionsAction = providerCall({
  name: "provider.refresh-permissions",
  args: z.tuple([z.array(UuidSchema).max(16)]),
  run: async (actor, ids): Promise<{ ok: true; permissions: PermissionView[] }> => ({ ok: true, permissions: await getPermissionViews(actor, ids) }),
});
