import "server-only";
import type { Prisma } from "../generated/prisma/client";

/**
 * The party boundary as a type (issue 11): each party's data layer sees only its own tables. The
 * process shares one Prisma client (one pool), but a module of the issuer gets it through
 * `lib/server/data/issuer/db.ts` typed as `IssuerDb`, which has no `sp_*` model, and a provider module
 * through `lib/server/data/provider/db.ts` typed as `ProviderDb`, which has no `iss_*` model: reading
 * the other party's table does not type-check (tests/boundary/boundary.test.ts). ESLint forbids those
 * modules to import `lib/server/db` (the whole client) or the other party's modules (eslint.config.mjs).
 * Raw SQL (`$queryRaw`) stays available and is not checked; docs/limitations.md says so.
 */

type Tx = Prisma.TransactionClient;

/** Auth tables (`auth_*`): accounts, sessions, the sign-in throttle; every portal signs people in. */
export const AUTH_MODELS = ["user", "loginThrottle", "authSession"] as const;
/** The exchange's tables (`xc_*`): outbox, inbox, sequences, trust store, rejections and rate counters. */
export const EXCHANGE_MODELS = [
  "messageSequence",
  "trustedKey",
  "outboxMessage",
  "inboxMessage",
  "messageRejection",
  "messageRejectionCount",
  "rateCounter",
] as const;
/** The cardholder's wallet (`wallet_*`): the cards people hold, and desks' leases on them. */
export const WALLET_MODELS = ["walletCard", "walletCardLease", "cardPresentation"] as const;
/** The issuer's tables (`iss_*`). */
export const ISSUER_MODELS = [
  "issuerCompany",
  "issuerCardKey",
  "issuerPolicy",
  "cardholder",
  "cardholderNotice",
  "cardholderInvitation",
  "card",
  "reissueRequest",
  "cardBlock",
  "reissueLink",
  "renewalRun",
  "renewalItem",
  "bureauDownload",
  "serviceProvider",
  "registeredApplication",
  "loadingPermission",
  "cardApplication",
  "feeSchedule",
  "providerCharge",
  "chargeStatement",
  "chargeMonthTotal",
  "auditLog",
] as const;
/** A provider's tables (`sp_*`), every row keyed by the provider's company id. */
export const PROVIDER_MODELS = [
  "spCompany",
  "spCustomer",
  "spCreditPolicy",
  "spCreditInvestigation",
  "spLoadRecord",
  "spValueLedger",
  "spReissueNotice",
  "spHotListEntry",
  "spTerminalToken",
  "spCardInquiry",
  "spFeeSchedule",
  "spUserCharge",
  "spUserChargeMonthTotal",
  "spReloadCase",
  "spPermission",
  "spChargeStatement",
  "spDeliveryMode",
] as const;

type Models<L extends readonly string[]> = L[number] & keyof Tx;
type Raw = "$queryRaw" | "$queryRawUnsafe" | "$executeRaw" | "$executeRawUnsafe";

/** A transaction that sees only the models `K`. */
export type PartyTx<K extends keyof Tx> = Pick<Tx, K | Raw>;

/** The process client seen through `K`: its transactions see only `K` too. */
export type PartyDb<K extends keyof Tx> = PartyTx<K> & {
  $transaction<R>(
    fn: (tx: PartyTx<K>) => Promise<R>,
    options?: { maxWait?: number; timeout?: number; isolationLevel?: Prisma.TransactionIsolationLevel },
  ): Promise<R>;
  $disconnect(): Promise<void>;
};

export type AuthModel = Models<typeof AUTH_MODELS>;
export type ExchangeModel = Models<typeof EXCHANGE_MODELS>;
export type WalletModel = Models<typeof WALLET_MODELS>;
export type IssuerModel = Models<typeof ISSUER_MODELS>;
export type ProviderModel = Models<typeof PROVIDER_MODELS>;

/** The issuer (and its cardholder portal): its own tables, the exchange, accounts and the wallet it issues cards into. */
export type IssuerModels = IssuerModel | ExchangeModel | AuthModel | WalletModel;
/** A provider: its own tables, the exchange and accounts; never an issuer table. */
export type ProviderModels = ProviderModel | ExchangeModel | AuthModel;

export type IssuerTx = PartyTx<IssuerModels>;
export type IssuerDb = PartyDb<IssuerModels>;
export type ProviderTx = PartyTx<ProviderModels>;
export type ProviderDb = PartyDb<ProviderModels>;
/** The exchange's own tables; handlers get the receiving party's view of the same transaction. */
export type ExchangeTx = PartyTx<ExchangeModel>;
