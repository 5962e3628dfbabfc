/**
 * Factories for card tests, seeds and demos: a demo card in a powered slot, permissions for it
 * signed with the demo issuer key, and sample load files; the stranger's session of the private-reads
 * tests. Demo keys only.
 */
import { fromHex, toHex } from "../bytes";
import { formatMessageId } from "../message-id";
import { encodeCommandApdu } from "./apdu";
import { cardBinding } from "./cryptography";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { DEMO_ISSUER, generateIssuerKeys } from "./demo-keys";
import { seededCardEnv, type SeededCardEnv } from "./env";
import type { CardLifeCycle, CardPlatformType } from "./gp";
import type { CardImage } from "./image";
import { signIssuerKeyUpdate } from "./issuer-key-update";
import { buildLoadFile, loadFileHash, type AppletKind } from "./load-file";
import { signPermission, type DeletePermission, type LifeCyclePermission, type LoadKind, type LoadPermission } from "./permission";
import { createDemoCard } from "./personalise";
import { initializeUpdateCommand } from "./scp03-host";
import { SimulatedCard } from "./simulated-card";
import { appletCommand, getDataCommand, selectCommand, type Transmit } from "./terminal";

/** Sample application AIDs (proprietary RID F0…, ISO 7816-5 category F). */
export const SAMPLE_AIDS = {
  transit: "F0000000010001",
  loyalty: "F0000000020001",
  credit: "F0000000030001",
} as const satisfies Record<AppletKind, string>;

/** The provider company of the sample permissions. */
export const SAMPLE_PROVIDER = "METRO01";

/** A sample load file of each kind (the transit one is 32 KiB, as a real applet would be). */
export function sampleLoadFile(kind: AppletKind, codeSize = kind === "transit" ? 32 * 1024 : 2048): Uint8Array {
  return buildLoadFile({ kind, aid: SAMPLE_AIDS[kind], version: 1, codeSize });
}

/** An issuer-direction message id of the demo issuer. */
export function issuerMessageId(sequence: number, provider: string = SAMPLE_PROVIDER): string {
  return formatMessageId({ issuerCompanyId: DEMO_ISSUER.companyId, providerCompanyId: provider, direction: "I", sequence });
}

/** A demo card, powered in a slot with a seeded env (clock at 2026-01-01T00:00:00Z). */
export type CardInSlot = {
  readonly card: SimulatedCard;
  readonly env: SeededCardEnv;
  readonly image: CardImage;
  readonly cardPublicKeyJwk: JsonWebKey;
  readonly transmit: Transmit;
  /** Sends hex, answers hex (response ‖ SW). */
  readonly send: (hex: string) => Promise<string>;
};

/** Personalises a demo card and powers it on. */
export async function cardInSlot(platformType: CardPlatformType = 100, seed = "fixture"): Promise<CardInSlot> {
  const env = seededCardEnv(seed);
  const { image, cardPublicKeyJwk } = await createDemoCard({ platformType, env, cardholderName: "Hanako Yamada", isdKeys: DEMO_ISD_KEYS });
  return inSlot(image, env, cardPublicKeyJwk);
}

/** Puts an existing image in a slot. */
export function inSlot(image: CardImage, env: SeededCardEnv, cardPublicKeyJwk: JsonWebKey): CardInSlot {
  const card = new SimulatedCard(image, env);
  card.powerOn();
  const transmit: Transmit = (apdu) => card.transmit(apdu);
  return { card, env, image, cardPublicKeyJwk, transmit, send: async (hex) => toHex(await transmit(fromHex(hex))) };
}

/** A load permission for `cardId`, valid for one hour from the seeded epoch unless told otherwise. */
export function loadPermissionFor(options: {
  cardId: string;
  sequence: number;
  kind?: AppletKind;
  loadFile?: Uint8Array;
  aid?: string;
  loadKind?: LoadKind;
  originalSequence?: number;
  expiresAt?: Date;
  provider?: string;
}): LoadPermission {
  const kind = options.kind ?? "transit";
  const messageId = issuerMessageId(options.sequence, options.provider);
  const loadKind = options.loadKind ?? "first-load";
  return {
    operation: "load",
    messageId,
    cardBinding: cardBinding(options.cardId, messageId),
    aid: options.aid ?? SAMPLE_AIDS[kind],
    loadFileHash: loadFileHash(options.loadFile ?? sampleLoadFile(kind)),
    kind: loadKind,
    originalMessageId: loadKind === "reload" ? issuerMessageId(options.originalSequence ?? 1, options.provider) : null,
    expiresAt: options.expiresAt ?? new Date("2026-01-01T01:00:00.000Z"),
  };
}

/** A delete permission for `cardId`. */
export function deletePermissionFor(options: { cardId: string; sequence: number; aid: string; expiresAt?: Date }): DeletePermission {
  const messageId = issuerMessageId(options.sequence);
  return {
    operation: "delete",
    messageId,
    cardBinding: cardBinding(options.cardId, messageId),
    aid: options.aid,
    expiresAt: options.expiresAt ?? new Date("2026-01-01T01:00:00.000Z"),
  };
}

/** A life-cycle permission for `cardId`: the issuer addresses the message id to itself. */
export function lifeCyclePermissionFor(options: { cardId: string; sequence: number; target: CardLifeCycle; expiresAt?: Date }): LifeCyclePermission {
  const messageId = issuerMessageId(options.sequence, DEMO_ISSUER.companyId);
  return {
    operation: "set-status",
    messageId,
    cardBinding: cardBinding(options.cardId, messageId),
    target: options.target,
    expiresAt: options.expiresAt ?? new Date("2026-01-01T01:00:00.000Z"),
  };
}

/** Signs with the demo issuer key (or another private JWK). */
export function signDemo(
  permission: LoadPermission | DeletePermission | LifeCyclePermission,
  key: JsonWebKey = DEMO_ISSUER_KEYS.signing.privateKeyJwk,
): Promise<Uint8Array> {
  return signPermission(key, permission);
}

// The stranger's session (docs/card.md "Private reads"): everything anyone can send to a platform-200 card
// without keys. One list for the in-process check (private-reads.test.ts) and the one through pcscd
// (scripts/pcsc-integration.sh, which reads it from scripts/pcsc/stranger-session.ts).

/** The host challenge of the session's INITIALIZE UPDATEs. */
const STRANGER_CHALLENGE = fromHex("0102030405060708");
/** An application name no card holds. */
export const ABSENT_AID = "F0000000990001";
/** The commands whose answers are fresh on every read (a random challenge or ephemeral key inside), by name. */
export const FRESH_ANSWER = /^(GET DATA DF7A$|INITIALIZE UPDATE)/;

/** A stranger's signed issuer key update (its own key, not the issuer's) from `oldVersion`: the probe for the card's version. */
export async function forgedIssuerKeyUpdate(oldVersion: number): Promise<Uint8Array> {
  const stranger = await generateIssuerKeys();
  const update = await signIssuerKeyUpdate({
    issuerCompanyId: "RECARD01",
    oldVersion,
    newVersion: oldVersion + 1,
    signingPublicKeyJwk: stranger.signing.publicKeyJwk,
    encryptionPublicKeyJwk: stranger.encryption.publicKeyJwk,
    oldSigningPrivateKeyJwk: stranger.signing.privateKeyJwk,
  });
  return encodeCommandApdu({ cla: 0x80, ins: 0xd8, p1: oldVersion, p2: 0x81, data: update.data, ne: 256, extended: false });
}

/**
 * SELECT of the ISD, GET DATA of every tag the card knows (and one it does not; E0 lists the key
 * versions), GET STATUS with every P1, the signed issuer key updates `forgeries` (forgedIssuerKeyUpdate,
 * from the versions before and after a rotation), INITIALIZE UPDATE on the ISD with P1 00 and with the
 * versions before and after a rotation, an EXTERNAL AUTHENTICATE it cannot compute, then SELECT of each
 * sample AID and an absent one (FCI and no FCI), every applet command, the application's key commands,
 * INITIALIZE UPDATE with three key versions and an EXTERNAL AUTHENTICATE.
 */
export function strangerSession(forgeries: readonly Uint8Array[]): { name: string; apdu: Uint8Array }[] {
  const commands: { name: string; apdu: Uint8Array }[] = [{ name: "SELECT ISD", apdu: selectCommand() }];
  for (const tag of [0x42, 0x45, 0x66, 0x9f7f, 0xdf70, 0xdf7a, 0xe0, 0xc2, 0x9f7e]) {
    commands.push({ name: `GET DATA ${tag.toString(16).toUpperCase()}`, apdu: getDataCommand(tag) });
  }
  for (const p1 of ["80", "40", "20", "10"]) commands.push({ name: `GET STATUS ${p1}`, apdu: fromHex(`80F2${p1}02024F0000`) });
  for (const forged of forgeries) commands.push({ name: `PUT KEY (forged issuer key update from ${toHex(forged.subarray(2, 3))})`, apdu: forged });
  for (const p1 of [0x00, 0x30, 0x31, 0x01]) {
    commands.push({ name: `INITIALIZE UPDATE ${toHex(Uint8Array.of(p1))} on the ISD`, apdu: initializeUpdateCommand(p1, STRANGER_CHALLENGE) });
  }
  commands.push({ name: "EXTERNAL AUTHENTICATE on the ISD", apdu: fromHex(`8482010010${"11".repeat(16)}`) });
  for (const aid of [SAMPLE_AIDS.transit, SAMPLE_AIDS.loyalty, SAMPLE_AIDS.credit, ABSENT_AID]) {
    commands.push({ name: `SELECT ${aid} (no FCI)`, apdu: fromHex(`00A4040C${toHex(Uint8Array.of(aid.length / 2))}${aid}`) });
    commands.push({ name: `SELECT ${aid}`, apdu: selectCommand(aid) });
    for (const [name, apdu] of [
      ["READ", appletCommand(0x5c)],
      ["CREDIT", appletCommand(0x52, 1)],
      ["DEBIT", appletCommand(0x54, 1)],
      ["GET DATA E0", getDataCommand(0xe0)],
      ["GET DATA 7F49", getDataCommand(0x7f49)],
      ["GET DATA DF70", getDataCommand(0xdf70)],
      ["PUT KEY", fromHex(`80D801811002${"00".repeat(15)}00`)],
      ["INITIALIZE UPDATE 00", initializeUpdateCommand(0x00, STRANGER_CHALLENGE)],
      ["INITIALIZE UPDATE 01", initializeUpdateCommand(0x01, STRANGER_CHALLENGE)],
      ["INITIALIZE UPDATE 30", initializeUpdateCommand(0x30, STRANGER_CHALLENGE)],
      ["EXTERNAL AUTHENTICATE", fromHex(`8482330010${"22".repeat(16)}`)],
      ["protected READ", fromHex(`845C000008${"00".repeat(8)}00`)],
    ] as const) {
      commands.push({ name: `${name} on ${aid}`, apdu });
    }
  }
  return commands;
}
