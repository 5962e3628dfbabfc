/**
 * The desk's side of the card (runs in the desk's browser over any reader, and in Node tests): read
 * what the flows need from the card, load under a granted permission, check that the application
 * works, and the visit's state as a reducer. The server never sees the card; it gets what the card
 * answered (card id on platform 100, attribute data on platform 200, the receipt).
 */
import { fromBase64Url, toBase64Url, toHex } from "../bytes";
import {
  applyIssuerKeyUpdates,
  buildLoadFile,
  decodeIssuerKeyUpdate,
  describeStatusWord,
  terminal,
  type AppletKind,
  type AppletParams,
  type IssuerKeyUpdate,
} from "../card";
import { decodeTlv } from "../card/tlv";
import { assertNever, err, ok, type Result } from "../result";

type Transmit = terminal.Transmit;

/** What the desk read from the card before a flow (Fig. 18 step 1801 reads DF70 first). */
export type CardReading = {
  /** As the card answered DF70: 100 and 200 are known; anything else goes to the server as is and is refused there (step 1802). */
  readonly platformType: number;
  /** Platform 100 only (GET DATA 45, steps 405/702). */
  readonly cardId: string | null;
  /** Platform 200 only (GET DATA DF7A, steps 804/1102), base64url; fresh ciphertext on every read. */
  readonly cardAttributeData: string | null;
  /** SELECT of the security domain answered 6283. */
  readonly isCardLocked: boolean;
  /** Applications on the card (GET STATUS), by AID. */
  readonly applications: readonly string[];
};

/** A card refusal during a read, with the command that failed. */
export type ReadFailure = { readonly step: string; readonly sw: number | null; readonly meaning: string };

/** Reads platform type, then card id or attribute data, and the applications on the card. */
export async function readCardForDesk(transmit: Transmit): Promise<Result<CardReading, ReadFailure>> {
  const isd = await terminal.selectIsd(transmit);
  if (!isd.ok) return isd;
  // DF70 read raw: an unknown platform type is data for Fig. 18, not a read failure.
  const pt = await terminal.exchange(transmit, terminal.getDataCommand(0xdf70), "GET DATA DF70 (platform type)");
  if (!pt.ok) return pt;
  if (pt.value.sw !== 0x9000) return err({ step: "GET DATA DF70 (platform type)", sw: pt.value.sw, meaning: describeStatusWord(pt.value.sw) });
  const tlv = decodeTlv(pt.value.data);
  if (!tlv.ok || tlv.value.kind !== "primitive" || tlv.value.value.length !== 2)
    return err({ step: "GET DATA DF70 (platform type)", sw: pt.value.sw, meaning: "malformed platform type" });
  const platformType = (tlv.value.value[0]! << 8) | tlv.value.value[1]!;
  let cardId: string | null = null;
  let cardAttributeData: string | null = null;
  if (platformType === 100) {
    const id = await terminal.readCardId(transmit);
    if (!id.ok) return id;
    cardId = id.value;
  } else if (platformType === 200) {
    const data = await terminal.readCardAttributeData(transmit);
    if (!data.ok) return data;
    cardAttributeData = toBase64Url(data.value);
  }
  const status = isd.value.isCardLocked ? ok([]) : await terminal.getStatus(transmit, "applications");
  return ok({ platformType, cardId, cardAttributeData, isCardLocked: isd.value.isCardLocked, applications: status.ok ? status.value.map((e) => e.aid) : [] });
}

/** A value an application holds on the card, as read at the desk (transit balance or points). */
export type ReadValue = { readonly aid: string; readonly valueMinor: number; readonly unit: string };

/**
 * Issue 12, the value ledger: the desk reads what each of its transit and loyalty applications on the
 * card holds (SELECT + READ BALANCE / READ POINTS), so the provider knows the last value before a block.
 * An application that does not answer is left out (the next read tries again). Platform-100 cards only:
 * a platform-200 card answers its applications only inside a secure channel (6982 here, docs/card.md
 * "Private reads"); there the provider's server reads through its own channel (`describeReading` of a
 * "verify" conversation, app/provider/desk/_components/load-runner.ts).
 */
export async function readApplicationValues(transmit: Transmit, apps: readonly { readonly aid: string; readonly kind: AppletKind }[]): Promise<ReadValue[]> {
  const values: ReadValue[] = [];
  for (const app of apps) {
    if (app.kind === "credit") continue; // a limit, not a value
    const selected = await terminal.selectApplication(transmit, app.aid);
    if (!selected.ok) continue;
    if (app.kind === "transit") {
      const balance = await terminal.readBalance(transmit);
      if (balance.ok) values.push({ aid: app.aid, valueMinor: balance.value.balance, unit: balance.value.currency });
    } else {
      const points = await terminal.readPoints(transmit);
      if (points.ok) values.push({ aid: app.aid, valueMinor: points.value, unit: "PTS" });
    }
  }
  return values;
}

/** What the desk loads with: the grant's token and the load file the provider ships. */
export type DeskGrant = {
  readonly applicationAid: string;
  readonly permissionToken: string;
  readonly loadFile: { readonly kind: AppletKind; readonly aid: string; readonly version: number; readonly codeSize: number };
  readonly installParams: AppletParams;
};

/** What the card did with a load: its receipt (base64url), or the status word and command that refused it. */
export type DeskLoadOutcome =
  | { readonly status: "loaded"; readonly receipt: string }
  | { readonly status: "failed"; readonly statusWord: number; readonly step: string; readonly meaning: string };

/** How the card's issuer keys stood before a load: brought up to date (`from` → `to`), already up to date (it took none), or refused. */
export type KeyUpdateOutcome =
  | { readonly status: "updated"; readonly from: number; readonly to: number; readonly applied: readonly number[] }
  | { readonly status: "current" }
  | { readonly status: "failed"; readonly statusWord: number; readonly step: string; readonly meaning: string };

/**
 * Before a load under a token signed with an issuer key the card may not have learned: the issuer's signed
 * key updates (from the grant, from the version the issuer recorded for the card on), each sent as PUT KEY,
 * oldest first. The desk does not ask the card its version (a platform-200 card keeps it private): the card
 * takes an update only when it moves it forward and answers `6A88` to the others (already up to date). The
 * card checks the issuer's signature itself; the desk holds no key.
 */
export async function updateIssuerKeys(transmit: Transmit, encoded: readonly string[]): Promise<KeyUpdateOutcome> {
  const updates: IssuerKeyUpdate[] = [];
  for (const e of encoded) {
    const d = decodeIssuerKeyUpdate(fromBase64Url(e));
    if (!d.ok) return { status: "failed", statusWord: 0x6f00, step: "issuer key update", meaning: d.error };
    updates.push(d.value);
  }
  await terminal.selectIsd(transmit);
  const r = await applyIssuerKeyUpdates(transmit, updates);
  if (!r.ok) return { status: "failed", statusWord: r.error.sw ?? 0x6f00, step: r.error.step, meaning: r.error.meaning };
  const { from, to, applied } = r.value;
  return from === null || to === null ? { status: "current" } : { status: "updated", from, to, applied };
}

/** INSTALL [for load], LOAD, INSTALL [for install]: the card checks the issuer's token itself. */
export async function loadWithGrant(transmit: Transmit, grant: DeskGrant): Promise<DeskLoadOutcome> {
  await terminal.selectIsd(transmit);
  const loaded = await terminal.loadApplication(transmit, {
    permission: fromBase64Url(grant.permissionToken),
    loadFile: buildLoadFile(grant.loadFile),
    aid: grant.applicationAid,
    installParams: grant.installParams,
  });
  if (loaded.ok) return { status: "loaded", receipt: toBase64Url(loaded.value.receipt) };
  // A reader that answers without a status word is reported as 6F00 (no precise diagnosis).
  return { status: "failed", statusWord: loaded.error.sw ?? 0x6f00, step: loaded.error.step, meaning: loaded.error.meaning };
}

/** What an applet read, before it is put in words. */
export type AppletReading =
  | { readonly kind: "transit"; readonly balance: number; readonly currency: string }
  | { readonly kind: "loyalty"; readonly points: number }
  | { readonly kind: "credit"; readonly limit: number; readonly currency: string; readonly holder: string | null };

/** The application answering on the card after a load: what its applet reads. */
export type WorkingCheck = { readonly aid: string; readonly label: string | null; readonly reading: string };

/** SELECT the application and READ it: proof at the desk that the load works (then back to the ISD). */
export async function checkApplicationWorks(
  transmit: Transmit,
  aid: string,
  kind: AppletKind,
  describe: (reading: AppletReading) => string,
): Promise<Result<WorkingCheck, ReadFailure>> {
  const selected = await terminal.selectApplication(transmit, aid);
  if (!selected.ok) return selected;
  let reading: string;
  switch (kind) {
    case "transit": {
      const r = await terminal.readBalance(transmit);
      if (!r.ok) return r;
      reading = describe({ kind: "transit", balance: r.value.balance, currency: r.value.currency });
      break;
    }
    case "loyalty": {
      const r = await terminal.readPoints(transmit);
      if (!r.ok) return r;
      reading = describe({ kind: "loyalty", points: r.value });
      break;
    }
    case "credit": {
      const r = await terminal.readCreditInfo(transmit);
      if (!r.ok) return r;
      reading = describe({ kind: "credit", limit: r.value.limit, currency: r.value.currency, holder: r.value.holderReference || null });
      break;
    }
    default:
      return assertNever(kind, "applet kind");
  }
  await terminal.selectIsd(transmit);
  return ok({ aid, label: selected.value.label, reading });
}

/** What an application holds, however it was read (at the desk on platform 100, through the provider's channel on platform 200). */
export type ApplicationValue = {
  readonly kind: AppletKind;
  readonly valueMinor: number;
  readonly currency: string | null;
  readonly holderReference: string | null;
};

/** The reading as the desk shows it: "balance ¥2,000", "40 points", "credit limit ¥300,000, holder HOSHI-…". */
/** A value read by the provider's server in the application's own channel, as the desk words readings. */
export function appletReadingOf(value: ApplicationValue): AppletReading {
  switch (value.kind) {
    case "transit":
      return { kind: "transit", balance: value.valueMinor, currency: value.currency ?? "JPY" };
    case "loyalty":
      return { kind: "loyalty", points: value.valueMinor };
    case "credit":
      return { kind: "credit", limit: value.valueMinor, currency: value.currency ?? "JPY", holder: value.holderReference || null };
    default:
      return assertNever(value.kind, "applet kind");
  }
}

/** Short hex for display of opaque data: "01A2B3…9F (90 bytes)". */
export function previewBytes(base64url: string): string {
  const bytes = fromBase64Url(base64url);
  const hex = toHex(bytes);
  return hex.length <= 24 ? hex : `${hex.slice(0, 16)}…${hex.slice(-6)} (${bytes.length} bytes)`;
}

// ─────────────────────────── the visit ───────────────────────────

export type CardSource = "presented" | "file" | "reader";

/** One customer's visit at the desk: which card is in the reader, what was read, which flow runs, and the card's return. */
export type Visit = {
  readonly card: { readonly source: CardSource; readonly presentationId: string | null; readonly last4: string | null } | null;
  readonly reading: CardReading | null;
  readonly flow: "none" | "reload" | "first-load";
  /** When the presented card went back to the cardholder (null while it is at the desk). */
  readonly returnedAt: string | null;
  /** Applications a refused reload case handed over to a first load. */
  readonly carriedOver: { readonly aids: readonly string[]; readonly customerNo: string | null; readonly caseId: string } | null;
};

export type VisitEvent =
  | { readonly type: "card-inserted"; readonly source: CardSource; readonly presentationId: string | null; readonly last4: string | null }
  | { readonly type: "card-read"; readonly reading: CardReading }
  | { readonly type: "flow-chosen"; readonly flow: "reload" | "first-load" }
  | { readonly type: "continue-as-first-load"; readonly aids: readonly string[]; readonly customerNo: string | null; readonly caseId: string }
  | { readonly type: "card-returned"; readonly at: string }
  | { readonly type: "card-removed" };

export const EMPTY_VISIT: Visit = { card: null, reading: null, flow: "none", returnedAt: null, carriedOver: null };

/** The visit's transitions; an event that does not fit the state leaves it unchanged. */
export function visitReducer(visit: Visit, event: VisitEvent): Visit {
  switch (event.type) {
    case "card-inserted":
      // A new card starts a new visit: nothing read from the previous card may leak into it.
      return { ...EMPTY_VISIT, card: { source: event.source, presentationId: event.presentationId, last4: event.last4 } };
    case "card-read":
      return visit.card ? { ...visit, reading: event.reading, flow: "none", carriedOver: null } : visit;
    case "flow-chosen":
      return visit.reading && !visit.returnedAt ? { ...visit, flow: event.flow, carriedOver: null } : visit;
    case "continue-as-first-load":
      return visit.reading && visit.flow === "reload" && !visit.returnedAt
        ? { ...visit, flow: "first-load", carriedOver: { aids: event.aids, customerNo: event.customerNo, caseId: event.caseId } }
        : visit;
    case "card-returned":
      return visit.card ? { ...visit, returnedAt: event.at } : visit;
    case "card-removed":
      return EMPTY_VISIT;
    default:
      return assertNever(event, "visit event");
  }
}

/** Whether the desk can still talk to the card in this visit. */
export function canUseCard(visit: Visit): boolean {
  return visit.card !== null && visit.returnedAt === null;
}
