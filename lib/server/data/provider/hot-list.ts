import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { outcome, type MessageOf } from "@/lib/core/messages";
import type { HotListHit } from "@/lib/core/workflows/reload";
import type { ProviderActor } from "../../auth/session";
import { db } from "./db";
import type { HandlerOutcome } from "../../exchange/types";
import type { ProviderTx as Tx } from "./db";
import { freezeValues, unfreezeValues } from "./value-ledger";

/**
 * The provider's hot list (DESIGN.md "Around the patent"): what the issuer's card-blocked and
 * card-unblocked messages said, kept per provider. Each change takes the provider's next change
 * sequence number under a per-provider transaction lock, so the numbers follow commit order and a
 * terminal that asks for "changes since N" never misses one committed later with a lower number.
 */

export type HotListEntry = {
  changeSeq: number;
  status: "blocked" | "unblocked";
  platformType: number;
  cardId: string | null;
  loadMessageIds: string[];
  reason: string;
  blockedAt: string;
  unblockedAt: string | null;
  blockMessageId: string;
  changedAt: string;
};

/** Serialises hot list changes of one provider until the transaction ends. */
async function lockHotList(tx: Tx, providerCompanyId: string): Promise<number> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sp_hot_list:${providerCompanyId}`}))`;
  const rows = await tx.$queryRaw<
    { next: bigint }[]
  >`SELECT COALESCE(MAX(change_seq), 0) + 1 AS next FROM sp_hot_list WHERE provider_company_id = ${providerCompanyId}`;
  return Number(rows[0]?.next ?? 1);
}

/** What a hot-list message names, for its outcome: the card id (PF100) or how many of our loads (PF200). */
const referenceOf = (m: MessageOf<"card-blocked"> | MessageOf<"card-unblocked">) => ({
  platformType: m.platformType,
  cardId: m.platformType === 100 ? (m.cardId ?? null) : null,
  loads: m.platformType === 100 ? 0 : (m.loadMessageIds?.length ?? 0),
});

type HotListMessage = MessageOf<"card-blocked"> | MessageOf<"card-unblocked">;

/** What a block names, by platform type: the card id (PF100) or this provider's load message ids (PF200). */
const blockedCardOf = (m: HotListMessage) =>
  m.platformType === 100 ? { cardId: m.cardId ?? null, loadMessageIds: [] as string[] } : { cardId: null, loadMessageIds: m.loadMessageIds ?? [] };

/** The same reference as the value ledger keys it. */
const ledgerKeyOf = (m: HotListMessage) => (m.platformType === 100 ? { cardId: m.cardId! } : { messageIds: m.loadMessageIds ?? [] });

/** Handler of `card-blocked`: the card goes on the hot list, unless its withdrawal arrived first. */
export async function applyCardBlocked(tx: Tx, providerCompanyId: string, message: MessageOf<"card-blocked">, now: Date): Promise<HandlerOutcome> {
  const next = await lockHotList(tx, providerCompanyId);
  const blockMessageId = message.header.messageId;
  const existing = await tx.spHotListEntry.findUnique({
    where: { providerCompanyId_blockMessageId: { providerCompanyId, blockMessageId } },
    select: { status: true },
  });
  if (existing) return { outcome: outcome("block-already-lifted", { blockMessageId, ref: referenceOf(message) }) };
  await tx.spHotListEntry.create({
    data: {
      providerCompanyId,
      blockMessageId,
      platformType: message.platformType,
      ...blockedCardOf(message),
      reason: message.reason,
      status: "blocked",
      blockedAt: new Date(message.blockedAt),
      changeSeq: next,
      changedAt: now,
    },
  });
  // The value ledger: the last known values are frozen; a later change on the lost card is refused.
  const frozen = await freezeValues(tx, providerCompanyId, ledgerKeyOf(message), new Date(message.blockedAt));
  return { outcome: outcome("card-blocked", { ref: referenceOf(message), reason: message.reason, frozen }), data: { changeSeq: next } };
}

/** Handler of `card-unblocked`: lifts the block it names (or records the lift if the block is still on its way). */
export async function applyCardUnblocked(tx: Tx, providerCompanyId: string, message: MessageOf<"card-unblocked">, now: Date): Promise<HandlerOutcome> {
  const next = await lockHotList(tx, providerCompanyId);
  const { blockMessageId } = message;
  const existing = await tx.spHotListEntry.findUnique({
    where: { providerCompanyId_blockMessageId: { providerCompanyId, blockMessageId } },
    select: { id: true, status: true },
  });
  if (existing?.status === "unblocked") return { outcome: outcome("unblock-repeated", { blockMessageId }) };
  const lifted = {
    status: "unblocked" as const,
    unblockedAt: new Date(message.unblockedAt),
    unblockMessageId: message.header.messageId,
    changeSeq: next,
    changedAt: now,
  };
  if (existing) {
    await tx.spHotListEntry.update({ where: { id: existing.id }, data: lifted });
    await unfreezeValues(tx, providerCompanyId, ledgerKeyOf(message), now);
  } else {
    await tx.spHotListEntry.create({
      data: {
        providerCompanyId,
        blockMessageId,
        platformType: message.platformType,
        ...blockedCardOf(message),
        reason: message.reason,
        blockedAt: new Date(message.blockedAt),
        ...lifted,
      },
    });
  }
  return { outcome: outcome("card-unblocked", { ref: referenceOf(message) }), data: { changeSeq: next } };
}

export type { HotListHit };

type HotListReader = Pick<Tx, "spHotListEntry">;

/** Platform 100: is this card id blocked for us? */
export async function findBlockedCard(client: HotListReader, providerCompanyId: string, cardId: string): Promise<HotListHit | null> {
  const row = await client.spHotListEntry.findFirst({
    where: { providerCompanyId, cardId, status: "blocked" },
    orderBy: { changeSeq: "desc" },
    select: { reason: true, blockedAt: true, blockMessageId: true },
  });
  return row ? { code: "card-blocked", reason: row.reason, blockedAt: row.blockedAt.toISOString(), blockMessageId: row.blockMessageId } : null;
}

/** Platform 200: is one of these load records of ours (by message id, Fig. 17) on a blocked card? */
export async function findBlockedLoad(client: HotListReader, providerCompanyId: string, messageIds: string[]): Promise<HotListHit | null> {
  if (messageIds.length === 0) return null;
  const row = await client.spHotListEntry.findFirst({
    where: { providerCompanyId, status: "blocked", loadMessageIds: { hasSome: messageIds } },
    orderBy: { changeSeq: "desc" },
    select: { reason: true, blockedAt: true, blockMessageId: true },
  });
  return row ? { code: "card-blocked", reason: row.reason, blockedAt: row.blockedAt.toISOString(), blockMessageId: row.blockMessageId } : null;
}

/** The desk asks before it works on a card it read (platform 100: by card id). */
export async function checkCardAtDesk(actor: ProviderActor, card: { platformType: number; cardId: string | null }): Promise<HotListHit | null> {
  if (card.platformType !== 100 || !card.cardId) return null;
  return findBlockedCard(db(), actor.providerCompanyId, card.cardId);
}

export const MAX_HOT_LIST_PAGE = 1000;

/** Changes to a provider's hot list after `since` (a change sequence number), oldest first. */
export async function listHotListChanges(
  providerCompanyId: string,
  since: number,
  limit = MAX_HOT_LIST_PAGE,
): Promise<{ entries: HotListEntry[]; cursor: number; hasMore: boolean }> {
  const rows = await db().spHotListEntry.findMany({
    where: { providerCompanyId, changeSeq: { gt: since } },
    orderBy: { changeSeq: "asc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const entries = page.map((r): HotListEntry => ({
    changeSeq: Number(r.changeSeq),
    status: r.status,
    platformType: r.platformType,
    cardId: r.cardId,
    loadMessageIds: r.loadMessageIds,
    reason: r.reason,
    blockedAt: r.blockedAt.toISOString(),
    unblockedAt: r.unblockedAt?.toISOString() ?? null,
    blockMessageId: r.blockMessageId,
    changedAt: r.changedAt.toISOString(),
  }));
  return { entries, cursor: entries.at(-1)?.changeSeq ?? since, hasMore: rows.length > limit };
}

/** The hot list as CSV for terminals (RFC 4180: CRLF, a header row; ids contain no commas). */
export function hotListCsv(entries: HotListEntry[]): string {
  const header = "change_seq,status,platform_type,card_id,load_message_ids,reason,blocked_at,unblocked_at,block_message_id";
  const lines = entries.map((e) =>
    [e.changeSeq, e.status, e.platformType, e.cardId ?? "", e.loadMessageIds.join(" "), e.reason, e.blockedAt, e.unblockedAt ?? "", e.blockMessageId].join(","),
  );
  return [header, ...lines].join("\r\n") + "\r\n";
}

// ---------------------------------------------------------------------------------------------
// Terminal tokens: how a provider's gates and counter readers fetch its hot list without a session.

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/** Makes a terminal token for the signed-in provider; the token is returned once and stored hashed. */
export async function createTerminalToken(actor: ProviderActor, label: string, now = new Date()): Promise<{ id: string; token: string }> {
  const token = `rct_${randomBytes(32).toString("base64url")}`;
  const row = await db().spTerminalToken.create({
    data: { providerCompanyId: actor.providerCompanyId, label: label.trim().slice(0, 100) || "terminal", tokenHash: hashToken(token), createdAt: now },
    select: { id: true },
  });
  return { id: row.id, token };
}

/** The provider a terminal token belongs to, or null (unknown or revoked). */
export async function providerOfTerminalToken(token: string): Promise<string | null> {
  if (!/^rct_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await db().spTerminalToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { providerCompanyId: true, revokedAt: true } });
  return row && !row.revokedAt ? row.providerCompanyId : null;
}

// ---------------------------------------------------------------------------------------------
// The terminals' endpoint (GET /api/providers/<company id>/hot-list), as a function of what the
// request carried, so the route handler stays a thin adapter and the rules are tested directly.

export type HotListRequest = {
  /** The company id in the URL: whose hot list is asked for. */
  companyId: string;
  /** `Authorization: Bearer <terminal token>`, if sent. */
  bearer: string | null;
  /** The signed-in provider's company id (a provider session), if any; null for other roles or none. */
  sessionProvider: string | null;
  /** Whether a session of another role (issuer, cardholder) is signed in. */
  sessionOtherRole: boolean;
  since: string | null;
  format: string | null;
  accept: string | null;
  ifNoneMatch: string | null;
};

export type HotListResponse = { status: 200 | 304 | 400 | 401 | 403; headers: Record<string, string>; body: string };

const json = (status: HotListResponse["status"], body: unknown, headers: Record<string, string> = {}): HotListResponse => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  body: JSON.stringify(body),
});

/**
 * Authenticated per provider: a terminal token of that provider, or a provider session of that
 * provider. Another provider's token or session is refused (403) without saying anything about the
 * list; no credential is 401. `since` is the cursor of the last change the terminal holds.
 */
export async function serveHotList(req: HotListRequest): Promise<HotListResponse> {
  let provider: string | null;
  if (req.bearer !== null) {
    provider = await providerOfTerminalToken(req.bearer);
    if (!provider)
      return json(401, { error: "unauthenticated", message: "Unknown or revoked terminal token." }, { "www-authenticate": 'Bearer realm="hot-list"' });
  } else if (req.sessionProvider !== null) {
    provider = req.sessionProvider;
  } else if (req.sessionOtherRole) {
    return json(403, { error: "forbidden", message: "The hot list is for the provider's own desks and terminals." });
  } else {
    return json(
      401,
      { error: "unauthenticated", message: "Sign in as the provider, or send a terminal token." },
      { "www-authenticate": 'Bearer realm="hot-list"' },
    );
  }
  if (provider !== req.companyId) return json(403, { error: "forbidden", message: "This is another provider's hot list." });
  const since = req.since === null || req.since === "" ? 0 : /^\d{1,15}$/.test(req.since) ? Number(req.since) : null;
  if (since === null) return json(400, { error: "invalid", field: "since", message: "since must be a change number (a whole number, 0 for everything)." });
  const format = req.format ?? (req.accept?.includes("text/csv") ? "csv" : "json");
  if (format !== "json" && format !== "csv") return json(400, { error: "invalid", field: "format", message: "format must be json or csv." });
  const page = await listHotListChanges(provider, since);
  const body =
    format === "csv" ? hotListCsv(page.entries) : JSON.stringify({ provider, since, cursor: page.cursor, hasMore: page.hasMore, entries: page.entries });
  const etag = `"${createHash("sha256").update(`${format}\n${body}`).digest("base64url").slice(0, 27)}"`;
  const headers = {
    "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    "cache-control": "private, no-cache",
    etag,
    "x-hot-list-cursor": String(page.cursor),
    vary: "Authorization, Cookie, Accept",
  };
  const matches = req.ifNoneMatch
    ?.split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === etag || t === "*");
  if (matches) return { status: 304, headers, body: "" };
  return { status: 200, headers, body };
}
