import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { toHex } from "@/lib/core/bytes";
import { createPrismaClient, type Db } from "@/lib/server/db";
import { migrate } from "@/lib/server/db/migrate";
import { seedIfEmpty } from "@/prisma/seed";
import { testDatabase } from "../helpers/db";
import { pointAppAtTestDatabase } from "../helpers/env";
import { copyDatabase, databaseUrl, dropDatabaseIfIdle, onServer, SEEDED_TEMPLATE } from "../helpers/template";

/**
 * Issue 11, separate deployments. This file's process is Metro's deployment (RECARD_HOSTS=METRO01) on a
 * copy of the whole demo world, so every refusal below comes from the configuration, not from a
 * missing row: it signs in nobody of another company and acts on no message addressed to another.
 * The seed of a deployment hosting some companies writes only their own rows and trust stores, the
 * same rows the one-process demo holds for them.
 */
process.env.RECARD_HOSTS = "METRO01";
// Sakura's deployment, as far as Metro's sees it: a peer whose answers the tests choose (port 0: any free port).
let peerAnswer: { status: number; body: unknown } = { status: 503, body: {} };
const peer = createServer((request, response) => {
  request.resume();
  request.on("end", () => response.writeHead(peerAnswer.status, { "content-type": "application/json" }).end(JSON.stringify(peerAnswer.body)));
});
await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve));
process.env.RECARD_PEERS = JSON.stringify({ SAKURA01: `http://127.0.0.1:${(peer.address() as AddressInfo).port}` });
afterAll(() => new Promise<void>((resolve) => peer.close(() => resolve())));
pointAppAtTestDatabase();
const { db } = await import("@/lib/server/db");
const { enqueueMessage } = await import("@/lib/server/exchange/outbox");
const { receiveMessage } = await import("@/lib/server/exchange/inbox");
const { transmit } = await import("@/lib/server/exchange/transport");
const { deliverOne } = await import("@/lib/server/exchange/delivery");
const { signInWithPassword } = await import("@/lib/server/auth/sign-in");
const { sessionPolicy } = await import("@/lib/server/auth/sessions");

const serverUrl = (() => {
  const u = new URL(testDatabase().url);
  u.pathname = "/postgres";
  return u.toString();
})();

const pair = () => ({ oldCardId: toHex(randomBytes(8)), reissuedCardId: toHex(randomBytes(8)), reissuedAt: new Date().toISOString() });

/** A genuine Fig. 12 notification signed by the issuer (as the issuer's deployment would send it). */
async function notificationFor(providerCompanyId: string): Promise<string> {
  const sent = await db().$transaction((tx) =>
    enqueueMessage(tx, "reissuance-notification", { issuerCompanyId: "RECARD01", providerCompanyId }, { platformType: 100, pairs: [pair()] }),
  );
  return (await db().outboxMessage.findUniqueOrThrow({ where: { id: sent.outboxId } })).jws;
}

const signIn = (email: string) => signInWithPassword(db(), { email, password: "recard-demo", address: null }, { now: new Date(), policy: sessionPolicy() });

describe("a deployment refuses to act as a company it does not host (RECARD_HOSTS=METRO01)", () => {
  it("signs in Metro's desk, and refuses Hoshi's desk, the issuer's operator and a cardholder with the reason", async () => {
    expect(await signIn("desk@metro.recard.test")).toMatchObject({ ok: true, user: { role: "provider", tenantId: "METRO01" } });
    expect(await signIn("desk@hoshi.recard.test")).toEqual({ ok: false, code: "not-hosted", companyId: "HOSHI01" });
    expect(await signIn("issuer@recard.test")).toEqual({ ok: false, code: "not-hosted", companyId: "RECARD01" });
    expect(await signIn("hana@recard.test")).toEqual({ ok: false, code: "not-hosted", companyId: "RECARD01" }); // the issuer's cardholder
    // A wrong password is still only "invalid": the refusal says nothing to someone without it.
    expect(
      await signInWithPassword(
        db(),
        { email: "desk@hoshi.recard.test", password: "wrong-password", address: null },
        { now: new Date(), policy: sessionPolicy() },
      ),
    ).toEqual({ ok: false, code: "invalid" });
  });

  it("receives a message for Metro, and refuses one addressed to Hoshi (its rows are in this database) without running it", async () => {
    const forMetro = await receiveMessage(await notificationFor("METRO01"), "http");
    expect(forMetro.status).toBe("processed");
    const jws = await notificationFor("HOSHI01");
    const noticesBefore = await db().spReissueNotice.count({ where: { providerCompanyId: "HOSHI01" } });
    const forHoshi = await receiveMessage(jws, "http");
    expect(forHoshi).toMatchObject({ status: "refused", refusal: { code: "wrong-receiver" } });
    expect(JSON.stringify(forHoshi)).toContain("HOSHI01 is not hosted by this deployment");
    expect(await db().inboxMessage.count({ where: { ownerCompanyId: "HOSHI01" } })).toBe(0);
    expect(await db().spReissueNotice.count({ where: { providerCompanyId: "HOSHI01" } })).toBe(noticesBefore);
  });

  it("does not hand a message for a company it does not host to its own inbox: no peer, no route", async () => {
    const outcome = await transmit(await notificationFor("HOSHI01"), "HOSHI01");
    expect(outcome).toMatchObject({ status: "refused", refusal: { code: "wrong-receiver" } });
    expect(JSON.stringify(outcome)).toContain("not hosted here and not in RECARD_PEERS");
    expect(await db().inboxMessage.count({ where: { ownerCompanyId: "HOSHI01" } })).toBe(0);
  });
});

describe("a peer's answer over HTTP (the delivery receipt, version 2) is kept as codes", () => {
  it("keeps a peer's HTTP failure as a code, reads its receipt strictly, and takes an answer of version 1 without its sentence", async () => {
    const sent = await db().$transaction((tx) =>
      enqueueMessage(tx, "reissuance-notification", { issuerCompanyId: "RECARD01", providerCompanyId: "SAKURA01" }, { platformType: 100, pairs: [pair()] }),
    );
    const row = () => db().outboxMessage.findUniqueOrThrow({ where: { id: sent.outboxId } });
    const again = () => db().outboxMessage.update({ where: { id: sent.outboxId }, data: { status: "pending", nextAttemptAt: new Date() } });
    const answered = { messageId: sent.messageId, type: "reissuance-notification", enqueued: [] };

    peerAnswer = { status: 503, body: { error: "down for maintenance at sakura.example" } };
    expect(await deliverOne(sent.outboxId)).toBe("retry");
    expect(await row()).toMatchObject({
      status: "pending",
      lastError: null,
      receipt: null,
      deliveryError: { v: 2, code: "transport.http-status", params: { status: 503 } },
    });

    // An outcome with a key its code does not have is not a receipt: retried, kept as "unreadable".
    peerAnswer = {
      status: 200,
      body: { v: 2, status: "processed", ...answered, outcome: { code: "pairs-stored", params: { pairs: 1, stored: 1, note: "1 pair" } } },
    };
    expect(await deliverOne(sent.outboxId)).toBe("retry");
    expect((await row()).deliveryError).toEqual({ v: 2, code: "transport.unreadable-answer", params: { status: 200 } });

    // A receiver still on version 1 answered a sentence: delivered, its sentence not kept.
    peerAnswer = { status: 200, body: { status: "processed", ...answered, summary: "1 old ↔ reissued card pair received, 1 new" } };
    expect(await deliverOne(sent.outboxId)).toBe("delivered");
    expect(await row()).toMatchObject({
      deliveryError: null,
      lastError: null,
      receipt: { v: 2, status: "processed", outcome: { code: "uncoded-answer", params: {} } },
    });

    await again();
    const outcome = { code: "pairs-stored", params: { pairs: 1, stored: 0 } };
    peerAnswer = { status: 200, body: { v: 2, status: "replayed", ...answered, outcome } };
    expect(await deliverOne(sent.outboxId)).toBe("delivered");
    expect((await row()).receipt).toEqual({ v: 2, status: "replayed", outcome });

    // A refusal: final; its code and field kept, its sentence (for the log) not.
    await again();
    peerAnswer = {
      status: 422,
      body: { v: 2, status: "refused", messageId: sent.messageId, type: null, refusal: { code: "bad-signature", message: "the signature does not verify" } },
    };
    expect(await deliverOne(sent.outboxId)).toBe("dead");
    expect(await row()).toMatchObject({
      status: "dead",
      lastError: null,
      receipt: { v: 2, status: "refused", refusal: { code: "bad-signature" } },
      deliveryError: { v: 2, code: "receiver.refused", params: { refusal: { code: "bad-signature" } } },
    });
    expect(JSON.stringify(await row())).not.toContain("does not verify");
  });
});

describe("the seed of a deployment writes only its companies' own data and trust stores", () => {
  const made: string[] = [];
  const clients: Db[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.$disconnect()));
    for (const name of made) await dropDatabaseIfIdle(serverUrl, name);
  });

  async function seeded(hosts: string[]): Promise<Db> {
    const name = `recard_split_${hosts.join("_").toLowerCase()}_${randomBytes(3).toString("hex")}`;
    await onServer(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    made.push(name);
    const url = databaseUrl(serverUrl, name);
    await migrate(url);
    expect(await seedIfEmpty(url, { hosts: new Set(hosts) })).toBe(true);
    expect(await seedIfEmpty(url, { hosts: new Set(hosts) })).toBe(false); // idempotent: it has a company
    const client = createPrismaClient(url, 2);
    clients.push(client);
    return client;
  }

  /** The whole world, as the one-process demo seeds it (the template every file copies). */
  async function whole(): Promise<Db> {
    const name = `recard_split_whole_${randomBytes(3).toString("hex")}`;
    made.push(name);
    const client = createPrismaClient(await copyDatabase(serverUrl, SEEDED_TEMPLATE, name), 2);
    clients.push(client);
    return client;
  }

  it("Metro's deployment: Metro's desk, customers, load records and charges, the issuer's key in Metro's trust store; nothing of the issuer or the other providers", async () => {
    const [metro, all] = [await seeded(["METRO01"]), await whole()];
    expect(await metro.issuerCompany.count()).toBe(0);
    expect(await metro.serviceProvider.count()).toBe(0);
    expect(await metro.card.count()).toBe(0);
    expect(await metro.cardholder.count()).toBe(0);
    expect(await metro.loadingPermission.count()).toBe(0);
    expect(await metro.walletCard.count()).toBe(0);
    expect((await metro.spCompany.findMany()).map((c) => c.providerCompanyId)).toEqual(["METRO01"]);
    expect((await metro.user.findMany()).map((u) => [u.email, u.role, u.providerCompanyId])).toEqual([["desk@metro.recard.test", "provider", "METRO01"]]);
    expect((await metro.trustedKey.findMany()).map((k) => [k.ownerCompanyId, k.companyId])).toEqual([["METRO01", "RECARD01"]]);
    // The same world: Metro's load records (message ids, cards, kinds) and customers as in the one-process demo.
    const records = (d: Db) =>
      d.spLoadRecord.findMany({
        where: { providerCompanyId: "METRO01" },
        select: { messageId: true, cardId: true, kind: true, applicationAid: true, valueMinor: true },
        orderBy: { messageId: "asc" },
      });
    expect(await metro.spLoadRecord.count({ where: { providerCompanyId: { not: "METRO01" } } })).toBe(0);
    expect(await records(metro)).toEqual(await records(all));
    expect((await records(metro)).length).toBeGreaterThan(10);
    const customers = (d: Db) =>
      d.spCustomer.findMany({ where: { providerCompanyId: "METRO01" }, select: { customerNo: true, fullName: true }, orderBy: { customerNo: "asc" } });
    expect(await customers(metro)).toEqual(await customers(all));
    expect(await metro.spUserCharge.count()).toBe(await all.spUserCharge.count({ where: { providerCompanyId: "METRO01" } }));
    expect(await metro.spReissueNotice.count()).toBe(await all.spReissueNotice.count({ where: { providerCompanyId: "METRO01" } }));
  });

  it("the issuer's deployment: the issuer, its cardholders, cards and registrations, the providers' keys in the issuer's trust store; no provider's own rows", async () => {
    const [issuer, all] = [await seeded(["RECARD01"]), await whole()];
    expect(await issuer.spCompany.count()).toBe(0);
    expect(await issuer.spLoadRecord.count()).toBe(0);
    expect(await issuer.spCustomer.count()).toBe(0);
    expect(await issuer.user.count({ where: { role: "provider" } })).toBe(0);
    expect((await issuer.trustedKey.findMany({ orderBy: { companyId: "asc" } })).map((k) => [k.ownerCompanyId, k.companyId])).toEqual([
      ["RECARD01", "HOSHI01"],
      ["RECARD01", "METRO01"],
      ["RECARD01", "SAKURA01"],
    ]);
    const permissions = (d: Db) => d.loadingPermission.findMany({ select: { messageId: true, kind: true, status: true }, orderBy: { messageId: "asc" } });
    expect(await permissions(issuer)).toEqual(await permissions(all));
    const cards = (d: Db) => d.card.findMany({ select: { cardId: true, surfaceNumber: true, status: true }, orderBy: { cardId: "asc" } });
    expect(await cards(issuer)).toEqual(await cards(all));
    expect(await issuer.cardholder.count()).toBe(await all.cardholder.count());
    expect(await issuer.reissueRequest.count()).toBe(await all.reissueRequest.count());
    expect(await issuer.walletCard.count()).toBe(await all.walletCard.count());
  });
});
