import "server-only";
import { isUuid } from "@/lib/core/ids";
import type { IssuerActor } from "../../auth/session";
import { db, Prisma, type IssuerTx } from "./db";
import { auditReason } from "@/lib/core/audit-reason";
import { recordAudit } from "./audit";
import { toMessageTimestamp } from "@/lib/core/messages";
import { enqueueMessage } from "../../exchange/outbox";
import { deliverNow } from "../../exchange/delivery";
import { issuerCompanyIdOf } from "./hot-list";
import { operator } from "./shared";
import { boundedCounts } from "../counts";

export type ProviderResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: "not-found" | "unchanged" | "aid-taken" | "invalid-transition"; message: string; field?: string } };

/**
 * Registered providers with their contract, reissuance delivery setting and applications, each provider's
 * loading permission decisions and each application's loaded cards counted up to EXACT_COUNT_UP_TO and
 * estimated past it (boundedCounts; issue 16: Prisma's `_count` grouped every permission and every card's
 * applications on each visit). 2 statements and one EXPLAIN per large figure, whatever the card base.
 */
export async function listProviders(actor: IssuerActor) {
  void actor;
  const rows = await db().serviceProvider.findMany({
    orderBy: { companyId: "asc" },
    select: {
      id: true,
      companyId: true,
      name: true,
      contractNo: true,
      contractStatus: true,
      contractStart: true,
      contractEnd: true,
      reissueInfoDelivery: true,
      applications: {
        orderBy: { aid: "asc" },
        select: {
          id: true,
          aid: true,
          name: true,
          kind: true,
          version: true,
          loadFileHash: true,
          status: true,
          registeredAt: true,
        },
      },
    },
  });
  const figures: Record<string, Prisma.Sql> = {};
  for (const p of rows) {
    figures[`p:${p.id}`] = Prisma.sql`FROM iss_loading_permissions WHERE provider_id = ${p.id}::uuid`;
    for (const a of p.applications)
      figures[`a:${a.id}`] = Prisma.sql`FROM iss_card_applications WHERE application_id = ${a.id}::uuid AND status = 'loaded'::"CardApplicationStatus"`;
  }
  const counts = rows.length ? await boundedCounts(figures) : {};
  return rows.map((p) => ({
    ...p,
    applications: p.applications.map((a) => ({ ...a, cardsLoaded: counts[`a:${a.id}`]! })),
    permissions: counts[`p:${p.id}`]!,
  }));
}

/** The contract status: a suspended or ended contract refuses every loading permission. */
export async function setContractStatus(
  actor: IssuerActor,
  providerId: string,
  status: "active" | "suspended" | "terminated",
  reason: string,
): Promise<ProviderResult<null>> {
  if (!isUuid(providerId)) return { ok: false, error: { code: "not-found", message: "No such provider." } };
  return db().$transaction(async (tx) => {
    const provider = await tx.serviceProvider.findUnique({
      where: { id: providerId },
      select: { id: true, companyId: true, contractStatus: true, contractNo: true },
    });
    if (!provider) return { ok: false as const, error: { code: "not-found" as const, message: "No such provider." } };
    if (provider.contractStatus === status) return { ok: false as const, error: { code: "unchanged" as const, message: `The contract is already ${status}.` } };
    await tx.serviceProvider.update({ where: { id: provider.id }, data: { contractStatus: status } });
    await recordAudit(tx, {
      actor: operator(actor),
      action: "contract.status",
      subjectType: "provider",
      subjectId: provider.id,
      note: reason,
      data: { companyId: provider.companyId, contractNo: provider.contractNo, from: provider.contractStatus, to: status },
    });
    return { ok: true as const, value: null };
  });
}

/**
 * Tells the provider its delivery mode (issue 15: it may not read this table): a signed
 * `reissue-delivery-mode` enqueued in the caller's transaction. Returns the outbox id to deliver after commit.
 */
async function enqueueDeliveryMode(tx: IssuerTx, provider: { companyId: string }, delivery: "push" | "pull", since: Date, now: Date): Promise<string> {
  const sent = await enqueueMessage(
    tx,
    "reissue-delivery-mode",
    { issuerCompanyId: await issuerCompanyIdOf(tx), providerCompanyId: provider.companyId, now },
    { platformType: 100, delivery, effectiveAt: toMessageTimestamp(since) },
  );
  return sent.outboxId;
}

/** Delivers at once; an unreachable provider gets it from the queue's retries. */
async function deliverSoonAfterCommit(outboxIds: string[]): Promise<void> {
  try {
    await deliverNow(outboxIds);
  } catch (e) {
    console.warn(`[issuer] delivery mode message deferred: ${(e as Error).message}`);
  }
}

/**
 * Push (Fig. 4, step 403) or pull (Fig. 19, steps 408/409) of reissuance information for this provider;
 * the provider is told in a signed `reissue-delivery-mode`, in the same transaction, delivered after commit.
 */
export async function setReissueInfoDelivery(
  actor: IssuerActor,
  providerId: string,
  delivery: "push" | "pull",
  now = new Date(),
): Promise<ProviderResult<null>> {
  if (!isUuid(providerId)) return { ok: false, error: { code: "not-found", message: "No such provider." } };
  const result = await db().$transaction(async (tx) => {
    const provider = await tx.serviceProvider.findUnique({ where: { id: providerId }, select: { id: true, companyId: true, reissueInfoDelivery: true } });
    if (!provider) return { ok: false as const, error: { code: "not-found" as const, message: "No such provider." } };
    if (provider.reissueInfoDelivery === delivery) return { ok: false as const, error: { code: "unchanged" as const, message: `Already ${delivery}.` } };
    await tx.serviceProvider.update({ where: { id: provider.id }, data: { reissueInfoDelivery: delivery, reissueInfoDeliverySince: now } });
    await recordAudit(tx, {
      actor: operator(actor),
      action: "provider.reissue-delivery",
      subjectType: "provider",
      subjectId: provider.id,
      reason: auditReason("delivery-mode", { mode: delivery }),
      data: { companyId: provider.companyId, from: provider.reissueInfoDelivery, to: delivery },
    });
    return { ok: true as const, value: null, outboxId: await enqueueDeliveryMode(tx, provider, delivery, now, now) };
  });
  if (!result.ok) return result;
  await deliverSoonAfterCommit([result.outboxId]);
  return { ok: true, value: null };
}

/**
 * Tells every active provider the delivery mode in force (the demo's opening traffic: a provider
 * learns it before any change). Returns the outbox ids, delivered here.
 */
export async function announceDeliveryModes(actor: IssuerActor, now = new Date()): Promise<string[]> {
  void actor;
  const outboxIds = await db().$transaction(async (tx) => {
    const providers = await tx.serviceProvider.findMany({
      where: { contractStatus: "active" },
      orderBy: { companyId: "asc" },
      select: { companyId: true, reissueInfoDelivery: true, reissueInfoDeliverySince: true },
    });
    const ids: string[] = [];
    for (const p of providers)
      ids.push(await enqueueDeliveryMode(tx, p, p.reissueInfoDelivery, p.reissueInfoDeliverySince < now ? p.reissueInfoDeliverySince : now, now));
    return ids;
  });
  await deliverSoonAfterCommit(outboxIds);
  return outboxIds;
}

export type ApplicationInput = { aid: string; name: string; kind: "transit" | "loyalty" | "credit"; version: string; loadFileHash: string };

/** Registers a provider's application for examination (status pending until approved). */
export async function registerApplication(actor: IssuerActor, providerId: string, input: ApplicationInput): Promise<ProviderResult<{ id: string }>> {
  if (!isUuid(providerId)) return { ok: false, error: { code: "not-found", message: "No such provider." } };
  return db().$transaction(async (tx) => {
    const provider = await tx.serviceProvider.findUnique({ where: { id: providerId }, select: { id: true, companyId: true } });
    if (!provider) return { ok: false as const, error: { code: "not-found" as const, message: "No such provider." } };
    if (await tx.registeredApplication.findUnique({ where: { aid: input.aid }, select: { id: true } })) {
      return { ok: false as const, error: { code: "aid-taken" as const, message: `AID ${input.aid} is already registered.`, field: "aid" } };
    }
    const app = await tx.registeredApplication.create({ data: { ...input, providerId: provider.id, status: "pending" }, select: { id: true } });
    await recordAudit(tx, {
      actor: operator(actor),
      action: "application.register",
      subjectType: "application",
      subjectId: app.id,
      reason: auditReason("application-registered", { name: input.name.slice(0, 120), aid: input.aid, provider: provider.companyId }),
      data: { ...input },
    });
    return { ok: true as const, value: app };
  });
}

const TRANSITIONS: Record<"pending" | "approved" | "revoked", readonly ("approved" | "revoked")[]> = {
  pending: ["approved", "revoked"],
  approved: ["revoked"],
  revoked: ["approved"],
};

/** Approves, revokes or reinstates an application; only approved applications get loading permissions. */
export async function setApplicationStatus(
  actor: IssuerActor,
  applicationId: string,
  status: "approved" | "revoked",
  reason: string,
): Promise<ProviderResult<null>> {
  if (!isUuid(applicationId)) return { ok: false, error: { code: "not-found", message: "No such application." } };
  return db().$transaction(async (tx) => {
    const app = await tx.registeredApplication.findUnique({
      where: { id: applicationId },
      select: { id: true, aid: true, name: true, status: true, provider: { select: { companyId: true } } },
    });
    if (!app) return { ok: false as const, error: { code: "not-found" as const, message: "No such application." } };
    if (!TRANSITIONS[app.status].includes(status))
      return { ok: false as const, error: { code: "invalid-transition" as const, message: `${app.name} is ${app.status}: it cannot become ${status}.` } };
    await tx.registeredApplication.update({ where: { id: app.id }, data: { status } });
    await recordAudit(tx, {
      actor: operator(actor),
      action: status === "approved" ? "application.approve" : "application.revoke",
      subjectType: "application",
      subjectId: app.id,
      note: reason,
      data: { aid: app.aid, provider: app.provider.companyId, from: app.status, to: status },
    });
    return { ok: true as const, value: null };
  });
}
