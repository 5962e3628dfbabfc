/**
 * Bulk expiring cards for renewal tests and the renewal benchmark: written directly in a few
 * statements, as a bulk import from a legacy card system would. Not part of the demo world.
 */
import type { Db } from "../../lib/server/db";

/**
 * `n` cardholders with one card each expiring in `month` (half platform 100, half 200), each with
 * Metro Pass confirmed loaded, every third also Sakura Points: written directly, as a bulk import would.
 */
export async function createExpiringCards(db: Db, month: string, n: number, prefix: string): Promise<void> {
  const expires = `${month}-15T00:00:00Z`;
  await db.$executeRawUnsafe(`
    INSERT INTO iss_cardholders (id, holder_no, full_name, sex, birth_date, occupation, annual_income_minor, postal_code, address, email, phone, identity_verified_at)
    SELECT gen_random_uuid(), '${prefix}-' || lpad(g::text, 6, '0'), 'Renewal Holder ${prefix} ' || g, 'undisclosed', DATE '1980-01-01', 'Tester', 4000000, '100-0001', g || ' Test Street, Chiyoda-ku, Tokyo', '${prefix.toLowerCase()}' || g || '@mail.example', '090-0000-0000', now()
    FROM generate_series(1, ${n}) g`);
  await db.$executeRawUnsafe(`
    INSERT INTO iss_cards (id, card_id, surface_number, platform_type, status, cardholder_id, issued_at, expires_at, generation, card_public_key_jwk)
    SELECT gen_random_uuid(), upper(substr(md5('${prefix}card' || h.holder_no), 1, 16)), '9' || lpad((abs(hashtext('${prefix}' || h.holder_no)) % 1000000000)::text || right(h.holder_no, 6), 15, '0'),
           CASE WHEN right(h.holder_no, 1)::int % 2 = 0 THEN 100 ELSE 200 END, 'active', h.id, TIMESTAMPTZ '2026-03-15T00:00:00Z', TIMESTAMPTZ '${expires}', 1, '{}'::jsonb
    FROM iss_cardholders h WHERE h.holder_no LIKE '${prefix}-%'`);
  // Message ids far above anything the issuer's sequence allocates (one block of a million per prefix).
  const base = 9_000_000_000 + (Array.from(prefix).reduce((n, ch) => n * 31 + ch.charCodeAt(0), 0) % 900) * 1_000_000;
  for (const [aid, every, provider] of [
    ["F0524300010001", 1, "METRO01"],
    ["F0524300030001", 3, "SAKURA01"],
  ] as const) {
    await db.$executeRawUnsafe(`
      WITH picked AS (
        SELECT c.id AS card_id, row_number() OVER (ORDER BY c.surface_number) AS n FROM iss_cards c JOIN iss_cardholders h ON h.id = c.cardholder_id WHERE h.holder_no LIKE '${prefix}-%'
      ), perms AS (
        INSERT INTO iss_loading_permissions (id, message_id, request_message_id, provider_id, application_id, card_id, kind, status, decided_at, confirmed_at, receipt, token, expires_at)
        SELECT gen_random_uuid(), 'RECARD01-${provider}-I' || lpad((${base} + p.n)::text, 10, '0'), '${provider}-${prefix}-' || p.card_id, sp.id, a.id, p.card_id, 'first_load', 'confirmed', now(), now(), decode('00', 'hex'), decode('00', 'hex'), now()
        FROM picked p, iss_service_providers sp, iss_applications a
        WHERE sp.company_id = '${provider}' AND a.aid = '${aid}' AND p.n % ${every} = 0
        RETURNING id, card_id, application_id
      )
      INSERT INTO iss_card_applications (id, card_id, application_id, permission_id, loaded_at) SELECT gen_random_uuid(), card_id, application_id, id, now() FROM perms`);
  }
}
