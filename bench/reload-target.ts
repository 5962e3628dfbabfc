/**
 * The reload benchmark's target process (issue 16): `node --import tsx --conditions=react-server
 * bench/reload-target.ts [--quick] [--rounds N]`. On a throwaway Debian PostgreSQL with the demo world:
 * each round, the issuer reissues eight cardholders' cards (notifications delivered, cards activated;
 * not timed), then eight desks reload one application each at the same time, as the desk's page runs
 * it (open the case, confirm, the card loads, record: lib/server/data/provider/reload.ts); method 1 on
 * platform-100 cards, method 2 (the Fig. 15 inquiry) on platform-200 cards. A reload's time is its
 * three server calls (open, confirm, record), not the card's own work, which runs in the desk's browser;
 * the rate counts whole rounds (card work included). Baseline: an empty transaction (BEGIN; SELECT 1;
 * COMMIT through Prisma) at the same concurrency. Prints one JSON line.
 */
import { parseArgs } from "node:util";
import { nameOf } from "../tests/helpers/people";
import { startSeededServer } from "./lib/seeded-target";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, rounds: { type: "string" } }, strict: true });
const rounds = Number(values.rounds ?? (values.quick ? 2 : 6));

/** Demo cardholders with a load to carry over, their first load's application, by platform (prisma/seed/demo-data.ts). */
const METHOD_1 = [
  nameOf("Hana Sato"),
  nameOf("Yuki Yamamoto"),
  nameOf("Sakura Kimura"),
  nameOf("Aoi Shimizu"),
  nameOf("Yui Matsumoto"),
  nameOf("Mio Kimura"),
  nameOf("Akari Mori"),
  nameOf("Rin Hashimoto"),
];
const METHOD_2 = [
  nameOf("Kenji Watanabe"),
  nameOf("Haruto Kobayashi"),
  nameOf("Sota Hayashi"),
  nameOf("Riku Yamaguchi"),
  nameOf("Daiki Hayashi"),
  nameOf("Yamato Abe"),
  nameOf("Minato Okada"),
  nameOf("Asahi Maeda"),
];

type Stats = { n: number; p50Ms: number; p99Ms: number; meanMs: number; perMinute: number; statementsEach?: number };

function stats(times: number[], wallMs: number, statements?: number): Stats {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return {
    n: times.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    meanMs: times.reduce((a, b) => a + b, 0) / Math.max(1, times.length),
    perMinute: (times.length * 60_000) / wallMs,
    ...(statements !== undefined ? { statementsEach: statements / Math.max(1, times.length) } : {}),
  };
}

const server = await startSeededServer();
try {
  const { db, statementsSent } = await import("../lib/server/db");
  const { confirmReloadCase, openReloadCase, recordReloadLoad } = await import("../lib/server/data/provider/reload");
  const { currentCard, DeskCard, desks, grantsOf, reissue, walletImage } = await import("../tests/provider/helpers");

  // Every round reissues the same cardholders: the issuer's examination (reissues per year) is not what is measured.
  await db().$executeRaw`UPDATE iss_policy SET max_reissues_per_year = 1000000`;
  const deskOf = { "0001": desks.metro, "0002": desks.hoshi, "0003": desks.sakura } as const;
  // The application each cardholder reloads: the first one loaded on their card.
  const plans = new Map<string, { aid: string; desk: Awaited<ReturnType<typeof desks.metro>> }>();
  for (const name of [...METHOD_1, ...METHOD_2]) {
    const card = await currentCard(name);
    const app = await db().cardApplication.findFirstOrThrow({
      where: { cardId: card.id, status: "loaded" },
      orderBy: { loadedAt: "asc" },
      include: { application: { select: { aid: true } } },
    });
    const aid = app.application.aid;
    plans.set(name, { aid, desk: await deskOf[aid.slice(6, 10) as keyof typeof deskOf]() });
  }

  /** One reload at the desk; the time of its server calls (ms), or an error naming what went wrong. */
  async function reloadOnce(name: string): Promise<number> {
    const plan = plans.get(name)!;
    const card = new DeskCard(await walletImage((await currentCard(name)).surfaceNumber));
    const input = { ...(await card.read()), applicationAids: [plan.aid] };
    let t = performance.now();
    const opened = await openReloadCase(plan.desk, input);
    const confirmed = await confirmReloadCase(plan.desk, opened.id);
    let server = performance.now() - t;
    const [grant] = grantsOf(confirmed.applications);
    if (!grant) throw new Error(`${name}: no grant (${opened.outcome}, ${JSON.stringify(confirmed.refusal ?? confirmed.applications.map((a) => a.state))})`);
    const outcome = await card.load(grant);
    t = performance.now();
    const { recorded } = await recordReloadLoad(plan.desk, opened.id, grant.permissionId, outcome);
    server += performance.now() - t;
    if (!recorded.ok) throw new Error(`${name}: record refused (${recorded.error.code})`);
    return server;
  }

  async function measure(names: string[], concurrency: 1 | 8): Promise<Stats> {
    const times: number[] = [];
    let wall = 0;
    let statements = 0;
    for (let r = 0; r < rounds; r++) {
      for (const name of names) await reissue(name);
      const before = statementsSent();
      const started = performance.now();
      if (concurrency === 8) times.push(...(await Promise.all(names.map(reloadOnce))));
      else for (const name of names) times.push(await reloadOnce(name));
      wall += performance.now() - started;
      statements += statementsSent() - before;
    }
    return stats(times, wall, statements);
  }

  async function emptyTransactions(concurrency: number, each: number): Promise<Stats> {
    const times: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = 0; i < each; i++) {
          const t = performance.now();
          await db().$transaction((tx) => tx.$queryRaw`SELECT 1`);
          times.push(performance.now() - t);
        }
      }),
    );
    return stats(times, performance.now() - started);
  }

  const result: Record<string, Stats> = {};
  result.baseline1 = await emptyTransactions(1, 200);
  result.baseline8 = await emptyTransactions(8, 100);
  result.method1At1 = await measure(METHOD_1, 1);
  result.method1At8 = await measure(METHOD_1, 8);
  result.method2At1 = await measure(METHOD_2, 1);
  result.method2At8 = await measure(METHOD_2, 8);

  // Method-2 inquiries alone (one at a time and as a backlog) are bench/inquiry-target.ts (`--only inquiry`).
  console.log(JSON.stringify({ version: server.version, rounds, result }));
  await db().$disconnect();
} finally {
  await server.stop();
}
