/**
 * Personalisation (GP 2.3.1 §5.1.1: OP_READY → INITIALIZED → SECURED happen here, in the issuer's
 * personalisation bureau): the card id, platform type and issuer keys are written, the card
 * generates its receipt key from its random source, and the card leaves SECURED.
 */
import { toHex } from "../bytes";
import { privateKeyFromRandom, publicJwkFromRaw, publicKeyFromJwk, publicKeyOf, type RawPublicKey } from "./cryptography";
import { DEMO_ISSUER, DEMO_ISSUER_PUBLIC_KEYS } from "./demo-keys";
import type { CardEnv } from "./env";
import type { CardPlatformType } from "./gp";
import { isCardholderName, isCardId, isCompanyIdText, isIin, isSurfaceNumber, luhnCheckDigit } from "./ids";
import { CARD_IMAGE_VERSION, decodeCardImage, ISSUER_KEY_VERSIONS, type CardImage, type Scp03KeySet } from "./image";

/** What the issuer writes into a new card. */
export type PersonaliseParams = {
  /** 16 upper-case hex digits: 64 random bits. */
  readonly cardId: string;
  /** 16 digits, Luhn-valid, printed on the plastic. */
  readonly surfaceNumber: string;
  readonly platformType: CardPlatformType;
  readonly issuerCompanyId: string;
  readonly iin: string;
  readonly issuerSigningPublicKeyJwk: JsonWebKey;
  readonly issuerEncryptionPublicKeyJwk: JsonWebKey;
  readonly cardholderName?: string | null;
  readonly issuedAt: Date;
  /** The ISD's SCP03 keys for this card (diversified by the issuer, server side); null: a card without a secure channel. */
  readonly isdKeys: Scp03KeySet | null;
  /** Version of the issuer public keys written into the card ('70'..'7F'); default '70'. */
  readonly issuerKeyVersion?: number;
};

/** A personalised card and the public key of its receipt key, which the issuer records. */
export type PersonalisedCard = { readonly image: CardImage; readonly cardPublicKeyJwk: JsonWebKey };

/**
 * What a server personalising thousands of cards passes instead of the pure-JS defaults (issue 16):
 * the card key's public half through native crypto, and the issuer's public keys parsed once per batch.
 */
export type PersonaliseCrypto = {
  readonly publicKeyOf?: (privateKey: Uint8Array) => RawPublicKey;
  readonly publicKeyFromJwk?: (jwk: JsonWebKey, field: string) => RawPublicKey;
};

/** Personalises a card image in state SECURED; rejects with RangeError naming a malformed parameter. */
export async function personaliseCard(params: PersonaliseParams, env: CardEnv, crypto: PersonaliseCrypto = {}): Promise<PersonalisedCard> {
  if (!isCardId(params.cardId)) throw new RangeError("cardId: must be 16 upper-case hex digits");
  if (!isSurfaceNumber(params.surfaceNumber)) throw new RangeError("surfaceNumber: must be 16 digits with a valid Luhn check digit");
  if (params.platformType !== 100 && params.platformType !== 200) throw new RangeError("platformType: must be 100 or 200");
  if (!isCompanyIdText(params.issuerCompanyId)) throw new RangeError("issuerCompanyId: must be 4 to 12 upper-case letters or digits");
  if (!isIin(params.iin)) throw new RangeError("iin: must be 6 or 8 digits");
  const cardholderName = params.cardholderName ?? null;
  if (cardholderName !== null && !isCardholderName(cardholderName)) throw new RangeError("cardholderName: 1 to 64 characters, no control characters");
  if (!(params.issuedAt instanceof Date) || Number.isNaN(params.issuedAt.getTime())) throw new RangeError("issuedAt: must be a valid date");
  const fromJwk = crypto.publicKeyFromJwk ?? publicKeyFromJwk;
  const signing = fromJwk(params.issuerSigningPublicKeyJwk, "issuerSigningPublicKeyJwk");
  const encryption = fromJwk(params.issuerEncryptionPublicKeyJwk, "issuerEncryptionPublicKeyJwk");
  const cardPrivateKey = privateKeyFromRandom(env.random(48));
  const image: CardImage = {
    version: CARD_IMAGE_VERSION,
    cardId: params.cardId,
    surfaceNumber: params.surfaceNumber,
    platformType: params.platformType,
    issuerCompanyId: params.issuerCompanyId,
    iin: params.iin,
    cardholderName,
    issuedAt: params.issuedAt.toISOString(),
    lifeCycle: "SECURED",
    keys: { issuerSigningPublicKey: toHex(signing), issuerEncryptionPublicKey: toHex(encryption), cardPrivateKey: toHex(cardPrivateKey) },
    confirmationCounter: 0,
    usedTokens: [],
    applications: [],
    ...(params.isdKeys
      ? { securityDomain: { scp03: params.isdKeys, sequenceCounter: 0, issuerKeyVersion: params.issuerKeyVersion ?? ISSUER_KEY_VERSIONS.first } }
      : {}),
  };
  const checked = decodeCardImage(image);
  if (!checked.ok) throw new RangeError(checked.error);
  return { image: checked.value, cardPublicKeyJwk: publicJwkFromRaw((crypto.publicKeyOf ?? publicKeyOf)(cardPrivateKey)) };
}

/** Uniform random decimal digits from env.random (bytes ≥ 250 are dropped so each digit is unbiased). */
function randomDigits(env: CardEnv, count: number): string {
  let out = "";
  while (out.length < count) {
    for (const b of env.random(count)) {
      if (b < 250 && out.length < count) out += String(b % 10);
    }
  }
  return out;
}

/** A Luhn-valid 16-digit surface number starting with the IIN. */
export function randomSurfaceNumber(iin: string, env: CardEnv): string {
  if (!isIin(iin)) throw new RangeError("iin: must be 6 or 8 digits");
  const body = iin + randomDigits(env, 15 - iin.length);
  return body + String(luhnCheckDigit(body));
}

/** Draws before giving up on a surface number: only a nearly full number space needs more than a few. */
export const SURFACE_NUMBER_DRAWS = 50;

/**
 * The first drawn number that is not taken, with how many draws it took; null after `maxDraws` taken
 * ones. Random numbers with a redraw (not a sequence per IIN): a sequence never collides, but it makes
 * the next cardholder's number guessable and shows how many cards an issuer has made. At a fraction f
 * of the IIN's space in use a number costs 1/(1-f) draws on average: 1.01 at 100,000 cards under an
 * 8-digit IIN (10^7 numbers), 2 at 5 million; giving up needs f^maxDraws (docs/performance.md).
 * `isTaken` is the database check (under a lock) on the server, a set in tests.
 */
export async function drawUnused(
  draw: () => string,
  isTaken: (candidate: string) => boolean | Promise<boolean>,
  maxDraws = SURFACE_NUMBER_DRAWS,
): Promise<{ value: string; draws: number } | null> {
  for (let draws = 1; draws <= maxDraws; draws++) {
    const candidate = draw();
    if (!(await isTaken(candidate))) return { value: candidate, draws };
  }
  return null;
}

/** A demo card with the demo issuer keys, a random card id and a random surface number under the demo IIN. */
export async function createDemoCard(options: {
  platformType: CardPlatformType;
  env: CardEnv;
  cardholderName?: string | null;
  issuedAt?: Date;
  /** The ISD's SCP03 keys; without them the card has no secure channel (tests and demos pass DEMO_ISD_KEYS from lib/secrets). */
  isdKeys?: Scp03KeySet;
}): Promise<PersonalisedCard> {
  const { env } = options;
  return personaliseCard(
    {
      cardId: toHex(env.random(8)),
      surfaceNumber: randomSurfaceNumber(DEMO_ISSUER.iin, env),
      platformType: options.platformType,
      issuerCompanyId: DEMO_ISSUER.companyId,
      iin: DEMO_ISSUER.iin,
      issuerSigningPublicKeyJwk: DEMO_ISSUER_PUBLIC_KEYS.signing.publicKeyJwk,
      issuerEncryptionPublicKeyJwk: DEMO_ISSUER_PUBLIC_KEYS.encryption.publicKeyJwk,
      cardholderName: options.cardholderName ?? null,
      issuedAt: options.issuedAt ?? env.now(),
      isdKeys: options.isdKeys ?? null,
    },
    env,
  );
}
