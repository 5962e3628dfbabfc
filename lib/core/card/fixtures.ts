/**
 * Factories for card tests, seeds and demos: a demo card in a powered slot, permissions for it
 * signed with the demo issuer key, and sample load files. Demo keys only.
 */
import { fromHex, toHex } from "../bytes";
import { formatMessageId } from "../message-id";
import { cardBinding } from "./cryptography";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { DEMO_ISSUER } from "./demo-keys";
import { seededCardEnv, type SeededCardEnv } from "./env";
import type { CardLifeCycle, CardPlatformType } from "./gp";
import type { CardImage } from "./image";
import { buildLoadFile, loadFileHash, type AppletKind } from "./load-file";
import { signPermission, type DeletePermission, type LifeCyclePermission, type LoadKind, type LoadPermission } from "./permission";
import { createDemoCard } from "./personalise";
import { SimulatedCard } from "./simulated-card";
import type { Transmit } from "./terminal";

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
