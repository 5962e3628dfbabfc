/**
 * A large card base for the scale bench and the page tests (issue 16), written directly in a few
 * set-based statements as a bulk import from a legacy card system would. Not part of the demo world.
 */
import type { Db } from "../../lib/server/db";

export type CardBaseOptions = {
  /** Pending lost/damaged reports on the first cards (for the reissue queue). */
  pendingReissues?: number;
  /** A provider charge for every confirmed load, spread over the last twelve months. */
  charges?: boolean;
};

/**
 * `n` cardholders with one card each (`prefix`: 2 capital letters, unique per call): half platform
 * 100, half 200; 90 % active, 3 % blocked, 7 % terminated; issued over the last five years; Metro
 * Pass loaded on every card and Sakura Points on every third (confirmed permissions, as the renewal
 * fixtures have). Ends with ANALYZE so the planner's estimates (the pages' "about N") are current.
 */
export async function createCardBase(db: Db, n: number, prefix: string, options: CardBaseOptions = {}): Promise<void> {
  if (!/^[A-Z]{2}$/.test(prefix)) throw new Error("prefix: two capital letters");
  // Surface numbers under "8…", outside the demo IIN (99000001); one block of 10^9 per prefix.
  const block = (prefix.charCodeAt(0) - 65) * 26 + (prefix.charCodeAt(1) - 65);
  await db.$executeRawUnsafe(`
    INSERT INTO iss_cardholders (id, holder_no, full_name, sex, birth_date, occupation, annual_income_minor, postal_code, address, email, phone, identity_verified_at)
    SELECT gen_random_uuid(), '${prefix}-' || lpad(g::text, 7, '0'), 'Scale Holder ${prefix} ' || g, 'undisclosed', DATE '1980-01-01', 'Tester', 4000000, '100-0001',
           g || ' Test Street, Chiyoda-ku, Tokyo', '${prefix.toLowerCase()}' || g || '@scale.example', '090-0000-0000', CASE WHEN g % 20 = 0 THEN NULL ELSE now() END
    FROM generate_series(1, ${n}) g`);
  await db.$executeRawUnsafe(`
    INSERT INTO iss_cards (id, card_id, surface_number, platform_type, status, cardholder_id, issued_at, expires_at, generation, card_public_key_jwk, blocked_at, blocked_reason, terminated_at)
    SELECT gen_random_uuid(), upper(substr(md5('${prefix}scale' || g), 1, 16)), '8' || lpad((${block}::bigint * 1000000000 + g)::text, 15, '0'),
           CASE WHEN g % 2 = 0 THEN 100 ELSE 200 END,
           (CASE WHEN g % 100 < 3 THEN 'blocked' WHEN g % 100 < 10 THEN 'terminated' ELSE 'active' END)::"CardStatus",
           h.id, now() - (g::float8 / ${n} * interval '1826 days'), now() + interval '3 years', 1, '{}'::jsonb,
           CASE WHEN g % 100 < 3 THEN now() END, CASE WHEN g % 100 < 3 THEN 'lost' END, CASE WHEN g % 100 BETWEEN 3 AND 9 THEN now() END
    FROM (SELECT id, right(holder_no, 7)::int AS g FROM iss_cardholders WHERE holder_no LIKE '${prefix}-%') h`);
  const base = 8_000_000_000 + block * 1_000_000;
  for (const [aid, every, provider] of [
    ["F0524300010001", 1, "METRO01"],
    ["F0524300030001", 3, "SAKURA01"],
  ] as const) {
    await db.$executeRawUnsafe(`
      WITH picked AS (
        SELECT c.id AS card_id, right(h.holder_no, 7)::int AS n FROM iss_cards c JOIN iss_cardholders h ON h.id = c.cardholder_id WHERE h.holder_no LIKE '${prefix}-%'
      ), perms AS (
        INSERT INTO iss_loading_permissions (id, message_id, request_message_id, provider_id, application_id, card_id, kind, status, decided_at, confirmed_at, receipt, token, expires_at)
        SELECT gen_random_uuid(), 'RECARD01-${provider}-I' || lpad((${base} + p.n)::text, 10, '0'), '${provider}-${prefix}-' || p.card_id, sp.id, a.id, p.card_id, 'first_load', 'confirmed',
               now(), now(), decode('00', 'hex'), decode('00', 'hex'), now()
        FROM picked p, iss_service_providers sp, iss_applications a
        WHERE sp.company_id = '${provider}' AND a.aid = '${aid}' AND p.n % ${every} = 0
        RETURNING id, card_id, application_id, provider_id
      ), loaded AS (
        INSERT INTO iss_card_applications (id, card_id, application_id, permission_id, loaded_at) SELECT gen_random_uuid(), card_id, application_id, id, now() FROM perms RETURNING permission_id
      )
      ${
        options.charges
          ? `INSERT INTO iss_provider_charges (id, provider_id, permission_id, kind, amount_minor, currency, charged_at)
             SELECT gen_random_uuid(), p.provider_id, p.id, CASE WHEN random() < 0.2 THEN 'reissue_reload' ELSE 'normal_load' END::"ChargeKind", 100, 'JPY', now() - random() * interval '365 days' FROM perms p`
          : "SELECT 1"
      }`);
  }
  if (options.pendingReissues) {
    await db.$executeRawUnsafe(`
      INSERT INTO iss_reissue_requests (id, old_card_id, cardholder_id, reason, status, statement, created_at)
      SELECT gen_random_uuid(), c.id, c.cardholder_id, (CASE WHEN g.n % 2 = 0 THEN 'damaged' ELSE 'lost' END)::"ReissueReason", 'pending', NULL, now() - (g.n * interval '1 second')
      FROM (SELECT id, right(holder_no, 7)::int AS n FROM iss_cardholders WHERE holder_no LIKE '${prefix}-%') g
      JOIN iss_cards c ON c.cardholder_id = g.id
      WHERE c.status = 'active' AND g.n <= ${Math.ceil(options.pendingReissues / 0.85) + 20}
      ORDER BY g.n
      LIMIT ${options.pendingReissues}`);
  }
  await db.$executeRawUnsafe(`ANALYZE iss_cardholders, iss_cards, iss_card_applications, iss_loading_permissions, iss_reissue_requests, iss_provider_charges`);
}
