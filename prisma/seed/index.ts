/**
 * Demo data, seeded by `npm start` on an empty database (idempotent: a database that already has an
 * issuer is left alone). Loads are real: each permission is signed with the demo issuer key, loaded
 * on the simulated card image, and recorded with the card's verified receipt, on both sides.
 */
import {
  buildLoadFile,
  cardBinding,
  DEMO_ISSUER,
  encodeCardImage,
  loadFileHash,
  personaliseCard,
  randomSurfaceNumber,
  seededCardEnv,
  SimulatedCard,
  signPermission,
  verifyReceipt,
  type AppletParams,
  type CardImage,
  type LoadKind,
} from "../../lib/core/card";
import { loadApplication } from "../../lib/core/card/terminal";
import { randomUUID } from "node:crypto";
import { toHex } from "../../lib/core/bytes";
import { examineReissueRequest } from "../../lib/core/workflows/reissue";
import { ExaminationNotesSchema, installedValue } from "../../lib/core/workflows/first-load";
import { auditReason } from "../../lib/core/audit-reason";
import { DEMO_COMPANY_KEYS } from "../../lib/secrets/demo-company-keys";
import { DEMO_ISSUER_KEYS } from "../../lib/secrets/demo-issuer-keys";
import { createPrismaClient, DEFAULT_DB_TIMEOUTS, type Db } from "../../lib/server/db";
import { hashPassword } from "../../lib/server/auth/password";
import { allocateMessageId } from "../../lib/server/exchange/message-ids";
import { isdKeysForCard } from "../../lib/server/issuer/keys";
import {
  DEMO_CARDHOLDERS,
  DEMO_ISSUER_ACCOUNTS,
  DEMO_PASSWORD,
  DEMO_PROVIDERS,
  type DemoApplication,
  type DemoCardholder,
  type DemoProvider,
} from "./demo-data";

const DAY = 24 * 60 * 60 * 1000;
const SEED_POLICY = { maxReissuesPerYear: 2, requireIdentityVerified: true, rejectOnFraudFlag: true };
const CURRENCY = "JPY";
/** The demo people live in Japan: their portals show times in Tokyo time (docs/i18n.md). */
const DEMO_TIME_ZONE = "Asia/Tokyo";
const ISSUER = DEMO_ISSUER.companyId;

const seedHolderNo = (index: number) => `CH-${String(index + 1).padStart(6, "0")}`;
const seedCardSeed = (holderNo: string, generation: 1 | 2) => `demo/${holderNo}/${generation}`;

/** Personalises one of the seed's cards: deterministic from its seed (the card's keys do not depend on the date). */
async function personaliseSeedCard(holder: DemoCardholder, seed: string, issuedAt: Date) {
  const env = seededCardEnv(seed, issuedAt);
  const cardId = toHex(env.random(8));
  const surfaceNumber = randomSurfaceNumber(DEMO_ISSUER.iin, env);
  const { image, cardPublicKeyJwk } = await personaliseCard(
    {
      cardId,
      surfaceNumber,
      platformType: holder.platformType,
      issuerCompanyId: ISSUER,
      iin: DEMO_ISSUER.iin,
      issuerSigningPublicKeyJwk: DEMO_ISSUER_KEYS.signing.publicKeyJwk,
      issuerEncryptionPublicKeyJwk: DEMO_ISSUER_KEYS.encryption.publicKeyJwk,
      // The name on the plastic, as Japanese issuers emboss it: in Latin letters.
      cardholderName: holder.romaji,
      issuedAt,
      isdKeys: isdKeysForCard(cardId),
    },
    env,
  );
  return { cardId, surfaceNumber, image, cardPublicKeyJwk };
}

/**
 * The private receipt keys (hex) of every card the seed personalises, keyed by surface number: the
 * build-output scan (scripts/check-bundle-secrets.ts) looks for them; a test checks they are the seeded ones.
 */
export async function seedCardPrivateKeys(): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const [index, holder] of DEMO_CARDHOLDERS.entries()) {
    for (const generation of holder.reissuedBefore ? ([1, 2] as const) : ([1] as const)) {
      const { surfaceNumber, image } = await personaliseSeedCard(holder, seedCardSeed(seedHolderNo(index), generation), new Date(0));
      keys.set(surfaceNumber, image.keys.cardPrivateKey);
    }
  }
  return keys;
}

/**
 * The image of a seeded cardholder's first card as personalised, before any load (tests only: the e2e
 * issuer contact puts it in the issuer's simulator as the plastic brought to the counter). The card id
 * and ISD keys are the wallet card's; the applications loaded later are not on it.
 * @public (imported by e2e/fixtures/seed-card-image.ts through a generated script, which knip cannot see)
 */
export async function seedCardImageOf(name: string): Promise<string> {
  const index = DEMO_CARDHOLDERS.findIndex((h) => h.romaji === name || h.name === name);
  const holder = DEMO_CARDHOLDERS[index];
  if (!holder) throw new Error(`no demo cardholder named ${name}`);
  const { image } = await personaliseSeedCard(holder, seedCardSeed(seedHolderNo(index), 1), new Date(0));
  return encodeCardImage(image);
}

/** A small deterministic PRNG so the demo world is the same on every machine. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type AppRef = DemoApplication & { id: string; providerId: string; provider: DemoProvider; loadFile: Uint8Array; hash: string };
type CardRef = {
  id: string;
  cardId: string;
  surfaceNumber: string;
  platformType: 100 | 200;
  image: CardImage;
  cardPublicKeyJwk: JsonWebKey;
  cardholderId: string;
};
type LoadRef = { spLoadId: string; messageId: string; app: AppRef; at: Date; investigationId: string | null; limitMinor: number };

/** A row id for what another deployment's database holds (never written here, only carried along). */
const elsewhere = (): string => randomUUID();

function appletParams(app: AppRef, limitMinor: number, holderNo: string): AppletParams {
  switch (app.kind) {
    case "transit":
      return { kind: "transit", balance: 2000, currency: CURRENCY };
    case "loyalty":
      return { kind: "loyalty", points: 120 };
    case "credit":
      return { kind: "credit", limit: limitMinor, currency: CURRENCY, holderReference: holderNo };
  }
}

class DemoSeeder {
  private apps = new Map<string, AppRef>();
  private customers = new Map<string, string>(); // provider|cardholder -> customer id
  private customerCount = new Map<string, number>();
  private current = new Map<string, { card: CardRef; holderNo: string }>(); // cardholder name -> card in use
  private readonly rand = mulberry32(20261128);
  /** The first issuer operator (Aiko Tanaka): the one who decided the earlier reissues. */
  private operatorId: string | null = null;

  /** The issuer's side (iss_*, cardholders, wallet) is written here. */
  private readonly issuerHere: boolean;

  constructor(
    private readonly db: Db,
    private readonly now: Date,
    private readonly log: (line: string) => void,
    /** RECARD_HOSTS: the companies whose own rows and trust stores go into this database (null: all). */
    private readonly hosts: ReadonlySet<string> | null = null,
  ) {
    this.issuerHere = hosts === null || hosts.has(ISSUER);
  }

  /** A provider's side (sp_* scoped by its id, its desk, its trust store) is written here. */
  private providerHere(companyId: string): boolean {
    return this.hosts === null || this.hosts.has(companyId);
  }

  /**
   * The whole world is computed in every deployment (the same cards, loads and message ids, drawn from
   * the same deterministic sources), and each database gets only the rows of the companies it hosts:
   * the issuer's deployment the issuer and the cardholders, Metro's Metro's desk, customers and loads.
   */
  async run() {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    if (this.issuerHere) await this.seedIssuer(passwordHash);
    await this.seedProviders(passwordHash);
    for (const [index, holder] of DEMO_CARDHOLDERS.entries()) await this.seedCardholder(holder, index, passwordHash);
    // Recent loads last, so the random draws of everything above stay as they were.
    for (const holder of DEMO_CARDHOLDERS) {
      const current = this.current.get(holder.name)!;
      for (const recent of holder.recentLoads ?? []) {
        const at = new Date(this.now.getTime() - recent.daysAgo * DAY - 60 * 60 * 1000);
        await this.load(current.card, holder, current.holderNo, this.apps.get(recent.aid)!, at, null);
      }
      if (holder.recentLoads?.length && this.issuerHere)
        await this.db.walletCard.update({ where: { surfaceNumber: current.card.surfaceNumber }, data: { image: current.card.image as object } });
    }
    // Cards expiring next month (the 15th, UTC), for a renewal run to do.
    const nextMonth = new Date(Date.UTC(this.now.getUTCFullYear(), this.now.getUTCMonth() + 1, 15));
    for (const holder of DEMO_CARDHOLDERS.filter((h) => h.expiresNextMonth && this.issuerHere)) {
      await this.db.card.update({ where: { id: this.current.get(holder.name)!.card.id }, data: { expiresAt: nextMonth } });
    }
    this.log(
      this.hosts
        ? `seeded the own data and trust stores of ${[...this.hosts].join(", ")} (RECARD_HOSTS)`
        : `seeded ${DEMO_CARDHOLDERS.length} cardholders, ${DEMO_PROVIDERS.length} providers`,
    );
  }

  private async seedIssuer(passwordHash: string) {
    await this.db.issuerCompany.create({ data: { companyId: ISSUER, name: "ReCard Card Co.", iin: DEMO_ISSUER.iin } });
    await this.db.issuerPolicy.create({ data: { id: 1, ...SEED_POLICY, permissionTtlMinutes: 60, updatedBy: "seed" } });
    for (const account of DEMO_ISSUER_ACCOUNTS) {
      const user = await this.db.user.create({
        data: { email: account.email, name: account.name, passwordHash, role: "issuer", issuerCompanyId: ISSUER, timeZone: DEMO_TIME_ZONE },
      });
      this.operatorId ??= user.id;
    }
  }

  private async seedProviders(passwordHash: string) {
    const issuerKey = DEMO_COMPANY_KEYS.RECARD01;
    for (const p of DEMO_PROVIDERS) {
      const providerKey = DEMO_COMPANY_KEYS[p.companyId as keyof typeof DEMO_COMPANY_KEYS];
      // Issuer side: the registration, contract and fees; the provider's key in the issuer's trust store.
      const provider = this.issuerHere
        ? await this.db.serviceProvider.create({
            data: { companyId: p.companyId, name: p.name, contractNo: p.contractNo, contractStatus: "active", contractStart: new Date(p.contractStart) },
          })
        : { id: elsewhere() };
      if (this.issuerHere)
        await this.db.trustedKey.create({
          data: { ownerCompanyId: ISSUER, companyId: p.companyId, kid: providerKey.kid, publicJwk: providerKey.publicKey as object },
        });
      for (const app of p.applications) {
        const loadFile = buildLoadFile({ kind: app.kind, aid: app.aid, version: 1, codeSize: 4096 });
        const hash = loadFileHash(loadFile);
        let id = elsewhere();
        if (this.issuerHere) {
          const row = await this.db.registeredApplication.create({
            data: {
              aid: app.aid,
              providerId: provider.id,
              name: app.name,
              kind: app.kind,
              version: "1",
              loadFileHash: hash,
              status: app.status,
              registeredAt: new Date(p.contractStart),
            },
          });
          await this.db.feeSchedule.create({
            data: {
              providerId: provider.id,
              applicationId: row.id,
              normalLoadFeeMinor: app.normalFee,
              reissueReloadFeeMinor: app.reissueFee,
              currency: CURRENCY,
              validFrom: new Date(p.contractStart),
            },
          });
          id = row.id;
        }
        this.apps.set(app.aid, { ...app, id, providerId: provider.id, provider: p, loadFile, hash });
      }
      if (!this.providerHere(p.companyId)) continue;
      // Provider side: its own profile, policy, fees to users, the issuer's key in its trust store, its desk.
      await this.db.spCompany.create({ data: { providerCompanyId: p.companyId, name: p.name, issuerCompanyId: ISSUER, currency: CURRENCY } });
      await this.db.spCreditPolicy.create({ data: { providerCompanyId: p.companyId, version: `${p.companyId}-2025.1`, ...p.credit } });
      for (const app of p.applications) {
        await this.db.spFeeSchedule.create({
          data: {
            providerCompanyId: p.companyId,
            applicationAid: app.aid,
            normalFeeMinor: app.userNormalFee,
            reissueFeeMinor: app.userReissueFee,
            currency: CURRENCY,
            validFrom: new Date(p.contractStart),
          },
        });
      }
      await this.db.trustedKey.create({
        data: { ownerCompanyId: p.companyId, companyId: ISSUER, kid: issuerKey.kid, publicJwk: issuerKey.publicKey as object },
      });
      await this.db.user.create({
        data: { email: p.desk.email, name: p.desk.name, passwordHash, role: "provider", providerCompanyId: p.companyId, timeZone: DEMO_TIME_ZONE },
      });
    }
  }

  private async personalise(
    holder: DemoCardholder,
    cardholderId: string,
    seed: string,
    issuedAt: Date,
    generation: number,
    previousCardId: string | null,
  ): Promise<CardRef> {
    const { cardId, surfaceNumber, image, cardPublicKeyJwk } = await personaliseSeedCard(holder, seed, issuedAt);
    if (!this.issuerHere) return { id: elsewhere(), cardId, surfaceNumber, platformType: holder.platformType, image, cardPublicKeyJwk, cardholderId };
    const row = await this.db.card.create({
      data: {
        cardId,
        surfaceNumber,
        platformType: holder.platformType,
        status: "active",
        cardholderId,
        issuedAt,
        expiresAt: new Date(issuedAt.getTime() + 5 * 365 * DAY),
        previousCardId,
        generation,
        cardPublicKeyJwk: cardPublicKeyJwk as object,
      },
    });
    return { id: row.id, cardId, surfaceNumber, platformType: holder.platformType, image, cardPublicKeyJwk, cardholderId };
  }

  private async customerFor(provider: DemoProvider, holder: DemoCardholder, at: Date): Promise<string> {
    const key = `${provider.companyId}|${holder.name}`;
    const known = this.customers.get(key);
    if (known) return known;
    const n = (this.customerCount.get(provider.companyId) ?? 0) + 1;
    this.customerCount.set(provider.companyId, n);
    if (!this.providerHere(provider.companyId)) {
      const id = elsewhere();
      this.customers.set(key, id);
      return id;
    }
    const customer = await this.db.spCustomer.create({
      data: {
        providerCompanyId: provider.companyId,
        customerNo: `${provider.companyId.slice(0, 3)}-${String(n).padStart(5, "0")}`,
        // The provider's own copy of the name and its reading, as the customer gave them at its counter.
        fullName: holder.name,
        fullNameKana: holder.kana,
        birthDate: new Date(holder.birthDate),
        address: holder.address,
        createdAt: at,
      },
    });
    this.customers.set(key, customer.id);
    return customer.id;
  }

  /** The whole first-load or reload procedure, as the flows do it, at time `at`. */
  private async load(card: CardRef, holder: DemoCardholder, holderNo: string, app: AppRef, at: Date, previous: LoadRef | null): Promise<LoadRef> {
    const kind: LoadKind = previous ? "reload" : "first-load";
    const provider = app.provider;
    const customerId = await this.customerFor(provider, holder, at);
    // The provider's examination (claims 11/12): done once, reused on reload.
    let investigationId: string | null = null;
    let limitMinor = 0;
    const providerHere = this.providerHere(provider.companyId);
    let existing = 0;
    if (previous) {
      investigationId = previous.investigationId;
      limitMinor = previous.limitMinor;
    } else {
      const policy = provider.credit;
      existing = Math.round(this.rand() * 3) * 100_000;
      limitMinor =
        app.kind === "credit"
          ? Math.max(0, Math.min(policy.maxLimitMinor, Math.floor((holder.incomeMinor * policy.limitPercentOfIncome) / 100) - existing))
          : 0;
    }
    if (!previous && providerHere) {
      const inv = await this.db.spCreditInvestigation.create({
        data: {
          providerCompanyId: provider.companyId,
          customerId,
          applicationAid: app.aid,
          declaredIncomeMinor: holder.incomeMinor,
          existingLimitsMinor: existing,
          outcome: "approved",
          limitMinor,
          policyVersion: `${provider.companyId}-2025.1`,
          notes: ExaminationNotesSchema.parse(
            // What examineFirstLoad writes for an approval: income checked when the policy or the application asks for it.
            app.kind === "credit" || provider.credit.requiresInvestigation
              ? [
                  { code: "income-meets-minimum", incomeMinor: holder.incomeMinor, minimumMinor: provider.credit.minAnnualIncomeMinor, currency: "JPY" },
                  app.kind === "credit"
                    ? {
                        code: "limit",
                        limitMinor,
                        percent: provider.credit.limitPercentOfIncome,
                        existingMinor: existing,
                        currency: "JPY",
                        capped: limitMinor === provider.credit.maxLimitMinor,
                      }
                    : { code: "not-credit" },
                ]
              : [{ code: "no-investigation", policyVersion: `${provider.companyId}-2025.1` }],
          ),
          investigatedAt: at,
          investigatedBy: provider.desk.name,
        },
      });
      investigationId = inv.id;
    }

    const { requestId, messageId } = await this.db.$transaction(async (tx) => ({
      requestId: await allocateMessageId(tx, { issuerCompanyId: ISSUER, providerCompanyId: provider.companyId, direction: "P" }),
      messageId: await allocateMessageId(tx, { issuerCompanyId: ISSUER, providerCompanyId: provider.companyId, direction: "I" }),
    }));
    const expiresAt = new Date(at.getTime() + 60 * 60 * 1000);
    const binding = cardBinding(card.cardId, messageId);
    const token = await signPermission(DEMO_ISSUER_KEYS.signing.privateKeyJwk, {
      operation: "load",
      messageId,
      cardBinding: binding,
      expiresAt,
      aid: app.aid,
      loadFileHash: app.hash,
      kind,
      originalMessageId: previous?.messageId ?? null,
    });
    const simulated = new SimulatedCard(card.image, seededCardEnv(`${card.cardId}/${messageId}`, at));
    simulated.powerOn();
    const loaded = await loadApplication((apdu) => simulated.transmit(apdu), {
      permission: token,
      loadFile: app.loadFile,
      aid: app.aid,
      installParams: appletParams(app, limitMinor, holderNo),
    });
    const installed = installedValue(appletParams(app, limitMinor, holderNo));
    if (!loaded.ok) throw new Error(`seed: card refused ${app.aid}: ${loaded.error.step} ${loaded.error.meaning}`);
    card.image = simulated.image();
    const receipt = await verifyReceipt(loaded.value.receipt, card.cardPublicKeyJwk, {
      operation: "load",
      messageId,
      cardBinding: binding,
      aid: app.aid,
      loadFileHash: app.hash,
    });
    if (!receipt.ok) throw new Error(`seed: receipt refused: ${receipt.error}`);

    const chargeKind = previous ? "reissue_reload" : "normal_load";
    return this.db.$transaction(async (tx) => {
      // Issuer side (DB 104).
      if (this.issuerHere) {
        const permission = await tx.loadingPermission.create({
          data: {
            messageId,
            requestMessageId: requestId,
            providerId: app.providerId,
            applicationId: app.id,
            cardId: card.id,
            kind: previous ? "reload" : "first_load",
            originalMessageId: previous?.messageId ?? null,
            status: "confirmed",
            token: new Uint8Array(token),
            loadFileHash: app.hash,
            expiresAt,
            decidedAt: at,
            confirmedAt: at,
            receipt: new Uint8Array(loaded.value.receipt),
            confirmationCounter: receipt.value.confirmationCounter,
            // What the provider's confirmation said it charged the cardholder (the same as its sp_user_charges row below).
            userChargeKind: chargeKind,
            userChargeMinor: previous ? app.userReissueFee : app.userNormalFee,
            userChargeCurrency: CURRENCY,
          },
        });
        await tx.cardApplication.create({ data: { cardId: card.id, applicationId: app.id, permissionId: permission.id, loadedAt: at } });
        await tx.providerCharge.create({
          data: {
            providerId: app.providerId,
            permissionId: permission.id,
            kind: chargeKind,
            amountMinor: previous ? app.reissueFee : app.normalFee,
            currency: CURRENCY,
            chargedAt: at,
          },
        });
      }
      const carried = { messageId, app, at, investigationId, limitMinor };
      if (!providerHere) return { spLoadId: elsewhere(), ...carried };
      // Provider side (DB 110): Fig. 14 (card id, platform 100 only) and Fig. 17 (message id).
      const record = await tx.spLoadRecord.create({
        data: {
          providerCompanyId: provider.companyId,
          messageId,
          cardId: card.platformType === 100 ? card.cardId : null,
          surfaceNumberLast4: card.surfaceNumber.slice(-4),
          platformType: card.platformType,
          applicationAid: app.aid,
          customerId,
          creditInvestigationId: investigationId,
          kind: previous ? "reload" : "first_load",
          status: "loaded",
          previousLoadId: previous?.spLoadId ?? null,
          receipt: new Uint8Array(loaded.value.receipt),
          loadedAt: at,
          createdAt: at,
          // The value ledger (issue 12): what the application was installed with, as the desk records it.
          ...(installed ? { valueMinor: installed.valueMinor, valueUnit: installed.unit } : {}),
        },
      });
      if (installed) {
        await tx.spValueLedger.create({
          data: {
            providerCompanyId: provider.companyId,
            loadRecordId: record.id,
            event: "load",
            valueMinor: installed.valueMinor,
            valueUnit: installed.unit,
            at,
          },
        });
      }
      await tx.spUserCharge.create({
        data: {
          providerCompanyId: provider.companyId,
          customerId,
          loadRecordId: record.id,
          kind: chargeKind,
          amountMinor: previous ? app.userReissueFee : app.userNormalFee,
          currency: CURRENCY,
          chargedAt: at,
        },
      });
      return { spLoadId: record.id, ...carried };
    });
  }

  private async seedCardholder(holder: DemoCardholder, index: number, passwordHash: string) {
    const now = this.now.getTime();
    const holderNo = seedHolderNo(index);
    const firstIssued = new Date(now - (400 + Math.floor(this.rand() * 300)) * DAY);
    const cardholderRow = {
      holderNo,
      fullName: holder.name,
      fullNameKana: holder.kana,
      sex: holder.sex,
      birthDate: new Date(holder.birthDate),
      occupation: holder.occupation,
      annualIncomeMinor: holder.incomeMinor,
      currency: CURRENCY,
      postalCode: holder.postalCode,
      address: holder.address,
      email: holder.account ?? `${holder.romaji.toLowerCase().replace(/\s+/g, ".")}@mail.example`,
      phone: `090-${String(1000 + index * 37).slice(-4)}-${String(2000 + index * 91).slice(-4)}`,
      identityVerifiedAt: holder.identityVerified === false ? null : firstIssued,
      fraudFlag: holder.fraudFlag ?? false,
      fraudNote: holder.fraudFlag ? "Chargeback pattern reported by a provider in 2025." : null,
      locale: holder.locale ?? ("en" as const),
      createdAt: firstIssued,
    };
    const cardholder = this.issuerHere ? await this.db.cardholder.create({ data: cardholderRow }) : { id: elsewhere(), email: cardholderRow.email };
    // Every seeded cardholder can sign in (demo password), so any of them can be tried.
    const account = this.issuerHere
      ? await this.db.user.create({
          data: { email: cardholder.email, name: holder.name, passwordHash, role: "cardholder", cardholderId: cardholder.id, timeZone: DEMO_TIME_ZONE },
        })
      : { id: elsewhere() };

    let card = await this.personalise(holder, cardholder.id, seedCardSeed(holderNo, 1), firstIssued, 1, null);
    const loads: LoadRef[] = [];
    for (const [i, aid] of holder.loads.entries()) {
      const at = new Date(firstIssued.getTime() + (10 + i * 23 + Math.floor(this.rand() * 20)) * DAY);
      loads.push(await this.load(card, holder, holderNo, this.apps.get(aid)!, at, null));
    }

    if (holder.reissuedBefore) {
      // An earlier reissue, done the way the flows do it: request, approval, link, notification, reloads.
      const { reason, monthsAgo } = holder.reissuedBefore;
      const reportedAt = new Date(now - monthsAgo * 30 * DAY);
      const decidedAt = new Date(reportedAt.getTime() + 2 * DAY);
      const old = card;
      // The cardholder activated the new card two days after the approval (before any reload): that
      // activation ended the old card, as activateCard does.
      const activatedAt = new Date(decidedAt.getTime() + 2 * DAY);
      card = await this.personalise(holder, cardholder.id, seedCardSeed(holderNo, 2), decidedAt, 2, old.id);
      if (this.issuerHere)
        await this.seedEarlierReissue({ holder, cardholderId: cardholder.id, accountId: account.id, old, card, reason, reportedAt, decidedAt, activatedAt });
      const providers = new Set(loads.map((l) => l.app.provider.companyId));
      if (holder.platformType === 100) {
        for (const companyId of providers) {
          const noticeId = await this.db.$transaction((tx) => allocateMessageId(tx, { issuerCompanyId: ISSUER, providerCompanyId: companyId, direction: "I" }));
          if (!this.providerHere(companyId)) continue;
          await this.db.spReissueNotice.create({
            data: {
              providerCompanyId: companyId,
              platformType: 100,
              oldCardId: old.cardId,
              reissuedCardId: card.cardId,
              reissuedAt: decidedAt,
              receivedAt: decidedAt,
              sourceMessageId: noticeId,
              via: "push",
            },
          });
        }
      }
      for (const [i, previous] of loads.entries()) {
        const at = new Date(decidedAt.getTime() + (3 + i * 4) * DAY);
        await this.load(card, holder, holderNo, previous.app, at, previous);
      }
      if (this.issuerHere) await this.saveWallet(cardholder.id, old, reason === "damaged" ? "surrendered" : "gone");
    }
    if (this.issuerHere) await this.seedToday(holder, cardholder.id, card);
    this.current.set(holder.name, { card, holderNo });
  }

  /** The issuer's records of a reissue done before today (the request, its decision, the link, the audit). */
  private async seedEarlierReissue(r: {
    holder: DemoCardholder;
    cardholderId: string;
    accountId: string;
    old: CardRef;
    card: CardRef;
    reason: "lost" | "stolen" | "damaged";
    reportedAt: Date;
    decidedAt: Date;
    activatedAt: Date;
  }) {
    const { holder, old, card, reason, reportedAt, decidedAt, activatedAt } = r;
    const cardholder = { id: r.cardholderId };
    const account = { id: r.accountId };
    await this.db.card.update({ where: { id: card.id }, data: { activatedAt } });
    await this.db.card.update({
      where: { id: old.id },
      data: {
        status: "terminated",
        terminatedAt: activatedAt,
        ...(reason === "damaged" ? {} : { blockedAt: reportedAt, blockedReason: `Reported ${reason}` }),
      },
    });
    const request = await this.db.reissueRequest.create({
      data: {
        oldCardId: old.id,
        cardholderId: cardholder.id,
        reason,
        statement: reason === "lost" ? "Lost on the train home." : "The chip stopped responding.",
        status: "approved",
        // The examination as the issuer's workflow records it (steps 502/902), under the seeded policy.
        examination: {
          ...examineReissueRequest(SEED_POLICY, {
            identityVerified: true,
            reissuesThisYear: 0,
            cardStatus: reason === "damaged" ? "active" : "blocked",
            alreadyReplaced: false,
            fraudFlag: false,
          }),
          policy: { ...SEED_POLICY, permissionTtlMinutes: 60 },
          evaluatedAt: decidedAt.toISOString(),
          overridden: false,
          overrideReason: null,
        },
        decidedAt,
        decidedByUserId: this.operatorId,
        reissuedCardId: card.id,
        createdAt: reportedAt,
      },
    });
    await this.db.reissueLink.create({
      data: { oldCardId: old.id, reissuedCardId: card.id, requestId: request.id, platformType: holder.platformType, reissuedAt: decidedAt },
    });
    await this.db.auditLog.create({
      data: {
        actorUserId: this.operatorId,
        actorLabel: "Aiko Tanaka (issuer@recard.test)",
        action: "reissue.approve",
        subjectType: "reissue-request",
        subjectId: request.id,
        reason: auditReason("reissue-approved", { reason, override: false }),
        at: decidedAt,
      },
    });
    await this.db.auditLog.create({
      data: {
        actorUserId: account.id,
        actorLabel: `${holder.name} (cardholder)`,
        action: "card.activate",
        subjectType: "card",
        subjectId: card.id,
        reason: auditReason("card-activated", { by: "cardholder" }),
        at: activatedAt,
      },
    });
  }

  /** The issuer's records of today's situation (a blocked card, a pending request) and the card in the wallet. */
  private async seedToday(holder: DemoCardholder, cardholderId: string, card: CardRef) {
    const now = this.now.getTime();
    if (holder.today?.blocked) {
      const at = new Date(now - 1 * DAY);
      await this.db.card.update({ where: { id: card.id }, data: { status: "blocked", blockedAt: at, blockedReason: `Reported ${holder.today.blocked}` } });
    }
    if (holder.today?.pendingRequest) {
      const reason = holder.today.pendingRequest;
      await this.db.reissueRequest.create({
        data: {
          oldCardId: card.id,
          cardholderId,
          reason,
          statement: reason === "damaged" ? "Cracked across the chip." : "Wallet stolen at the station.",
          status: "pending",
          createdAt: new Date(now - 1 * DAY + 60_000),
        },
      });
    }
    await this.saveWallet(cardholderId, card, holder.today?.blocked ? "gone" : "in_hand");
  }

  /** The plastic in the cardholder's hands (or not any more). A surrendered card was terminated. */
  private async saveWallet(cardholderId: string, card: CardRef, state: "in_hand" | "gone" | "surrendered") {
    const image = state === "surrendered" ? { ...card.image, lifeCycle: "TERMINATED" as const } : card.image;
    await this.db.walletCard.create({ data: { cardholderId, surfaceNumber: card.surfaceNumber, state, image: image as object } });
  }
}

/**
 * Seeds the demo world unless the database already has a company. Returns whether it seeded. `hosts`
 * (RECARD_HOSTS, lib/server/hosts.ts): only those companies' own rows and trust stores (null: all).
 * With `traffic`, also sends the opening messages through the real exchange (seed/traffic.ts); that
 * needs the app's data layer pointed at the same database (DATABASE_URL in this process). A deployment
 * hosting only some companies sends none: its peers may not be up (or seeded) yet.
 */
export async function seedIfEmpty(
  databaseUrl: string,
  options: { log?: (line: string) => void; now?: Date; traffic?: boolean; hosts?: ReadonlySet<string> | null } = {},
): Promise<boolean> {
  // The seed runs once, at a deployment's first start, often beside other work: a minute per transaction.
  const db = createPrismaClient(databaseUrl, 2, { ...DEFAULT_DB_TIMEOUTS, transactionTimeoutMs: 60_000 });
  const now = options.now ?? new Date();
  const hosts = options.hosts ?? null;
  try {
    if ((await db.issuerCompany.count()) > 0 || (await db.spCompany.count()) > 0) return false;
    await new DemoSeeder(db, now, options.log ?? (() => {}), hosts).run();
  } finally {
    await db.$disconnect();
  }
  if (options.traffic && hosts === null) {
    if (process.env.DATABASE_URL !== databaseUrl) throw new Error("seed traffic: DATABASE_URL must point at the database being seeded");
    const { sendOpeningTraffic } = await import("./traffic");
    await sendOpeningTraffic({ now, log: options.log });
  }
  return true;
}
