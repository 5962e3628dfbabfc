/**
 * Helpers for the issuer's integration tests: the demo world seeded for real, messages signed as a
 * provider with its demo key and received by the issuer's inbox exactly as online delivery does,
 * and the cards themselves run in Node (SimulatedCard) to produce real receipts and attribute data.
 */
import { fromBase64Url, toBase64Url } from "@/lib/core/bytes";
import { buildLoadFile, decodeCardImage, SimulatedCard, systemCardEnv, terminal, type AppletKind, type CardImage } from "@/lib/core/card";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { buildHeader, parseMessage, signMessage, type HeaderInput, type Message, type MessageOf, type MessageType } from "@/lib/core/messages";
import type { IssuerActor } from "@/lib/server/auth/session";
import { db } from "@/lib/server/db";
import { decodeStored, receiveMessage } from "@/lib/server/exchange/inbox";
import { allocateSequence } from "@/lib/server/exchange/message-ids";
import type { MessageBody } from "@/lib/server/exchange/outbox";
import { activateCard } from "@/lib/server/data/issuer/activation";
import { approveReissueRequest, fileReissueRequest } from "@/lib/server/data/issuer/reissue";
import { seededDatabase, testDatabase } from "../helpers/db";

export const ISSUER = "RECARD01";
export type ProviderId = "METRO01" | "HOSHI01" | "SAKURA01";

/** Points the data layer (db()) at the test database, which holds the seeded demo world (tests/helpers/db.ts). */
export async function freshDemoWorld(): Promise<void> {
  const { url } = testDatabase();
  process.env.DATABASE_URL = url;
  process.env.NEXTAUTH_SECRET ??= "integration-test-secret-integration-test-secret";
  const g = globalThis as { recardPrisma?: { $disconnect(): Promise<void> } };
  await g.recardPrisma?.$disconnect();
  delete g.recardPrisma;
  await seededDatabase();
}

export async function issuerActor(email = "issuer@recard.test"): Promise<IssuerActor> {
  const u = await db().user.findUniqueOrThrow({ where: { email } });
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: "issuer",
    tenantId: u.issuerCompanyId!,
    issuerCompanyId: u.issuerCompanyId!,
    companyName: "ReCard Card Co.",
  };
}

/** Signs `body` as `provider` and hands it to the issuer's inbox; returns the request id and what the inbox said. */
export async function sendAsProvider<T extends MessageType>(provider: ProviderId, type: T, body: MessageBody<T>, options: { now?: Date } = {}) {
  const { requestId, jws } = await signedAsProvider(provider, type, body, options);
  const outcome = await receiveMessage(jws, "online");
  return { requestId, outcome };
}

/** A message signed by `provider` under its next message id, not yet received (to hand the issuer a batch). */
export async function signedAsProvider<T extends MessageType>(provider: ProviderId, type: T, body: MessageBody<T>, options: { now?: Date } = {}) {
  const sequence = await db().$transaction((tx) => allocateSequence(tx, { issuerCompanyId: ISSUER, providerCompanyId: provider, direction: "P" }));
  const header = buildHeader(type, { issuerCompanyId: ISSUER, providerCompanyId: provider, sequence, timestamp: options.now ?? new Date() } as HeaderInput<T>);
  const parsed = parseMessage({ header, ...body });
  if (!parsed.ok) throw new Error(`test message invalid: ${parsed.error.message} at ${parsed.error.field}`);
  const key = DEMO_COMPANY_KEYS[provider];
  return { requestId: header.messageId, jws: await signMessage(parsed.value as Message, { kid: key.kid, privateKey: key.privateKey }) };
}

/** The issuer's reply to a request, from its outbox. */
export async function replyTo<T extends MessageType = MessageType>(requestId: string): Promise<MessageOf<T>> {
  const row = await db().outboxMessage.findFirstOrThrow({ where: { ownerCompanyId: ISSUER, inReplyTo: requestId } });
  const message = decodeStored(row.jws);
  if (!message) throw new Error(`stored reply ${row.messageId} does not decode`);
  return message as MessageOf<T>;
}

/** Sends and returns the reply, typed. */
export async function ask<T extends MessageType, R extends MessageType>(
  provider: ProviderId,
  type: T,
  body: MessageBody<T>,
): Promise<{ requestId: string; reply: MessageOf<R>; raw: string }> {
  const { requestId, outcome } = await sendAsProvider(provider, type, body);
  if (outcome.status === "refused") throw new Error(`inbox refused: ${outcome.refusal.code} ${outcome.refusal.message}`);
  const row = await db().outboxMessage.findFirstOrThrow({ where: { ownerCompanyId: ISSUER, inReplyTo: requestId } });
  return { requestId, reply: (await replyTo<R>(requestId)) as MessageOf<R>, raw: row.jws };
}

/** A method-1 reload-permission request (flow 7 on the reissued card's id) from `provider`, and the issuer's answer, typed. */
export function askMethod1Reload<R extends "reload-permission-grant" | "reload-permission-refusal">(
  provider: ProviderId,
  request: { applicationId: string; originalMessageId: string; cardId: string; loadFileHash: string },
) {
  return ask<"reload-permission-request", R>(provider, "reload-permission-request", { platformType: 100, kind: "reload", ...request });
}

/** A cardholder's card in use now (the newest generation). */
export async function currentCard(fullName: string) {
  return db().card.findFirstOrThrow({ where: { cardholder: { fullName } }, orderBy: { generation: "desc" } });
}

export async function cardOfGeneration(fullName: string, generation: number) {
  return db().card.findFirstOrThrow({ where: { cardholder: { fullName }, generation } });
}

/** A cardholder's card reissued, the new card activated by its holder (nothing is reloaded on a card waiting for activation). */
export async function reissueActivated(fullName: string) {
  const old = await currentCard(fullName);
  const holder = await db().cardholder.findFirstOrThrow({ where: { fullName } });
  const who = { kind: "cardholder" as const, userId: holder.id, label: fullName, cardholderId: holder.id };
  const filed = await fileReissueRequest(who, { cardUuid: old.id, reason: "damaged" });
  if (!filed.ok) throw new Error(filed.error.message);
  const approved = await approveReissueRequest(await issuerActor(), filed.value.requestId);
  if (!approved.ok) throw new Error(approved.error.message);
  const activated = await activateCard(who, approved.value.reissuedCardUuid);
  if (!activated.ok) throw new Error(activated.error.message);
  return { old, reissued: await db().card.findUniqueOrThrow({ where: { id: approved.value.reissuedCardUuid } }) };
}

/** The plastic in the wallet, as a card image. */
export async function walletImage(surfaceNumber: string): Promise<CardImage> {
  const row = await db().walletCard.findUniqueOrThrow({ where: { surfaceNumber } });
  const image = decodeCardImage(row.image);
  if (!image.ok) throw new Error(image.error);
  return image.value;
}

/** A powered simulated card and its transmit function. */
export function insert(image: CardImage) {
  const card = new SimulatedCard(image, systemCardEnv());
  card.powerOn();
  return { card, transmit: (apdu: Uint8Array) => card.transmit(apdu) };
}

/** Fresh card attribute data read from the card (tag DF7A), base64url as messages carry it. */
export async function attributeData(image: CardImage): Promise<string> {
  const { transmit } = insert(image);
  const read = await terminal.readCardAttributeData(transmit);
  if (!read.ok) throw new Error(read.error.meaning);
  return toBase64Url(read.value);
}

/** The demo load file of an application (what the seed registered). */
export function loadFileOf(aid: string, kind: AppletKind) {
  return buildLoadFile({ kind, aid, version: 1, codeSize: 4096 });
}

/** Loads with a granted permission token on the card image; returns the receipt (base64url) or the card's refusal. */
export async function loadWithToken(image: CardImage, token: string, aid: string, kind: AppletKind) {
  const { card, transmit } = insert(image);
  const installParams =
    kind === "transit"
      ? { kind, balance: 1000, currency: "JPY" }
      : kind === "loyalty"
        ? { kind, points: 0 }
        : { kind, limit: 100_000, currency: "JPY", holderReference: "T" };
  const loaded = await terminal.loadApplication(transmit, {
    permission: fromBase64Url(token),
    loadFile: loadFileOf(aid, kind),
    aid,
    installParams: installParams as never,
  });
  return { loaded, image: card.image() };
}

export const AIDS = {
  metroPass: "F0524300010001",
  metroCycle: "F0524300010002",
  hoshiCredit: "F0524300020001",
  hoshiRewards: "F0524300020002",
  sakuraPoints: "F0524300030001",
  sakuraPremium: "F0524300030002",
} as const;
