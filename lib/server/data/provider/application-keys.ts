import "server-only";
import { fromHex } from "@/lib/core/bytes";
import { privateKeyFromJwk, privateKeyFromRandom } from "@/lib/core/card/cryptography";
import { diversifySsdKeys, establishApplicationKeys, readApplicationInOwnChannel, rotateApplicationKeys, SSD_INITIAL_KEY_VERSION } from "@/lib/core/card/ssd";
import type { AppletKind } from "@/lib/core/card";
import type { Scp03StaticKeys } from "@/lib/core/card/scp03";
import type { CardResult } from "@/lib/core/card/terminal";
import { DEMO_PROVIDER_SSD_MASTER_KEY } from "@/lib/secrets/demo-ssd-keys";
import type { ProviderActor } from "../../auth/session";
import { openTicket, relayCardStep, sealTicket, type CardRefused, type HostScript, type RelayStep } from "../../card-relay";
import { db } from "./db";
import { env } from "../../env";
import { signingKeyOf } from "../../exchange/companies";
import { findApplication } from "./catalog";

/**
 * A provider application's own keys (its security domain on the card, lib/core/card/ssd.ts), with the
 * host side on the provider's server and the card in the desk's reader (lib/server/card-relay.ts):
 * - "establish": right after the desk installed the application (same card session), the server gives
 *   it its own SCP03 keys through a key agreement with the card; the desk relays public keys and ciphertext;
 * - "rotate": any later visit, the server reads the version the application holds (GET DATA E0), opens
 *   its own channel with that version's keys and moves it to the next version (PUT KEY under its Key-DEK);
 * - "read": the server opens the application's own channel (level 33) and reads the credit holder
 *   reference, which the card gives no one else (not the issuer's channel, not another provider's);
 * - "verify": after a load, the same channel reads what the application holds (balance, points, or limit and
 *   holder reference): a platform-200 card answers its applications only inside a secure channel
 *   (docs/card.md "Private reads"), so the desk's check that the load works goes through our server.
 * The keys are diversified from the providers' master key per provider, application and load message id,
 * so nothing per card is stored and nothing secret reaches the desk's browser.
 */

/** How long a desk may take to relay one conversation. */
const TICKET_MINUTES = 5;

export type ApplicationKeyPurpose = "establish" | "rotate" | "read" | "verify";
export const APPLICATION_KEY_PURPOSES = ["establish", "rotate", "read", "verify"] as const satisfies readonly ApplicationKeyPurpose[];
/** `kind`: the applet kind of the application (from our catalog), for "verify"; absent in tickets of other purposes. */
type Context = { messageId: string; aid: string; kind?: AppletKind };

export type ApplicationKeysResult =
  | { purpose: "establish"; keyVersion: number }
  | { purpose: "rotate"; from: number; to: number }
  | { purpose: "read"; limitMinor: number; currency: string; holderReference: string }
  | { purpose: "verify"; kind: AppletKind; valueMinor: number; currency: string | null; holderReference: string | null; keyVersion: number };

export type ApplicationKeysRefusal =
  | { code: "not-found"; message: string }
  | { code: "not-credit"; message: string }
  | { code: "ticket-invalid"; message: string }
  | { code: "ticket-expired"; message: string }
  | CardRefused;

type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApplicationKeysRefusal };

function masterKey(): Uint8Array {
  return fromHex(env().RECARD_PROVIDER_SSD_MASTER_KEY ?? DEMO_PROVIDER_SSD_MASTER_KEY);
}

/** The keys of one application on one card (the load's message id names it), at a key version. Server only. */
export function applicationKeysFor(providerCompanyId: string, aid: string, loadMessageId: string, keyVersion = SSD_INITIAL_KEY_VERSION): Scp03StaticKeys {
  return diversifySsdKeys(masterKey(), providerCompanyId, fromHex(aid), loadMessageId, keyVersion);
}

function scriptOf(purpose: ApplicationKeyPurpose, providerCompanyId: string, context: Context): HostScript<CardResult<ApplicationKeysResult>> {
  if (purpose === "establish") {
    return async (transmit, random) => {
      const keys = applicationKeysFor(providerCompanyId, context.aid, context.messageId);
      // Signed with the key the issuer named in the load token: the company's message-signing key.
      const establishmentPrivateKey = privateKeyFromJwk(signingKeyOf(providerCompanyId).privateKey, `signing key of ${providerCompanyId}`);
      const r = await establishApplicationKeys(transmit, {
        aid: context.aid,
        keys,
        hostPrivateKey: privateKeyFromRandom(random(48)),
        establishmentPrivateKey,
        entropy: random(32),
      });
      return r.ok ? { ok: true, value: { purpose, keyVersion: r.value.keyVersion } } : r;
    };
  }
  if (purpose === "rotate") {
    return async (transmit, random) => {
      const r = await rotateApplicationKeys(transmit, {
        aid: context.aid,
        keysFor: (version) => applicationKeysFor(providerCompanyId, context.aid, context.messageId, version),
        hostChallenge: random(8),
      });
      return r.ok ? { ok: true, value: { purpose, from: r.value.from, to: r.value.to } } : r;
    };
  }
  return async (transmit, random) => {
    // The channel of the version the application holds now (a rotation moved it forward).
    const r = await readApplicationInOwnChannel(transmit, {
      aid: context.aid,
      kind: purpose === "read" ? "credit" : (context.kind ?? "credit"),
      keysFor: (version) => applicationKeysFor(providerCompanyId, context.aid, context.messageId, version),
      hostChallenge: random(8),
    });
    if (!r.ok) return r;
    const v = r.value;
    if (purpose === "read") {
      return v.kind === "credit"
        ? { ok: true, value: { purpose, limitMinor: v.valueMinor, currency: v.currency, holderReference: v.holderReference } }
        : { ok: false, error: { step: "READ", sw: null, meaning: "not a credit application" } };
    }
    return {
      ok: true,
      value: {
        purpose,
        kind: v.kind,
        valueMinor: v.valueMinor,
        currency: v.kind === "loyalty" ? null : v.currency,
        holderReference: v.kind === "credit" ? v.holderReference : null,
        keyVersion: v.keyVersion,
      },
    };
  };
}

async function step(
  purpose: ApplicationKeyPurpose,
  providerCompanyId: string,
  context: Context,
  seed: string,
  responses: readonly Uint8Array[],
): Promise<Outcome<RelayStep<ApplicationKeysResult>>> {
  return relayCardStep(scriptOf(purpose, providerCompanyId, context), seed, responses);
}

/**
 * Starts a conversation for one of the provider's own loads (its grant's message id, scoped to the
 * actor's company): returns the sealed ticket and the first command for the card.
 */
export async function startApplicationKeys(
  actor: ProviderActor,
  input: { purpose: ApplicationKeyPurpose; messageId: string },
  now = new Date(),
): Promise<Outcome<{ ticket: string; step: RelayStep<ApplicationKeysResult> }>> {
  // Establishing keys follows a grant just loaded; a rotation or a read follows a load of ours on record
  // (the seed's loads have a load record and no permission row). Either scoped to the actor's company.
  // A check that a load works ("verify") follows a grant just loaded, or any load of ours on record.
  const granted = () =>
    db().spPermission.findUnique({
      where: { providerCompanyId_replyMessageId: { providerCompanyId: actor.providerCompanyId, replyMessageId: input.messageId } },
      select: { applicationAid: true, status: true },
    });
  const recorded = () =>
    db().spLoadRecord.findFirst({
      where: { providerCompanyId: actor.providerCompanyId, messageId: input.messageId },
      select: { applicationAid: true, status: true },
    });
  const load = input.purpose === "establish" ? await granted() : input.purpose === "verify" ? ((await granted()) ?? (await recorded())) : await recorded();
  if (!load || (load.status !== "granted" && load.status !== "loaded")) {
    return { ok: false, error: { code: "not-found", message: "No load of this company under that message id." } };
  }
  const permission = load;
  const application = findApplication(actor.providerCompanyId, permission.applicationAid);
  if (input.purpose === "read" && application?.kind !== "credit") {
    return { ok: false, error: { code: "not-credit", message: "Only a credit application keeps a holder reference." } };
  }
  if (input.purpose === "verify" && !application) {
    return { ok: false, error: { code: "not-found", message: "No application of this company under that AID." } };
  }
  const context: Context = { messageId: input.messageId, aid: permission.applicationAid, ...(input.purpose === "verify" ? { kind: application!.kind } : {}) };
  const ticket = sealTicket<Context>(masterKey(), {
    purpose: input.purpose,
    owner: actor.providerCompanyId,
    context,
    expiresAt: new Date(now.getTime() + TICKET_MINUTES * 60_000).toISOString(),
  });
  const opened = openTicket<Context>(masterKey(), ticket)!;
  const first = await step(input.purpose, actor.providerCompanyId, context, opened.seed, []);
  return first.ok ? { ok: true, value: { ticket, step: first.value } } : first;
}

/** The next command (or the result) of a conversation, given every card answer so far. */
export async function continueApplicationKeys(
  actor: ProviderActor,
  input: { ticket: string; responses: readonly Uint8Array[] },
  now = new Date(),
): Promise<Outcome<RelayStep<ApplicationKeysResult>>> {
  const ticket = openTicket<Context>(masterKey(), input.ticket);
  const purpose = APPLICATION_KEY_PURPOSES.find((p) => p === ticket?.purpose);
  if (!ticket || ticket.owner !== actor.providerCompanyId || !purpose) {
    return { ok: false, error: { code: "ticket-invalid", message: "This conversation was not started by this company." } };
  }
  if (now.getTime() >= new Date(ticket.expiresAt).getTime())
    return { ok: false, error: { code: "ticket-expired", message: "This conversation has expired: start again." } };
  return step(purpose, actor.providerCompanyId, ticket.context, ticket.seed, input.responses);
}
