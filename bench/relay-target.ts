/**
 * The presented-card relay against the in-process simulator, in its own process on a temporary
 * PostgreSQL: `node --import tsx --conditions=react-server bench/relay-target.ts [--quick]`. Prints one
 * JSON line: one GET DATA (DF70) and a 32 KiB load (INSTALL, 137 LOAD blocks, INSTALL with the token),
 * each in process (SimulatedCard) and relayed (relayApdu: a transaction under the wallet card's row lock).
 */
import { randomUUID } from "node:crypto";
import { createDemoCard, seededCardEnv, SimulatedCard, terminal, type CardImage } from "../lib/core/card";
import { loadPermissionFor, sampleLoadFile, signDemo } from "../lib/core/card/fixtures";
import { migrate } from "../lib/server/db/migrate";
import { startTempPostgres } from "../scripts/lib/temp-postgres";
import { measure, measureEach, pooled, type Measurement } from "./harness";

const quick = process.argv.includes("--quick");
const server = await startTempPostgres();
try {
  process.env.DATABASE_URL = server.url;
  process.env.NEXTAUTH_SECRET = "bench-secret-bench-secret-bench-secret-bench";
  process.env.DB_POOL_MAX = "4";
  await migrate(server.url);
  const { db } = await import("../lib/server/db");
  const { relayApdu } = await import("../lib/server/data/card-lease");
  const { claimPresentation, createPresentation, deliverCard } = await import("../lib/server/data/wallet");
  const now = new Date("2026-01-01T00:05:00.000Z");
  const desk = {
    id: randomUUID(),
    email: "desk@bench",
    name: "Bench desk",
    role: "provider" as const,
    tenantId: "METRO01",
    providerCompanyId: "METRO01",
    companyName: "Metro Transit",
  };
  const loadFile = sampleLoadFile("transit"); // 32 KiB

  let n = 0;
  /** A fresh demo card: its image, and a lease on it in the wallet. */
  async function freshCard(): Promise<{ image: CardImage; leaseId: string; tab: string; token: Uint8Array }> {
    const { image } = await createDemoCard({ platformType: 100, env: seededCardEnv(`bench/${n++}`, now) });
    const cardholderId = randomUUID();
    await deliverCard(db(), { cardholderId, surfaceNumber: image.surfaceNumber, image });
    const holder = { id: cardholderId, email: "", name: "", role: "cardholder" as const, tenantId: cardholderId, cardholderId, companyName: "" };
    const code = await createPresentation(holder, image.surfaceNumber, now);
    if (!code.ok) throw new Error(code.error.message);
    const tab = `bench-tab-${n}`;
    const claimed = await claimPresentation(desk, code.value.code, tab, now);
    if (!claimed.ok) throw new Error(claimed.error.message);
    const token = await signDemo(loadPermissionFor({ cardId: image.cardId, sequence: 1, kind: "transit", loadFile }));
    return { image, leaseId: claimed.value.leaseId, tab, token };
  }
  const relayOf = (c: { leaseId: string; tab: string }) => async (apdu: Uint8Array) => {
    const r = await relayApdu(desk, { leaseId: c.leaseId, deskTab: c.tab, apdu }, now);
    if (!r.ok) throw new Error(r.error.code);
    return r.response;
  };
  const load = async (transmit: (apdu: Uint8Array) => Promise<Uint8Array>, token: Uint8Array) => {
    const loaded = await terminal.loadApplication(transmit, { permission: token, loadFile, aid: "F0000000010001" });
    if (!loaded.ok) throw new Error(`load refused: ${loaded.error.meaning}`);
  };

  const opts = { minTimeMs: quick ? 300 : 2000, minIterations: quick ? 10 : 50, warmupIterations: 5 };
  const GET_DATA_DF70 = Uint8Array.of(0x80, 0xca, 0xdf, 0x70, 0x00);
  const one = await freshCard();
  const local = new SimulatedCard(one.image, seededCardEnv("bench", now));
  local.powerOn();
  const relay = relayOf(one);
  const apduBefore = await measure(() => local.transmit(GET_DATA_DF70), opts);
  const apduRelayed = await measure(() => relay(GET_DATA_DF70), opts);
  const apduAfter = await measure(() => local.transmit(GET_DATA_DF70), opts);

  const loads = quick ? 2 : 5;
  const loadLocal = await measureEach(
    async () => {
      const c = await freshCard();
      const card = new SimulatedCard(c.image, seededCardEnv("bench-load", now));
      card.powerOn();
      return { transmit: (apdu: Uint8Array) => card.transmit(apdu), token: c.token };
    },
    (c) => load(c.transmit, c.token),
    loads,
  );
  const loadRelayed = await measureEach(
    async () => {
      const c = await freshCard();
      return { transmit: relayOf(c), token: c.token };
    },
    (c) => load(c.transmit, c.token),
    loads,
  );
  const result: Record<string, Measurement> = { apduLocal: pooled(apduBefore, apduAfter), apduRelayed, loadLocal, loadRelayed };
  console.log(JSON.stringify({ version: server.version, result }));
  await db().$disconnect();
} finally {
  await server.stop();
}
