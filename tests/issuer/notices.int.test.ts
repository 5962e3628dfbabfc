/**
 * Cardholder notices by e-mail, end to end: a real SMTP server in this process (smtp-server), the
 * app's SMTP_URL pointed at it, the notices written by the real flows (report, block, decision, card
 * made, reload confirmed by a verified receipt) and sent by the real pg-boss worker; every message
 * parsed with mailparser.
 */
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFileHash } from "@/lib/core/card";
import type { MessageOf } from "@/lib/core/messages";
import { db } from "@/lib/server/db";
import { activateCard } from "@/lib/server/data/issuer/activation";
import { approveReissueRequest, fileReissueRequest, rejectReissueRequest, type Reporter } from "@/lib/server/data/issuer/reissue";
import { enqueueNoticesIfRunning, startExchangeQueue, stopExchangeQueue } from "@/lib/server/exchange/queue";
import { recordNotice, recordNotices, sendNotice } from "@/lib/server/notices/notices";
import { testDatabase } from "../helpers/db";
import { AIDS, ask, currentCard, freshDemoWorld, issuerActor, loadFileOf, loadWithToken, sendAsProvider, walletImage } from "./helpers";
import { nameOf } from "../helpers/people";

const mails: ParsedMail[] = [];
let smtp: SMTPServer;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  await freshDemoWorld();
}, 180_000);

afterAll(async () => {
  await stopExchangeQueue();
  await db().$disconnect();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

async function reporter(fullName: string): Promise<Reporter> {
  const holder = await db().cardholder.findFirstOrThrow({ where: { fullName } });
  return { kind: "cardholder", userId: holder.id, label: `${fullName} (cardholder)`, cardholderId: holder.id };
}

/** Waits for a condition of the database (polling, not a fixed sleep), up to a generous bound. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const headerOf = (mail: ParsedMail, name: string) => String(mail.headers.get(name) ?? "");
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9faf]/;

describe(`cardholder notices by e-mail on ${testDatabase().kind}`, () => {
  it("report, block, decisions, new card and a reload each reach the cardholder once, in their language, naming only the last four digits", async () => {
    const actor = await issuerActor();
    // Kenji reads Japanese; Hana English.
    await db().cardholder.updateMany({ where: { fullName: nameOf("Kenji Watanabe") }, data: { locale: "ja" } });

    // Hana (PF100, Metro Pass and Sakura Points): lost → approved → Metro reloads on the new card.
    const hanaOld = await currentCard(nameOf("Hana Sato"));
    const filed = await fileReissueRequest(await reporter(nameOf("Hana Sato")), { cardUuid: hanaOld.id, reason: "lost" });
    expect(filed.ok).toBe(true);
    if (!filed.ok) return;
    const approved = await approveReissueRequest(actor, filed.value.requestId);
    expect(approved.ok).toBe(true);
    if (!approved.ok) return;
    const hanaNew = await db().card.findUniqueOrThrow({ where: { id: approved.value.reissuedCardUuid } });
    // The new card arrives and Hana activates it before Metro's desk reloads.
    const hanaAccount = await reporter(nameOf("Hana Sato"));
    if (hanaAccount.kind !== "cardholder") throw new Error("unreachable");
    expect(
      await activateCard({ kind: "cardholder", userId: hanaAccount.userId, label: hanaAccount.label, cardholderId: hanaAccount.cardholderId }, hanaNew.id),
    ).toMatchObject({ ok: true });
    const original = await db().loadingPermission.findFirstOrThrow({
      where: { cardId: hanaOld.id, application: { aid: AIDS.metroPass }, status: "confirmed" },
    });
    const hash = loadFileHash(loadFileOf(AIDS.metroPass, "transit"));
    const { reply } = await ask<"reload-permission-request", "reload-permission-grant">("METRO01", "reload-permission-request", {
      platformType: 100,
      kind: "reload",
      applicationId: AIDS.metroPass,
      originalMessageId: original.messageId,
      cardId: hanaNew.cardId,
      loadFileHash: hash,
    });
    expect(reply.header.type).toBe("reload-permission-grant");
    const { loaded } = await loadWithToken(
      await walletImage(hanaNew.surfaceNumber),
      (reply as MessageOf<"reload-permission-grant">).permissionToken,
      AIDS.metroPass,
      "transit",
    );
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const confirmation = {
      platformType: 100 as const,
      permissionMessageId: reply.header.messageId,
      applicationId: AIDS.metroPass,
      outcome: { status: "loaded" as const, receipt: Buffer.from(loaded.value.receipt).toString("base64url") },
    };
    await sendAsProvider("METRO01", "load-confirmation", confirmation);
    await sendAsProvider("METRO01", "load-confirmation", confirmation); // a repeat makes no second notice

    // Kenji (PF200, Japanese): damaged → rejected with a reason.
    const kenjiCard = await currentCard(nameOf("Kenji Watanabe"));
    const kenjiFiled = await fileReissueRequest(await reporter(nameOf("Kenji Watanabe")), { cardUuid: kenjiCard.id, reason: "damaged" });
    expect(kenjiFiled.ok).toBe(true);
    if (!kenjiFiled.ok) return;
    expect((await rejectReissueRequest(actor, kenjiFiled.value.requestId, "The chip still answers: please try another reader first.")).ok).toBe(true);

    const hana = await db().cardholder.findFirstOrThrow({ where: { fullName: nameOf("Hana Sato") } });
    const kenji = await db().cardholder.findFirstOrThrow({ where: { fullName: nameOf("Kenji Watanabe") } });
    const notices = await db().cardholderNotice.findMany({ where: { cardholderId: { in: [hana.id, kenji.id] } }, orderBy: { createdAt: "asc" } });
    expect(
      notices
        .filter((n) => n.cardholderId === hana.id)
        .map((n) => n.code)
        .sort(),
    ).toEqual(["application-reloaded", "card-activated", "card-blocked", "card-reported", "card-shipped", "reissue-approved"]);
    expect(
      notices
        .filter((n) => n.cardholderId === kenji.id)
        .map((n) => n.code)
        .sort(),
    ).toEqual(["card-reported", "reissue-rejected"]);

    // The worker (pg-boss) sends them; the reload notice was written inside the inbox transaction and
    // is found by the sweep that runs at start.
    await startExchangeQueue({ pollingIntervalSeconds: 0.5, log: () => {} });
    const ids = notices.map((n) => n.id);
    await until("every notice e-mailed", async () => (await db().cardholderNotice.count({ where: { id: { in: ids }, emailStatus: "sent" } })) === ids.length);

    const received = mails.filter((m) => ids.includes(headerOf(m, "x-recard-notice")));
    expect(received).toHaveLength(ids.length);
    expect(new Set(received.map((m) => headerOf(m, "x-recard-notice"))).size).toBe(ids.length); // each once
    const fullNumbers = (
      await db().card.findMany({ where: { cardholderId: { in: [hana.id, kenji.id] } }, select: { surfaceNumber: true, cardId: true } })
    ).flatMap((c) => [c.surfaceNumber, c.cardId]);
    for (const mail of received) {
      const notice = notices.find((n) => n.id === headerOf(mail, "x-recard-notice"))!;
      const isKenji = notice.cardholderId === kenji.id;
      expect(mail.to && "text" in mail.to ? mail.to.text : "").toBe(isKenji ? kenji.email : hana.email);
      expect(mail.messageId).toBe(`<notice.${notice.id}@recard>`);
      const words = `${mail.subject}\n${mail.text}`;
      expect(JAPANESE.test(words)).toBe(isKenji);
      for (const secret of fullNumbers) expect(words).not.toContain(secret);
      expect(words).not.toMatch(/\d{8,}/); // no card number, nor any long run of its digits
    }
    const rejection = received.find((m) => headerOf(m, "x-recard-notice") === notices.find((n) => n.code === "reissue-rejected")!.id)!;
    expect(rejection.text).toContain("The chip still answers");
    expect(rejection.subject).toContain(`申請番号 ${kenjiFiled.value.requestNo}`);
    const reload = received.find((m) => headerOf(m, "x-recard-notice") === notices.find((n) => n.code === "application-reloaded")!.id)!;
    expect(reload.subject).toBe(`ReCard: Metro Pass is on your card ending ${hanaNew.surfaceNumber.slice(-4)}`);
  });

  it("a notice is recorded once per event and e-mailed once: concurrent workers, a repeat, and a worker that died holding it", async () => {
    const holder = await db().cardholder.findFirstOrThrow({ where: { fullName: nameOf("Aoi Shimizu") } });
    const record = (key: string) =>
      db().$transaction((tx) =>
        recordNotice(tx, { cardholderId: holder.id, notice: { code: "card-unblocked", params: { last4: "1234" } }, key, now: new Date() }),
      );
    const id = await record("test:unblocked:1");
    expect(id).not.toBeNull();
    expect(await record("test:unblocked:1")).toBeNull(); // the same event: no second notice
    const before = mails.length;
    // The running worker may race with these calls: whoever takes the lease sends, the others skip.
    // Three senders at once (both test databases are real PostgreSQL servers).
    const results = await Promise.all([sendNotice(id!), sendNotice(id!), sendNotice(id!)]);
    await until("the notice e-mailed", async () => (await db().cardholderNotice.findUniqueOrThrow({ where: { id: id! } })).emailStatus === "sent");
    expect(results.filter((r) => r === "sent").length).toBeLessThanOrEqual(1);
    expect(mails.slice(before).filter((m) => headerOf(m, "x-recard-notice") === id)).toHaveLength(1);
    expect(await sendNotice(id!)).toBe("skipped");

    // A worker died after taking the lease: nobody else sends while it holds it; after it expires the notice goes (never lost).
    const at = new Date();
    const died = await db().$transaction(async (tx) => {
      const noticeId = await recordNotice(tx, {
        cardholderId: holder.id,
        notice: { code: "card-unblocked", params: { last4: "1234" } },
        key: "test:unblocked:2",
        now: at,
      });
      await tx.cardholderNotice.update({
        where: { id: noticeId! },
        data: { emailStatus: "sending", emailLeaseUntil: new Date(at.getTime() + 60 * 60_000), emailAttempts: 1 },
      });
      return noticeId;
    });
    expect(await sendNotice(died!, () => at)).toBe("skipped");
    expect(await sendNotice(died!, () => new Date(at.getTime() + 2 * 60 * 60_000))).toBe("sent");
    expect(mails.filter((m) => headerOf(m, "x-recard-notice") === died)).toHaveLength(1);
  });

  it("a backlog of notices (a mass reissue's) is e-mailed in batches without waiting for the next poll, each once", async () => {
    // A worker that would poll only every ten minutes: the backlog goes out only because enqueueing
    // wakes it and a full batch fetches the next at once (one job per poll would send one, then wait).
    await stopExchangeQueue();
    await startExchangeQueue({ pollingIntervalSeconds: 600, log: () => {} });
    const holder = await db().cardholder.findFirstOrThrow({ where: { fullName: nameOf("Aoi Shimizu") } });
    const now = new Date();
    const ids = await db().$transaction((tx) =>
      recordNotices(
        tx,
        Array.from({ length: 70 }, (_, i) => ({
          cardholderId: holder.id,
          notice: { code: "card-unblocked" as const, params: { last4: "1234" } },
          key: `test:backlog:${i}`,
          now,
        })),
      ),
    );
    expect(ids).toHaveLength(70);
    const before = mails.length;
    await enqueueNoticesIfRunning(ids);
    await until("the backlog e-mailed", async () => (await db().cardholderNotice.count({ where: { id: { in: ids }, emailStatus: "sent" } })) === ids.length);
    const sent = mails.slice(before).map((m) => headerOf(m, "x-recard-notice"));
    expect(sent.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
  });
});
