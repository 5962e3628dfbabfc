import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimulatedCard, seededCardEnv, terminal, type CardImage } from "@/lib/core/card";
import { loadPermissionFor, sampleLoadFile, signDemo } from "@/lib/core/card/fixtures";
import type { CardholderActor, ProviderActor } from "@/lib/server/auth/session";
import { db } from "@/lib/server/db";
import { cardholderLeases, endLeaseByCardholder, leaseIdleMs, relayApdu, returnLeasedCard } from "@/lib/server/data/card-lease";
import { confirmReloadCase, openReloadCase, recordReloadLoad, releaseCasesOfEndedLeases, resumeReloadCase } from "@/lib/server/data/provider/reload";
import { claimPresentation, createPresentation, retireCard } from "@/lib/server/data/wallet";
import { testDatabase } from "../helpers/db";
import { AIDS, currentCard, DeskCard, desks, freshDemoWorld, grantsOf, reissue, walletImage } from "./helpers";
import { nameOf } from "../helpers/people";

/**
 * The presented card (issue 10): the card stays in the wallet and a desk holding its lease reaches it by
 * relayed APDUs; one desk at a time; leases end by return, idle timeout or the cardholder; a crash of the
 * desk's server between two LOAD blocks leaves card and records consistent, and the case resumes or is
 * released (issue 9). Clocks are injected: nothing here waits for time to pass.
 */
beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

const T0 = new Date("2026-01-01T00:05:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

async function cardholder(email: string): Promise<CardholderActor> {
  const u = await db().user.findUniqueOrThrow({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: "cardholder", tenantId: u.cardholderId!, cardholderId: u.cardholderId!, companyName: "" };
}

const named = async (desk: Promise<ProviderActor>, companyName: string) => ({ ...(await desk), companyName });

/** The cardholder's current card presented with a fresh code, and taken by `desk` in tab `tab`. */
async function take(holder: CardholderActor, surfaceNumber: string, desk: ProviderActor, tab: string, now = T0) {
  const code = await createPresentation(holder, surfaceNumber, now);
  if (!code.ok) throw new Error(code.error.message);
  return { code: code.value.code, claimed: await claimPresentation(desk, code.value.code, tab, now) };
}

/** A desk's transmit through the relay; every command and answer recorded. */
function relayed(desk: ProviderActor, leaseId: string, tab: string, now: () => Date, random?: (n: number) => Uint8Array) {
  const log: { command: string; response: string }[] = [];
  const transmit = async (apdu: Uint8Array) => {
    const r = await relayApdu(desk, { leaseId, deskTab: tab, apdu }, now(), random);
    if (!r.ok) throw new Error(`relay refused: ${r.error.code} ${JSON.stringify(r.error.params)}`);
    log.push({ command: Buffer.from(apdu).toString("hex"), response: Buffer.from(r.response).toString("hex") });
    return r.response;
  };
  return { transmit, log };
}

describe(`the presented card, relayed (${testDatabase().kind})`, () => {
  it("answers byte for byte like the in-process card for a recorded reload session: SELECT, GET DATA, GET STATUS, INSTALL chained and extended, LOAD of 32 KiB", async () => {
    const hana = await cardholder("hana@recard.test");
    const card = await currentCard(nameOf("Hana Sato"));
    const image0 = await walletImage(card.surfaceNumber);
    const transitFile = sampleLoadFile("transit"); // 32 KiB
    const loyaltyFile = sampleLoadFile("loyalty");
    const first = await signDemo(loadPermissionFor({ cardId: image0.cardId, sequence: 9001, kind: "transit", loadFile: transitFile }));
    const second = await signDemo(loadPermissionFor({ cardId: image0.cardId, sequence: 9002, kind: "loyalty", loadFile: loyaltyFile }));
    const session = async (transmit: (apdu: Uint8Array) => Promise<Uint8Array>) => {
      expect((await terminal.selectIsd(transmit)).ok).toBe(true);
      expect(await terminal.readPlatformType(transmit)).toEqual({ ok: true, value: 100 });
      expect(await terminal.readCardId(transmit)).toEqual({ ok: true, value: image0.cardId });
      await terminal.readCplc(transmit);
      await terminal.getStatus(transmit, "applications");
      const a = await terminal.loadApplication(transmit, { permission: first, loadFile: transitFile, aid: "F0000000010001", lengths: "short" });
      const b = await terminal.loadApplication(transmit, { permission: second, loadFile: loyaltyFile, aid: "F0000000020001", lengths: "extended" });
      expect([a.ok, b.ok]).toEqual([true, true]);
      await terminal.selectApplication(transmit, "F0000000010001");
      await terminal.readBalance(transmit);
    };

    // The in-process card: the recording.
    const local = new SimulatedCard(image0, seededCardEnv("relay-equivalence", T0));
    local.powerOn();
    const recording: { command: Uint8Array; response: Uint8Array }[] = [];
    await session(async (apdu) => {
      const response = await local.transmit(apdu);
      recording.push({ command: apdu.slice(), response });
      return response;
    });
    expect(recording.filter((r) => r.command[1] === 0xe8).length).toBeGreaterThan(137);

    // The same commands relayed to the wallet's card: the same answers, and the same card afterwards.
    const desk = await named(desks.metro(), "Metro Transit");
    const { claimed } = await take(hana, card.surfaceNumber, desk, "tab-equivalence");
    if (!claimed.ok) throw new Error(claimed.error.message);
    const env = seededCardEnv("relay-equivalence", T0);
    for (const { command, response } of recording) {
      const r = await relayApdu(desk, { leaseId: claimed.value.leaseId, deskTab: "tab-equivalence", apdu: command }, T0, env.random);
      expect(r.ok && Buffer.from(r.response).toString("hex")).toBe(Buffer.from(response).toString("hex"));
    }
    expect(await walletImage(card.surfaceNumber)).toEqual(local.image());
    const lease = await db().walletCardLease.findUniqueOrThrow({ where: { id: claimed.value.leaseId } });
    expect(lease.apduCount).toBe(recording.length);
    expect(Object.keys(lease.receipts as object).sort()).toEqual(["RECARD01-METRO01-I0000009001", "RECARD01-METRO01-I0000009002"]);
    expect(await returnLeasedCard(desk, { leaseId: claimed.value.leaseId })).toEqual({ ok: true });
  });

  it("two desks take the same card: one gets the lease, the other a refusal naming the desk; a second tab is another desk; the same tab resumes", async () => {
    const hana = await cardholder("hana@recard.test");
    const card = await currentCard(nameOf("Hana Sato"));
    const metro = await named(desks.metro(), "Metro Transit");
    const hoshi = await named(desks.hoshi(), "Hoshi Card Services");
    const first = await take(hana, card.surfaceNumber, metro, "metro-tab-1");
    expect(first.claimed.ok).toBe(true);
    const second = await take(hana, card.surfaceNumber, hoshi, "hoshi-tab-1");
    expect(second.claimed).toMatchObject({ ok: false, error: { code: "card-at-desk" } });
    expect(!second.claimed.ok && second.claimed.error.message).toMatch(/^This card is at Metro Transit's desk\./);
    // The code Metro used, typed at Hoshi's desk: the same answer, not a technical one.
    const sameCode = await claimPresentation(hoshi, first.code, "hoshi-tab-1", T0);
    expect(!sameCode.ok && sameCode.error.message).toMatch(/^This card is at Metro Transit's desk\./);
    // A second tab of the same desk account is another desk.
    const otherTab = await claimPresentation(metro, second.code, "metro-tab-2", T0);
    expect(!otherTab.ok && otherTab.error.message).toMatch(/^This card is at Metro Transit's desk\./);
    // The tab that holds it (F5) gets its own lease back.
    const again = await claimPresentation(metro, first.code, "metro-tab-1", at(1000));
    expect(again).toMatchObject({ ok: true, value: { resumed: true, leaseId: first.claimed.ok ? first.claimed.value.leaseId : "" } });
    // Hoshi cannot send APDUs on Metro's lease.
    const foreign = await relayApdu(
      hoshi,
      { leaseId: first.claimed.ok ? first.claimed.value.leaseId : "", deskTab: "metro-tab-1", apdu: Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x00) },
      T0,
    );
    expect(foreign).toEqual({ ok: false, error: { code: "no-lease", params: {} } });
    expect(await db().walletCardLease.count({ where: { walletCard: { surfaceNumber: card.surfaceNumber }, endedAt: null } })).toBe(1);
    if (first.claimed.ok) await returnLeasedCard(metro, { leaseId: first.claimed.value.leaseId }, at(2000));
  });

  it("an idle lease is released: the desk's next APDU is refused and another desk can take the card", async () => {
    const hana = await cardholder("hana@recard.test");
    const card = await currentCard(nameOf("Hana Sato"));
    const metro = await named(desks.metro(), "Metro Transit");
    const sakura = await named(desks.sakura(), "Sakura Points");
    const { claimed } = await take(hana, card.surfaceNumber, metro, "metro-idle");
    if (!claimed.ok) throw new Error(claimed.error.message);
    const select = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x00);
    expect((await relayApdu(metro, { leaseId: claimed.value.leaseId, deskTab: "metro-idle", apdu: select }, at(leaseIdleMs() - 1))).ok).toBe(true); // extends it
    const late = at(2 * leaseIdleMs());
    expect(await relayApdu(metro, { leaseId: claimed.value.leaseId, deskTab: "metro-idle", apdu: select }, late)).toEqual({
      ok: false,
      error: { code: "lease-ended", params: { reason: "idle" } },
    });
    expect((await cardholderLeases(hana, late)).length).toBe(0);
    const next = await take(hana, card.surfaceNumber, sakura, "sakura-1", late);
    expect(next.claimed.ok).toBe(true);
    if (next.claimed.ok) await returnLeasedCard(sakura, { leaseId: next.claimed.value.leaseId }, late);
  });

  it("the cardholder sees which desk holds the card and ends the lease; another cardholder cannot", async () => {
    const hana = await cardholder("hana@recard.test");
    const kenji = await cardholder("kenji@recard.test");
    const card = await currentCard(nameOf("Hana Sato"));
    const metro = await named(desks.metro(), "Metro Transit");
    const { claimed } = await take(hana, card.surfaceNumber, metro, "metro-end");
    if (!claimed.ok) throw new Error(claimed.error.message);
    const leases = await cardholderLeases(hana, T0);
    expect(leases).toEqual([expect.objectContaining({ leaseId: claimed.value.leaseId, providerName: "Metro Transit", surfaceNumber: card.surfaceNumber })]);
    expect(await cardholderLeases(kenji, T0)).toEqual([]);
    expect(await endLeaseByCardholder(kenji, claimed.value.leaseId, T0)).toEqual({ ok: false, error: { code: "no-lease", params: {} } });
    expect(await endLeaseByCardholder(hana, claimed.value.leaseId, T0)).toEqual({ ok: true });
    expect(await relayApdu(metro, { leaseId: claimed.value.leaseId, deskTab: "metro-end", apdu: Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x00) }, T0)).toEqual({
      ok: false,
      error: { code: "lease-ended", params: { reason: "cardholder" } },
    });
    expect(await cardholderLeases(hana, T0)).toEqual([]);
  });

  it("a card reported lost while a desk holds it stays at that desk (the relay answers); a card handed back to the issuer ends the lease", async () => {
    const hana = await cardholder("hana@recard.test");
    const card = await currentCard(nameOf("Hana Sato"));
    const metro = await named(desks.metro(), "Metro Transit");
    const select = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x00);
    const { claimed } = await take(hana, card.surfaceNumber, metro, "metro-lost");
    if (!claimed.ok) throw new Error(claimed.error.message);
    const lease = { leaseId: claimed.value.leaseId, deskTab: "metro-lost", apdu: select };
    try {
      await db().$transaction((tx) => retireCard(tx, card.surfaceNumber, "gone"));
      expect((await relayApdu(metro, lease, T0)).ok).toBe(true);
      // A new presentation of a card the holder no longer has is refused.
      expect(await createPresentation(hana, card.surfaceNumber, T0)).toMatchObject({ ok: false, error: { code: "not-in-hand" } });
      await db().walletCard.updateMany({ where: { surfaceNumber: card.surfaceNumber }, data: { state: "surrendered" } });
      expect(await relayApdu(metro, lease, T0)).toEqual({ ok: false, error: { code: "lease-ended", params: { reason: "surrendered" } } });
    } finally {
      await db().walletCard.updateMany({ where: { surfaceNumber: card.surfaceNumber }, data: { state: "in_hand" } });
    }
  });
});

/** Runs the desk-server child until it prints `stopAfter`, then kill -9; resolves with what it printed. */
async function crashDeskServerAfter(input: { actor: ProviderActor; leaseId: string; tab: string; grant: unknown; stopAfter: string }): Promise<string[]> {
  const child = spawn(
    process.execPath,
    [path.join("node_modules", "tsx", "dist", "cli.mjs"), "--conditions=react-server", "tests/provider/relay-child.ts", JSON.stringify(input)],
    {
      env: { ...process.env, DB_POOL_MAX: "2" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines: string[] = [];
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
  for await (const line of createInterface({ input: child.stdout! })) {
    lines.push(line);
    if (line === input.stopAfter) {
      child.kill("SIGKILL");
      break;
    }
  }
  expect(await exited).toBe("SIGKILL");
  return lines;
}

describe(`a crash of the desk's server during a reload (${testDatabase().kind})`, () => {
  const TAB = "hoshi-crash";

  /** A cardholder's card (Kenji's by default) reissued; Hoshi's desk takes the new card, checks it and is granted the reload of Hoshi Credit. */
  async function grantedReload(now: Date, fullName = nameOf("Kenji Watanabe")) {
    const holder = await db().cardholder.findFirstOrThrow({ where: { fullName } });
    const kenji: CardholderActor = {
      id: holder.id,
      email: "",
      name: fullName,
      role: "cardholder",
      tenantId: holder.id,
      cardholderId: holder.id,
      companyName: "",
    };
    const { approval } = await reissue(fullName, "damaged");
    const hoshi = await named(desks.hoshi(), "Hoshi Card Services");
    const { claimed } = await take(kenji, approval.surfaceNumber, hoshi, TAB, now);
    if (!claimed.ok) throw new Error(claimed.error.message);
    const leaseId = claimed.value.leaseId;
    // The desk reads the card through the relay, as its browser does, and runs the case to the grant.
    const image = await walletImage(approval.surfaceNumber);
    const { transmit } = relayed(hoshi, leaseId, TAB, () => now);
    const reading = await DeskCard.prototype.read.call({ transmit, card: { image: () => image } } as unknown as DeskCard);
    const opened = await openReloadCase(hoshi, { ...reading, applicationAids: [AIDS.hoshiCredit], leaseId }, now);
    expect(opened.outcome).toBe("in_progress");
    const confirmed = await confirmReloadCase(hoshi, opened.id, now);
    const [grant] = grantsOf(confirmed.applications);
    expect(grant).toBeDefined();
    return { kenji, hoshi, leaseId, caseId: opened.id, grant: grant!, surfaceNumber: approval.surfaceNumber, transmit };
  }

  const loadedOn = (image: CardImage) => image.applications.filter((a) => a.aid === AIDS.hoshiCredit);
  /** User charges for the loads under the case's permissions. */
  const charges = async (caseId: string) => {
    const ids = (await db().spPermission.findMany({ where: { providerCompanyId: "HOSHI01", reloadCaseId: caseId }, select: { replyMessageId: true } })).flatMap(
      (p) => (p.replyMessageId ? [p.replyMessageId] : []),
    );
    return db().spUserCharge.count({ where: { providerCompanyId: "HOSHI01", loadRecord: { messageId: { in: ids } } } });
  };

  it("kill -9 between two LOAD blocks: no application half-present, nothing charged; the same desk resumes the case and loads it once", async () => {
    const now = new Date();
    const r = await grantedReload(now);
    const printed = await crashDeskServerAfter({ actor: r.hoshi, leaseId: r.leaseId, tab: TAB, grant: r.grant, stopAfter: "LOAD 3" });
    expect(printed).toEqual(["LOAD 1", "LOAD 2", "LOAD 3"]);

    // After the crash: the card has nothing of it; the records say granted, not loaded; no charge.
    expect(loadedOn(await walletImage(r.surfaceNumber))).toEqual([]);
    const permission = await db().spPermission.findUniqueOrThrow({ where: { id: r.grant.permissionId } });
    expect(permission.status).toBe("granted");
    expect(await db().spLoadRecord.count({ where: { providerCompanyId: "HOSHI01", messageId: permission.replyMessageId!, status: "loaded" } })).toBe(0);
    expect(await charges(r.caseId)).toBe(0);
    // The card's session kept the LOAD blocks received (RAM, as the lease's card session).
    const lease = await db().walletCardLease.findUniqueOrThrow({ where: { id: r.leaseId } });
    expect(JSON.stringify(lease.cardSession)).toContain('"phase":"receiving"');

    // Restart: the same desk tab resumes its lease and case (F5), and loads; one application, one charge.
    const resumed = await resumeReloadCase(r.hoshi, r.leaseId, now);
    expect(resumed).toMatchObject({ id: r.caseId, outcome: "in_progress" });
    expect(resumed!.applications[0]).toMatchObject({ state: "granted" });
    const desk = { transmit: r.transmit } as unknown as DeskCard;
    const outcome = await DeskCard.prototype.load.call(desk, r.grant);
    expect(outcome.status).toBe("loaded");
    const { recorded, view } = await recordReloadLoad(r.hoshi, r.caseId, r.grant.permissionId, outcome, now);
    expect(recorded).toMatchObject({ ok: true, value: { status: "loaded", charge: { kind: "reissue_reload" } } });
    expect(view.outcome).toBe("reloaded");
    expect(loadedOn(await walletImage(r.surfaceNumber))).toHaveLength(1);
    expect(await charges(r.caseId)).toBe(1);
    await returnLeasedCard(r.hoshi, { leaseId: r.leaseId }, now);
  });

  it("kill -9 after the card signed its receipt but before the desk recorded it: resuming records the load once from the receipt the relay kept", async () => {
    const now = new Date();
    const r = await grantedReload(now);
    expect(await crashDeskServerAfter({ actor: r.hoshi, leaseId: r.leaseId, tab: TAB, grant: r.grant, stopAfter: "RECEIPT" })).toContain("RECEIPT");
    expect(loadedOn(await walletImage(r.surfaceNumber))).toHaveLength(1);
    expect(await charges(r.caseId)).toBe(0);
    const resumed = await resumeReloadCase(r.hoshi, r.leaseId, now);
    expect(resumed).toMatchObject({ id: r.caseId, outcome: "reloaded" });
    expect(await charges(r.caseId)).toBe(1);
    expect(await resumeReloadCase(r.hoshi, r.leaseId, now)).toBeNull(); // nothing left open
    expect(await charges(r.caseId)).toBe(1);
    await returnLeasedCard(r.hoshi, { leaseId: r.leaseId }, now);
  });

  it("kill -9 and the desk never comes back: when the lease runs out the case is released, nothing charged, and the old load is free for the next desk", async () => {
    const now = new Date();
    const r = await grantedReload(now, nameOf("Haruto Kobayashi"));
    await crashDeskServerAfter({ actor: r.hoshi, leaseId: r.leaseId, tab: TAB, grant: r.grant, stopAfter: "LOAD 2" });
    expect(await releaseCasesOfEndedLeases(r.hoshi, now)).toBe(0); // the lease still lives: the desk may come back
    // The child relayed on the real clock: "later" is past any idle time it could have left.
    const later = new Date(Date.now() + 2 * leaseIdleMs());
    expect(await releaseCasesOfEndedLeases(r.hoshi, later)).toBe(1);
    const row = await db().spReloadCase.findUniqueOrThrow({ where: { id: r.caseId } });
    expect(row.outcome).toBe("abandoned");
    expect((await db().spPermission.findUniqueOrThrow({ where: { id: r.grant.permissionId } })).status).toBe("abandoned");
    expect(loadedOn(await walletImage(r.surfaceNumber))).toEqual([]);
    expect(await charges(r.caseId)).toBe(0);
    // Another desk tab takes the card (the old lease has run out) and reloads it: one application, one
    // charge. The messages to the issuer go at the real time (it refuses messages from the future).
    const { claimed } = await take(r.kenji, r.surfaceNumber, r.hoshi, "hoshi-after", later);
    if (!claimed.ok) throw new Error(claimed.error.message);
    const { transmit } = relayed(r.hoshi, claimed.value.leaseId, "hoshi-after", () => later);
    const image = await walletImage(r.surfaceNumber);
    const reading = await DeskCard.prototype.read.call({ transmit, card: { image: () => image } } as unknown as DeskCard);
    const opened = await openReloadCase(r.hoshi, { ...reading, applicationAids: [AIDS.hoshiCredit], leaseId: claimed.value.leaseId }, new Date());
    const confirmed = await confirmReloadCase(r.hoshi, opened.id, new Date());
    const [grant] = grantsOf(confirmed.applications);
    expect(grant, JSON.stringify(confirmed.applications.map((a) => [a.state, a.refusal, a.permission]))).toBeDefined();
    const outcome = await DeskCard.prototype.load.call({ transmit } as unknown as DeskCard, grant!);
    const { view } = await recordReloadLoad(r.hoshi, opened.id, grant!.permissionId, outcome, new Date());
    expect(view.outcome).toBe("reloaded");
    expect(loadedOn(await walletImage(r.surfaceNumber))).toHaveLength(1);
    expect(await charges(opened.id)).toBe(1);
    await returnLeasedCard(r.hoshi, { leaseId: claimed.value.leaseId }, later);
  });
});
