import "server-only";
import { fromHex } from "@/lib/core/bytes";
import { decryptCardAttributeData, terminal } from "@/lib/core/card";
import { publicKeyFromJwk } from "@/lib/core/card/cryptography";
import { SECURITY_LEVEL } from "@/lib/core/card/scp03";
import { openIsdChannel, putIssuerKeys, readIssuerKeyVersion } from "@/lib/core/card/scp03-host";
import type { CardResult } from "@/lib/core/card/terminal";
import { isUuid } from "@/lib/core/ids";
import { err, ok } from "@/lib/core/result";
import { DEMO_ISD_MASTER_KEY } from "@/lib/secrets/demo-isd-keys";
import type { IssuerActor } from "../../auth/session";
import { openTicket, relayCardStep, sealTicket, type CardRefused, type RelayStep } from "../../card-relay";
import { db } from "./db";
import { env } from "../../env";
import { currentIssuerKey, issuerKeyHistory, type IssuerKeyVersion } from "../../issuer/key-history";
import { ISD_KEY_VERSIONS, isdKeysForCard } from "../../issuer/keys";
import { auditReason } from "@/lib/core/audit-reason";
import { recordAudit } from "./audit";
import { operator } from "./shared";

/**
 * An issuer contact with a card in a reader (the issuer's own, or a desk's relaying APDUs): the issuer's
 * server runs the host side of the ISD's SCP03 channel (lib/server/card-relay.ts, so no key and no session
 * key reaches the browser that carries the APDUs) and brings the card's issuer keys to the current version
 * with PUT KEY inside a level-33 channel:
 * - a card that never visits a desk learns the new key when the issuer has it in hand (issue 13);
 * - after a compromise of a signing key (a rotation made without a signed update, key-history.ts) this is
 *   the only way a card learns the next key, and it also recovers a card a thief moved with the leaked key
 *   (the ISD channel may set any version).
 * The card is identified first (card id on platform 100, attribute data opened by the issuer on 200) and
 * must be the card the conversation was started for. The version it holds afterwards is recorded
 * (iss_cards.issuer_key_version, so life-cycle tokens for it are signed with that version) and audited.
 */

const TICKET_MINUTES = 5;

type Context = { cardUuid: string; cardId: string };
export type CardKeyUpdateResult = { from: number; to: number };
export type CardReaderRefusal =
  { code: "not-found"; message: string } | { code: "ticket-invalid"; message: string } | { code: "ticket-expired"; message: string } | CardRefused;
type Outcome<T> = { ok: true; value: T } | { ok: false; error: CardReaderRefusal };

function ticketMaster(): Uint8Array {
  return fromHex(env().RECARD_ISD_MASTER_KEY ?? DEMO_ISD_MASTER_KEY);
}

function script(context: Context, history: readonly IssuerKeyVersion[], current: IssuerKeyVersion) {
  return async (transmit: terminal.Transmit, random: (length: number) => Uint8Array): Promise<CardResult<CardKeyUpdateResult>> => {
    const selected = await terminal.selectIsd(transmit);
    if (!selected.ok) return selected;
    const platform = await terminal.readPlatformType(transmit);
    if (!platform.ok) return platform;
    let cardId: string;
    if (platform.value === 100) {
      const id = await terminal.readCardId(transmit);
      if (!id.ok) return id;
      cardId = id.value;
    } else {
      const data = await terminal.readCardAttributeData(transmit);
      if (!data.ok) return data;
      // A card a thief moved to keys of his own seals its attribute data to the thief's key: then the
      // channel below identifies it (its ISD keys are diversified per card, so only that card answers).
      cardId = openAttributeDataFrom(history, data.value) ?? context.cardId;
    }
    if (cardId !== context.cardId) return err({ step: "identify the card", sw: 0x9000, meaning: "this is not the card the contact was started for" });
    // The version named explicitly (a platform-200 card does not tell it): the one the issuer knows first.
    const channel = await openIsdChannel(transmit, {
      keysFor: (keyVersion) => {
        const isd = isdKeysForCard(cardId, keyVersion);
        return { enc: fromHex(isd.enc), mac: fromHex(isd.mac), dek: fromHex(isd.dek) };
      },
      versions: ISD_KEY_VERSIONS,
      level: SECURITY_LEVEL.C_MAC_C_DEC_R_MAC_R_ENC,
      hostChallenge: random(8),
    });
    if (!channel.ok)
      return err({ ...channel.error, meaning: `${channel.error.meaning} (not the card the contact was started for, or its ISD keys were changed)` });
    const held = await readIssuerKeyVersion(channel.value.transmit);
    if (!held.ok) return held;
    if (held.value === current.version) return ok({ from: held.value, to: held.value });
    const put = await putIssuerKeys(channel.value, {
      oldVersion: held.value,
      newVersion: current.version,
      signingPublicKey: publicKeyFromJwk(current.signingPublicKeyJwk),
      encryptionPublicKey: publicKeyFromJwk(current.encryptionPublicKeyJwk),
    });
    if (!put.ok) return put;
    return ok({ from: held.value, to: put.value.keyVersion });
  };
}

/** Card attribute data opened with each version of the history, without a database round trip per step. */
function openAttributeDataFrom(history: readonly IssuerKeyVersion[], bytes: Uint8Array): string | null {
  for (const key of history) {
    const opened = decryptCardAttributeData(key.privateKeys().encryption.privateKeyJwk, bytes);
    if (opened.ok) return opened.value.cardId;
  }
  return null;
}

async function step(actor: IssuerActor, context: Context, seed: string, responses: readonly Uint8Array[]): Promise<Outcome<RelayStep<CardKeyUpdateResult>>> {
  const history = await issuerKeyHistory(db(), actor.issuerCompanyId);
  const current = await currentIssuerKey(db(), actor.issuerCompanyId);
  const relayed = await relayCardStep(script(context, history, current), seed, responses);
  if (!relayed.ok || relayed.value.kind === "command") return relayed;
  const r = relayed.value;
  await recordKeyVersion(actor, context, r.result);
  return relayed;
}

/** Records the version the card holds now (once: a repeated final step changes and audits nothing). */
async function recordKeyVersion(actor: IssuerActor, context: Context, result: CardKeyUpdateResult): Promise<void> {
  await db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ issuer_key_version: number }[]>`SELECT issuer_key_version FROM iss_cards WHERE id = ${context.cardUuid}::uuid FOR UPDATE`;
    if (rows[0]?.issuer_key_version === result.to) return;
    await tx.card.update({ where: { id: context.cardUuid }, data: { issuerKeyVersion: result.to } });
    const hex = (v: number) => v.toString(16).toUpperCase();
    await recordAudit(tx, {
      actor: operator(actor),
      action: "card.issuer-key-update",
      subjectType: "card",
      subjectId: context.cardUuid,
      reason: auditReason("card-issuer-key-updated", { from: hex(result.from), to: hex(result.to) }),
      data: { from: hex(result.from), to: hex(result.to) },
    });
  });
}

/** Starts an issuer contact with one of this issuer's cards: the sealed ticket and the first command. */
export async function startCardKeyUpdate(
  actor: IssuerActor,
  cardUuid: string,
  now = new Date(),
): Promise<Outcome<{ ticket: string; step: RelayStep<CardKeyUpdateResult> }>> {
  if (!isUuid(cardUuid)) return { ok: false, error: { code: "not-found", message: "No such card." } };
  const card = await db().card.findUnique({ where: { id: cardUuid }, select: { id: true, cardId: true, surfaceNumber: true } });
  if (!card || !(await db().issuerCompany.findUnique({ where: { companyId: actor.issuerCompanyId }, select: { companyId: true } }))) {
    return { ok: false, error: { code: "not-found", message: "No such card." } };
  }
  const context: Context = { cardUuid: card.id, cardId: card.cardId };
  const ticket = sealTicket<Context>(ticketMaster(), {
    purpose: "issuer-key-update",
    owner: actor.issuerCompanyId,
    context,
    expiresAt: new Date(now.getTime() + TICKET_MINUTES * 60_000).toISOString(),
  });
  const first = await step(actor, context, openTicket<Context>(ticketMaster(), ticket)!.seed, []);
  return first.ok ? { ok: true, value: { ticket, step: first.value } } : first;
}

/** The next command of an issuer contact, or its result (recorded when it ends), given every card answer so far. */
export async function continueCardKeyUpdate(
  actor: IssuerActor,
  input: { ticket: string; responses: readonly Uint8Array[] },
  now = new Date(),
): Promise<Outcome<RelayStep<CardKeyUpdateResult>>> {
  const ticket = openTicket<Context>(ticketMaster(), input.ticket);
  if (!ticket || ticket.owner !== actor.issuerCompanyId || ticket.purpose !== "issuer-key-update") {
    return { ok: false, error: { code: "ticket-invalid", message: "This contact was not started by this issuer." } };
  }
  if (now.getTime() >= new Date(ticket.expiresAt).getTime())
    return { ok: false, error: { code: "ticket-expired", message: "This contact has expired: start again." } };
  return step(actor, ticket.context, ticket.seed, input.responses);
}
