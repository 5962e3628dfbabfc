import "server-only";
import { ExaminationNotesSchema, examineFirstLoad, type Examination, type ExaminationNote } from "@/lib/core/workflows/first-load";
import { checkCardNotLocked, checkNotOnHotList, dispatchPlatformType, reloadRefusal, type ReloadRefusal } from "@/lib/core/workflows/reload";
import type { ProviderActor } from "../../auth/session";
import { db } from "./db";
import { deliverNow } from "../../exchange/delivery";
import { currentFee, findApplication, loadFileHashOf, type FeeView } from "./catalog";
import { getCreditPolicy } from "./credit-policy";
import { checkCardAtDesk } from "./hot-list";
import { markContinuedAsFirstLoad } from "./reload";
import { createCustomer, findCustomerByNo, type NewCustomer } from "./customers";
import { enqueuePermissionRequest, getPermissionViews, issuerOf, type CardReference, type PermissionView } from "./permissions";

/**
 * A first load at the desk (DESIGN.md flow 2, the normal procedure the patent starts from): the
 * provider's examination by its own policy, then a loading permission from the issuer. The load on
 * the card happens in the desk's browser; recordCardLoad (permissions.ts) records what the card did.
 */

export type FirstLoadInput = {
  /** As read at the desk: the platform type is checked here (Fig. 18) before anything is asked. */
  card: Omit<CardReference, "platformType"> & { platformType: number; isCardLocked: boolean };
  applicationAids: string[];
  customer: { kind: "existing"; customerNo: string } | ({ kind: "new" } & NewCustomer);
  declaredIncomeMinor: number | null;
  existingLimitsMinor: number | null;
  /** A refused reload case the operator continued as a first load (kept with the case for the record). */
  reloadCaseId?: string | null;
};

export type FirstLoadApplication = {
  aid: string;
  name: string;
  fee: FeeView | null;
  examination: (Omit<Examination, "notes"> & { notes: ExaminationNote[]; id: string }) | null;
  permission: PermissionView | null;
  refusal: ReloadRefusal | null;
};

export type FirstLoadStarted = { customer: { id: string; customerNo: string; fullName: string }; applications: FirstLoadApplication[] };

export type FirstLoadResult =
  { ok: true; value: FirstLoadStarted } | { ok: false; error: { refusal: ReloadRefusal } | { fieldErrors: Record<string, string[]> } };

function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}

/**
 * Examines each requested application by the provider's policy (an sp_credit_investigations row
 * either way), asks the issuer for a loading permission for each approved one, and waits for the
 * answers (in-process delivery). Refusals are per application; the card read is refused as a whole
 * when its platform type is unknown (Fig. 18) or it is locked.
 */
export async function startFirstLoad(actor: ProviderActor, input: FirstLoadInput, now = new Date()): Promise<FirstLoadResult> {
  const providerCompanyId = actor.providerCompanyId;
  const method = dispatchPlatformType(input.card.platformType);
  if (!method.ok) return { ok: false, error: { refusal: method.error } };
  const unlocked = checkCardNotLocked(input.card.isCardLocked);
  if (!unlocked.ok) return { ok: false, error: { refusal: unlocked.error } };
  const listed = checkNotOnHotList(await checkCardAtDesk(actor, { platformType: input.card.platformType, cardId: input.card.cardId }));
  if (!listed.ok) return { ok: false, error: { refusal: listed.error } };
  const card: CardReference = {
    platformType: method.value === 1 ? 100 : 200,
    cardId: method.value === 1 ? input.card.cardId : null,
    cardAttributeData: method.value === 2 ? input.card.cardAttributeData : null,
    surfaceNumberLast4: input.card.surfaceNumberLast4,
  };

  const policy = await getCreditPolicy(actor);
  const issuerCompanyId = await issuerOf(db(), providerCompanyId);
  const apps = await Promise.all(
    [...new Set(input.applicationAids)].map(async (aid) => ({
      aid,
      app: findApplication(providerCompanyId, aid),
      fee: await currentFee(providerCompanyId, aid, now),
    })),
  );

  const run = () =>
    db().$transaction(
      async (tx) => {
        const customer =
          input.customer.kind === "existing"
            ? await findCustomerByNo(tx, providerCompanyId, input.customer.customerNo)
            : await createCustomer(tx, providerCompanyId, input.customer, now);
        if (!customer) return null;
        const results: (Omit<FirstLoadApplication, "permission"> & { permissionId: string | null; outboxId: string | null })[] = [];
        for (const { aid, app, fee } of apps) {
          if (!app || !fee) {
            results.push({
              aid,
              name: app?.name ?? aid,
              fee,
              examination: null,
              refusal: reloadRefusal("not-our-application", "request", app ? { noFee: true } : {}, aid),
              permissionId: null,
              outboxId: null,
            });
            continue;
          }
          const examination = examineFirstLoad(policy, {
            appletKind: app.kind,
            declaredIncomeMinor: input.declaredIncomeMinor,
            existingLimitsMinor: input.existingLimitsMinor,
            currency: fee.currency,
          });
          const inv = await tx.spCreditInvestigation.create({
            data: {
              providerCompanyId,
              customerId: customer.id,
              applicationAid: aid,
              declaredIncomeMinor: examination.declaredIncomeMinor,
              existingLimitsMinor: examination.existingLimitsMinor,
              outcome: examination.outcome,
              limitMinor: examination.limitMinor,
              policyVersion: examination.policyVersion,
              notes: ExaminationNotesSchema.parse(examination.notes),
              investigatedAt: now,
              investigatedBy: actor.name,
            },
            select: { id: true },
          });
          const exam = { ...examination, notes: [...examination.notes], id: inv.id };
          if (examination.outcome === "declined") {
            results.push({
              aid,
              name: app.name,
              fee,
              examination: exam,
              refusal: reloadRefusal("examination-declined", "examination", { notes: [...examination.notes] }, aid),
              permissionId: null,
              outboxId: null,
            });
            continue;
          }
          const sent = await enqueuePermissionRequest(
            tx,
            providerCompanyId,
            issuerCompanyId,
            {
              kind: "first_load",
              card,
              applicationAid: aid,
              loadFileHash: loadFileHashOf(app),
              customerId: customer.id,
              creditInvestigationId: inv.id,
              operatorUserId: actor.id,
            },
            now,
          );
          results.push({ aid, name: app.name, fee, examination: exam, refusal: null, permissionId: sent.permissionId, outboxId: sent.outboxId });
        }
        if (input.reloadCaseId) {
          await markContinuedAsFirstLoad(
            tx,
            providerCompanyId,
            input.reloadCaseId,
            customer.customerNo,
            apps.map((a) => a.aid),
            now,
          );
        }
        return { customer, results };
      },
      { timeout: 20_000, maxWait: 20_000 },
    );

  let done: Awaited<ReturnType<typeof run>>;
  try {
    done = await run();
  } catch (e) {
    // Two desks created a customer number at the same moment: take the next one.
    if (!isUniqueViolation(e) || input.customer.kind !== "new") throw e;
    done = await run();
  }
  if (!done) return { ok: false, error: { fieldErrors: { customerNo: ["No customer of ours has this number."] } } };

  const outboxIds = done.results.flatMap((r) => (r.outboxId ? [r.outboxId] : []));
  if (outboxIds.length) await deliverNow(outboxIds);
  const views = await getPermissionViews(
    actor,
    done.results.flatMap((r) => (r.permissionId ? [r.permissionId] : [])),
    now,
  );
  const byId = new Map(views.map((v) => [v.status === "granted" ? v.grant.permissionId : v.permissionId, v]));
  return {
    ok: true,
    value: {
      customer: done.customer,
      applications: done.results.map(({ permissionId, outboxId: _o, ...r }) => {
        const permission = permissionId ? (byId.get(permissionId) ?? null) : null;
        return { ...r, permission, refusal: r.refusal ?? (permission?.status === "refused" ? permission.refusal : null) };
      }),
    },
  };
}
