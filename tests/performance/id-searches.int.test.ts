import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/lib/server/generated/prisma/client";
import { db, recordStatements } from "@/lib/server/db";
import { listPermissions } from "@/lib/server/data/issuer/permission-registry";
import { pageOfCustomers } from "@/lib/server/data/provider/customers";
import { pageOfLoadRecords } from "@/lib/server/data/provider/load-records";
import { pageOfCardInquiries, pageOfReissueNotices } from "@/lib/server/data/provider/reissuance";
import { testDatabase } from "../helpers/db";
import { freshDemoWorld, issuerActor } from "../issuer/helpers";
import { desks } from "../provider/helpers";

/**
 * The searches by part of an id or a name (`LIKE '%…%'`, `ILIKE '%…%'`) have trigram indexes (migration
 * id_search_trigram_indexes, docs/performance.md "Searches by part of an id"). On the demo world's few rows
 * the planner rightly prefers a scan (or the provider's own B-tree index, as it will for a provider with few
 * rows), so each check asks for the plan of the search's predicate alone with sequential scans priced out:
 * the trigram indexes must then serve it, as they do when a provider has many rows and the search is
 * selective. It also reads the SQL each page sends, to see that its search is that predicate (a `LIKE` on
 * those columns).
 */
beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

async function planOf(sql: Prisma.Sql): Promise<string> {
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
    const rows = await tx.$queryRaw<{ "QUERY PLAN": string }[]>`EXPLAIN ${sql}`;
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  });
}

/** The SQL statements a page sends, whitespace folded. */
async function sqlOf(page: () => Promise<unknown>): Promise<string> {
  const { texts } = await recordStatements(page);
  return texts.join("\n").replace(/\s+/g, " ");
}

const sort = <K extends string>(key: K) => ({ key, dir: "desc" as const });

describe(`searches by part of an id or a name use trigram indexes on ${testDatabase().kind}`, () => {
  it("the provider's reissuance pairs: either card id or the notification's message id", async () => {
    const metro = await desks.metro();
    const sent = await sqlOf(() => pageOfReissueNotices(metro, { query: "ABC", sort: sort("received"), after: null }));
    for (const column of ["old_card_id", "reissued_card_id", "source_message_id"]) expect(sent).toMatch(new RegExp(`"${column}"(::text)? LIKE`));
    const plan = await planOf(Prisma.sql`SELECT id FROM sp_reissue_notices
      WHERE (old_card_id LIKE ${"%ABC%"} OR reissued_card_id LIKE ${"%ABC%"} OR source_message_id LIKE ${"%ABC%"})`);
    for (const index of ["old_card_id", "reissued_card_id", "source_message_id"]) expect(plan, plan).toContain(`sp_reissue_notices_${index}_trgm_idx`);
  });

  it("the provider's card information inquiries: the AID and the three message ids", async () => {
    const metro = await desks.metro();
    const sent = await sqlOf(() => pageOfCardInquiries(metro, { query: "ABC", after: null }));
    const columns = ["application_aid", "request_message_id", "original_message_id", "reply_message_id"];
    for (const column of columns) expect(sent).toMatch(new RegExp(`"${column}"(::text)? LIKE`));
    const plan = await planOf(Prisma.sql`SELECT id FROM sp_card_inquiries
      WHERE (application_aid LIKE ${"%ABC%"} OR request_message_id LIKE ${"%ABC%"} OR original_message_id LIKE ${"%ABC%"} OR reply_message_id LIKE ${"%ABC%"})`);
    for (const column of columns) expect(plan, plan).toContain(`sp_card_inquiries_${column}_trgm_idx`);
  });

  it("the provider's customers and load records: part of a name or of its reading, in any case", async () => {
    const metro = await desks.metro();
    const customers = await sqlOf(() => pageOfCustomers(metro, { query: "sato", sort: sort("created"), after: null }));
    const records = await sqlOf(() => pageOfLoadRecords(metro, { query: "sato", sort: sort("created"), after: null }));
    for (const sent of [customers, records])
      for (const column of ["full_name", "full_name_kana"]) expect(sent).toMatch(new RegExp(`"${column}"(::text)? ILIKE`));
    const plan = await planOf(Prisma.sql`SELECT id FROM sp_customers
      WHERE (full_name ILIKE ${"%sato%"} OR full_name_kana ILIKE ${"%サトウ%"})`);
    for (const column of ["full_name", "full_name_kana"]) expect(plan, plan).toContain(`sp_customers_${column}_trgm_idx`);
  });

  it("the issuer's loading permissions: the permission's, its request's or the original's message id", async () => {
    const actor = await issuerActor();
    const sent = await sqlOf(() => listPermissions(actor, { messageId: "ABC" }, { sort: sort("decided"), after: null }));
    const columns = ["message_id", "request_message_id", "original_message_id"];
    for (const column of columns) expect(sent).toMatch(new RegExp(`"${column}"(::text)? LIKE`));
    const plan = await planOf(Prisma.sql`SELECT id FROM iss_loading_permissions
      WHERE message_id LIKE ${"%ABC%"} OR request_message_id LIKE ${"%ABC%"} OR original_message_id LIKE ${"%ABC%"}`);
    for (const column of columns) expect(plan, plan).toContain(`iss_loading_permissions_${column}_trgm_idx`);
  });
});
