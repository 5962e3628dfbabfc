/**
 * The scale bench's database half, in its own process (the data layer reads its configuration once
 * per process): `node --import tsx --conditions=react-server bench/scale-target.ts --scale N [--db URL]`.
 * Creates the card base with bulk inserts (prisma/seed/card-base.ts) on a throwaway Debian PostgreSQL,
 * or in a scratch database created (and dropped) on the server of `--db`; times each list page's data
 * function at about 1,000 cards and at N cards (N with 10,000 pending reissue reports), beside a
 * `SELECT 1` baseline from the same run; EXPLAIN ANALYZE of the pages' main statements at N.
 * Prints one JSON line.
 */
import pg from "pg";
import { parseArgs } from "node:util";
import { startTempPostgres } from "../scripts/lib/temp-postgres";
import { migrate } from "../lib/server/db/migrate";

const { values } = parseArgs({
  options: { scale: { type: "string" }, db: { type: "string" }, pending: { type: "string" }, runs: { type: "string" } },
  strict: true,
});
const N = Number(values.scale ?? 100_000);
const PENDING = Number(values.pending ?? 10_000);
const RUNS = Number(values.runs ?? 15);
const SMALL = 1_000;
if (!Number.isInteger(N) || N < SMALL * 2) throw new Error(`--scale: a whole number of cards, at least ${SMALL * 2}`);

type Timing = { runs: number; medianMs: number; p95Ms: number; minMs: number; statements: number };
type Phase = { cards: number; pending: number; pages: Record<string, Timing> };

// A scratch database on the given server (never the database of the URL itself), or a throwaway server.
let url: string;
let version: string;
let cleanup: () => Promise<void>;
if (values.db) {
  const admin = new pg.Client({ connectionString: values.db });
  await admin.connect();
  const name = `recard_scale_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  version = (await admin.query<{ v: string }>("SELECT version() AS v")).rows[0]!.v.split(" on ")[0]!;
  const u = new URL(values.db);
  u.pathname = `/${name}`;
  url = u.toString();
  cleanup = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
} else {
  const server = await startTempPostgres();
  url = server.url;
  version = server.version;
  cleanup = async () => server.stop();
}

try {
  process.env.DATABASE_URL = url;
  process.env.NEXTAUTH_SECRET = "bench-secret-bench-secret-bench-secret-bench";
  process.env.RECARD_DB_KIND = "postgresql";
  process.env.RECARD_DEMO = "1";
  process.env.DB_POOL_MAX = "4";
  process.env.DB_STATEMENT_TIMEOUT_MS = "600000"; // the bulk inserts of 100,000 cards take longer than a page's 5 s
  await migrate(url);
  const { seedIfEmpty } = await import("../prisma/seed");
  await seedIfEmpty(url);
  const { db, statementsSent } = await import("../lib/server/db");
  const { Prisma } = await import("../lib/server/generated/prisma/client");
  const { createCardBase } = await import("../prisma/seed/card-base");
  const { listCards, pageOfCardholders, listAuditLog, cardListSql } = await import("../lib/server/data/issuer/cards");
  const { listPermissions } = await import("../lib/server/data/issuer/permission-registry");
  const { listProviders } = await import("../lib/server/data/issuer/providers");
  const { listReissueQueue, reissueQueueSql, QUEUE_PENDING_SHOWN } = await import("../lib/server/data/issuer/reissue");
  const { chargesByMonth, listCharges, listStatements, listFeeSchedules } = await import("../lib/server/data/issuer/charges");
  const { getIssuerDashboard } = await import("../lib/server/data/issuer/dashboard");
  const { listOverdueActivations } = await import("../lib/server/data/issuer/activation");
  const { listCompanyMessages } = await import("../lib/server/data/messages");
  const { parseMessageListParams } = await import("../lib/validation/message-lists");
  const { startOfUtcYear } = await import("../lib/core/workflows/reissue");
  const u = await db().user.findUniqueOrThrow({ where: { email: "issuer@recard.test" } });
  const actor = {
    id: u.id,
    email: u.email,
    name: u.name,
    role: "issuer" as const,
    tenantId: u.issuerCompanyId!,
    issuerCompanyId: u.issuerCompanyId!,
    companyName: "",
  };

  async function time(work: () => Promise<unknown>): Promise<Timing> {
    for (let i = 0; i < 3; i++) await work();
    const samples: number[] = [];
    const before = statementsSent();
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await work();
      samples.push(performance.now() - start);
    }
    const statements = (statementsSent() - before) / RUNS;
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
    return { runs: RUNS, medianMs: at(0.5), p95Ms: at(0.95), minMs: samples[0]!, statements };
  }

  // A card in the middle of the list (by issue time): the keyset page that starts after it.
  async function middleCursor() {
    const total = await db().card.count();
    const [mid] = await db().card.findMany({
      orderBy: [{ issuedAt: "desc" }, { id: "desc" }],
      skip: Math.floor(total / 2),
      take: 1,
      select: { issuedAt: true, id: true },
    });
    return { value: mid!.issuedAt.toISOString(), id: mid!.id };
  }

  async function phase(prefix: string): Promise<Phase> {
    const cards = await db().card.count();
    const pending = await db().reissueRequest.count({ where: { status: "pending" } });
    const after = await middleCursor();
    const nameQuery = `Scale Holder ${prefix} 4242`;
    const digits = (
      await db().card.findFirstOrThrow({ where: { cardholder: { holderNo: `${prefix}-0000777` } }, select: { surfaceNumber: true } })
    ).surfaceNumber.slice(6, 14);
    const pages: Record<string, () => Promise<unknown>> = {
      "baseline: SELECT 1": () => db().$queryRaw`SELECT 1`,
      "overview (figures + overdue activations)": () => Promise.all([getIssuerDashboard(actor), listOverdueActivations()]),
      "cards: first page": () => listCards(actor, {}),
      "cards: page after the middle card": () => listCards(actor, {}, { after }),
      "cards: blocked, platform 200": () => listCards(actor, { status: "blocked", platformType: 200 }),
      "cards: search a name": () => listCards(actor, { query: nameQuery }),
      "cards: search 8 digits of a surface number": () => listCards(actor, { query: digits }),
      "cardholders: first page": () => pageOfCardholders(actor, { sort: { key: "holderNo", dir: "asc" }, after: null }),
      "cardholders: by name, descending": () => pageOfCardholders(actor, { sort: { key: "name", dir: "desc" }, after: null }),
      "cardholders: search a name": () => pageOfCardholders(actor, { query: nameQuery, sort: { key: "holderNo", dir: "asc" }, after: null }),
      "permissions: first page with its figures": () => listPermissions(actor, {}, { sort: { key: "decided", dir: "desc" }, after: null }),
      "providers (decisions and loaded cards per application)": () => listProviders(actor),
      [`reissue queue (${pending.toLocaleString("en-US")} pending, oldest ${QUEUE_PENDING_SHOWN} shown)`]: () => listReissueQueue(actor),
      "charges (list, totals, chart, statements, fees)": () =>
        Promise.all([listCharges(actor, {}), chargesByMonth(actor, {}), listStatements(actor), listFeeSchedules(actor)]),
      "messages (issuer)": () => listCompanyMessages("RECARD01", parseMessageListParams({})),
      "audit log": () => listAuditLog(actor),
    };
    const out: Record<string, Timing> = {};
    for (const [name, work] of Object.entries(pages)) out[name.startsWith("reissue queue") ? "reissue queue" : name] = await time(work);
    return { cards, pending, pages: out };
  }

  async function explain(sql: InstanceType<typeof Prisma.Sql>): Promise<string[]> {
    const rows = await db().$queryRaw<{ "QUERY PLAN": string }[]>`EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) ${sql}`;
    return rows.map((r) => r["QUERY PLAN"]);
  }

  // About 1,000 cards: the demo world plus a small card base.
  const demoCards = await db().card.count();
  let started = performance.now();
  await createCardBase(db(), SMALL - demoCards, "SA", { charges: true });
  const smallBuildMs = performance.now() - started;
  const small = await phase("SA");

  // N cards, PENDING of them reported.
  started = performance.now();
  await createCardBase(db(), N - SMALL, "SB", { charges: true, pendingReissues: PENDING });
  const buildMs = performance.now() - started;
  const large = await phase("SB");

  const since = startOfUtcYear(new Date());
  const plans: Record<string, string[]> = {
    "cards: first page": await explain(cardListSql({}, null, 51)),
    "cards: blocked, platform 200": await explain(cardListSql({ status: "blocked", platformType: 200 }, null, 51)),
    "cards: search a name": await explain(cardListSql({ query: "Scale Holder SB 4242" }, null, 51)),
    "cards: page after the middle card": await explain(cardListSql({}, await middleCursor(), 51)),
    "cards: bounded count (no filter)": await explain(Prisma.sql`SELECT count(*) FROM (SELECT 1 FROM iss_cards c WHERE TRUE LIMIT 1001) s`),
    "reissue queue: pending": await explain(reissueQueueSql("pending", QUEUE_PENDING_SHOWN, since)),
    "charges chart (month totals)": await explain(
      Prisma.sql`SELECT month, kind, sum(amount_minor) FROM iss_charge_month_totals WHERE month >= ${new Date(Date.now() - 365 * 86_400_000)}::date GROUP BY 1, 2`,
    ),
    "before: charges chart summed over the charges": await explain(
      Prisma.sql`SELECT date_trunc('month', charged_at, 'UTC') AS m, kind::text AS kind, sum(amount_minor)::float8 AS total FROM iss_provider_charges WHERE charged_at >= ${new Date(Date.now() - 365 * 86_400_000)}::timestamptz GROUP BY 1, 2`,
    ),
    "cardholders: search a name or e-mail": await explain(
      Prisma.sql`SELECT id FROM iss_cardholders WHERE full_name ILIKE '%Scale Holder SB 4242%' OR holder_no = 'SCALE HOLDER SB 4242' OR email LIKE '%scale holder sb 4242%' ORDER BY holder_no LIMIT 100`,
    ),
    "before: exact count(*) of the cards": await explain(Prisma.sql`SELECT count(*) FROM iss_cards`),
    "before: OFFSET 50,000": await explain(Prisma.sql`SELECT id FROM iss_cards ORDER BY issued_at DESC, id DESC OFFSET 50000 LIMIT 50`),
  };
  console.log(JSON.stringify({ version, scale: N, pendingTarget: PENDING, buildMs: { small: smallBuildMs, large: buildMs }, small, large, plans }));
  await db().$disconnect();
} finally {
  await cleanup();
}
