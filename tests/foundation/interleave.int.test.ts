import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, testPrisma } from "../helpers/db";

// Issue 9: through the PGlite socket, 299 of 754 answers went to the wrong connection. Several
// connections interleave statements, outside and inside transactions, with different parameter
// counts (the symptom was "bind message supplies 5 parameters, but prepared statement requires 3"),
// and every answer must be the asking connection's own.
const { url, kind } = testDatabase();
const CONNECTIONS = 8;
const ROUNDS = 40; // each round checks 4 answers: 8 × 40 × 4 = 1,280 raw answers, plus Prisma's below
const TABLE = "interleave_probe";

/** A deterministic pseudo-random sequence per connection, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed * 2654435761 + 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) % 1000) / 1000;
  };
}

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

describe(`connections interleaving statements on ${kind}`, () => {
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(
      `DROP TABLE IF EXISTS ${TABLE}; CREATE TABLE ${TABLE} (tag int NOT NULL, seq int NOT NULL, payload text NOT NULL, PRIMARY KEY (tag, seq))`,
    );
    await admin.end();
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await admin.end();
  });

  it(`gives ${CONNECTIONS} raw connections only their own answers (0 wrong of 1,280)`, async () => {
    const clients = await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        return client;
      }),
    );
    let checked = 0;
    const wrong: string[] = [];
    const check = (tag: number, what: string, ok: boolean, got: unknown) => {
      checked++;
      if (!ok) wrong.push(`connection ${tag} ${what}: got ${JSON.stringify(got)}`);
    };
    try {
      await Promise.all(
        clients.map(async (client, tag) => {
          const next = random(tag + 1);
          let rows = 0;
          for (let round = 0; round < ROUNDS; round++) {
            if (next() < 0.5) {
              // Outside a transaction: an insert, then reads with 1, 3 and 5 parameters.
              await client.query(`INSERT INTO ${TABLE} (tag, seq, payload) VALUES ($1, $2, $3)`, [tag, round, `c${tag}-r${round}`]);
              rows++;
              if (next() < 0.5) await pause();
              const one = await client.query(`SELECT count(*)::int AS n, min(tag) AS lo, max(tag) AS hi FROM ${TABLE} WHERE tag = $1`, [tag]);
              check(tag, "count", one.rows[0].n === rows && one.rows[0].lo === tag && one.rows[0].hi === tag, one.rows[0]);
              const three = await client.query(`SELECT payload FROM ${TABLE} WHERE tag = $1 AND seq = $2 AND payload LIKE $3`, [tag, round, `c${tag}-%`]);
              check(tag, "row", three.rows.length === 1 && three.rows[0].payload === `c${tag}-r${round}`, three.rows);
              const five = await client.query("SELECT $1::int AS a, $2::int AS b, $3::text AS c, $4::int AS d, $5::int AS e", [
                tag,
                round,
                `c${tag}`,
                tag * 1000 + round,
                -tag,
              ]);
              const r = five.rows[0];
              check(tag, "echo", r.a === tag && r.b === round && r.c === `c${tag}` && r.d === tag * 1000 + round && r.e === -tag, r);
              const session = await client.query("SELECT pg_backend_pid() AS pid, $1::int AS tag", [tag]);
              check(
                tag,
                "session",
                session.rows[0].tag === tag && session.rows[0].pid === (client as unknown as { processID: number }).processID,
                session.rows[0],
              );
            } else {
              // Inside a transaction: its own uncommitted row is visible to it alone.
              await client.query("BEGIN");
              await client.query(`INSERT INTO ${TABLE} (tag, seq, payload) VALUES ($1, $2, $3)`, [tag, round, `t${tag}-r${round}`]);
              if (next() < 0.5) await pause();
              const mine = await client.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE tag = $1`, [tag]);
              check(tag, "count in transaction", mine.rows[0].n === rows + 1, mine.rows[0]);
              const echo = await client.query("SELECT $1::int AS tag, $2::int AS round, txid_current_if_assigned() IS NOT NULL AS in_tx", [tag, round]);
              check(tag, "echo in transaction", echo.rows[0].tag === tag && echo.rows[0].round === round && echo.rows[0].in_tx === true, echo.rows[0]);
              const row = await client.query(`SELECT payload FROM ${TABLE} WHERE tag = $1 AND seq = $2`, [tag, round]);
              check(tag, "row in transaction", row.rows.length === 1 && row.rows[0].payload === `t${tag}-r${round}`, row.rows);
              if (next() < 0.3) {
                await client.query("ROLLBACK");
                const after = await client.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE tag = $1 AND seq = $2`, [tag, round]);
                check(tag, "rolled back", after.rows[0].n === 0, after.rows[0]);
              } else {
                await client.query("COMMIT");
                rows++;
                const after = await client.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE tag = $1`, [tag]);
                check(tag, "committed", after.rows[0].n === rows, after.rows[0]);
              }
            }
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(CONNECTIONS * ROUNDS * 4);
  });

  it("gives concurrent Prisma queries on a 6-connection pool only their own rows, in and out of transactions", async () => {
    const prisma = testPrisma(6);
    const wrong: string[] = [];
    let checked = 0;
    try {
      await Promise.all(
        Array.from({ length: 12 }, async (_, worker) => {
          const tag = 100 + worker;
          for (let i = 0; i < 30; i++) {
            if (i % 2 === 0) {
              const rows = await prisma.$queryRawUnsafe<{ tag: number; n: number }[]>(
                `SELECT $1::int AS tag, (SELECT count(*)::int FROM ${TABLE} WHERE tag = $1) AS n`,
                tag,
              );
              checked++;
              if (rows.length !== 1 || rows[0]!.tag !== tag || rows[0]!.n !== i / 2) wrong.push(`worker ${worker}: ${JSON.stringify(rows)}`);
            } else {
              const rows = await prisma.$transaction(async (tx) => {
                await tx.$executeRawUnsafe(`INSERT INTO ${TABLE} (tag, seq, payload) VALUES ($1, $2, $3)`, tag, i, `p${tag}`);
                return tx.$queryRawUnsafe<{ tag: number; payload: string }[]>(`SELECT tag, payload FROM ${TABLE} WHERE tag = $1 AND seq = $2`, tag, i);
              });
              checked++;
              if (rows.length !== 1 || rows[0]!.tag !== tag || rows[0]!.payload !== `p${tag}`) wrong.push(`worker ${worker}: ${JSON.stringify(rows)}`);
            }
          }
        }),
      );
    } finally {
      await prisma.$disconnect();
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(360);
  });
});
