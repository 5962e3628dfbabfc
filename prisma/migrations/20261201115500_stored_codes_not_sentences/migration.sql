-- Store codes, render words (docs/i18n.md): three columns that held English sentences now hold a code
-- and its parameters, rendered in the reader's language by the page that shows them.

-- The issuer's audit log: `reason` becomes a code with parameters ({code, params}, lib/core/audit-reason.ts);
-- a person's own words typed with a decision (a rejection, an override, a policy change) go to `note`,
-- as typed. The log is append-only (its trigger refuses UPDATE), and its sentences carry names, dates and
-- amounts (not a finite set): the rows written before keep their sentence, renamed `legacy_reason` and
-- shown as stored.
ALTER TABLE "iss_audit_log" RENAME COLUMN "reason" TO "legacy_reason";
ALTER TABLE "iss_audit_log" ADD COLUMN "reason" JSONB,
ADD COLUMN "note" TEXT;

-- A provider's examination notes: one code per check ([{code, ...}], lib/core/workflows/first-load.ts).
-- The sentences without amounts are mapped to their codes; the others (amounts formatted into the text)
-- stay in `legacy_notes`, shown as stored.
ALTER TABLE "sp_credit_investigations" RENAME COLUMN "notes" TO "legacy_notes";
ALTER TABLE "sp_credit_investigations" ADD COLUMN "notes" JSONB;
UPDATE "sp_credit_investigations"
   SET "notes" = CASE
         WHEN "legacy_notes" = 'Identity checked at the desk.'
           OR "legacy_notes" = 'Policy ' || "policy_version" || ' requires no credit investigation for this application: identity checked at the desk.'
           THEN jsonb_build_array(jsonb_build_object('code', 'no-investigation', 'policyVersion', "policy_version"))
         WHEN "legacy_notes" = 'No annual income was declared, and the policy requires it.'
           THEN jsonb_build_array(jsonb_build_object('code', 'income-not-declared'))
       END,
       "legacy_notes" = NULL
 WHERE "legacy_notes" IN ('Identity checked at the desk.', 'No annual income was declared, and the policy requires it.')
    OR "legacy_notes" = 'Policy ' || "policy_version" || ' requires no credit investigation for this application: identity checked at the desk.';

-- Why a provider's permission (and its load record) ended without a load: a code and parameters
-- (lib/core/workflows/load-failure.ts); the card's refusal keeps its status word ("6A84"), its meaning comes
-- from the status-word catalogue when shown. Every sentence the code wrote is mapped (a finite set of
-- forms); what matches none (a receipt problem's free detail) stays in `legacy_failure_reason`, shown as stored.
ALTER TABLE "sp_permissions" RENAME COLUMN "failure_reason" TO "legacy_failure_reason";
ALTER TABLE "sp_permissions" ADD COLUMN "failure" JSONB;
ALTER TABLE "sp_load_records" RENAME COLUMN "failure_reason" TO "legacy_failure_reason";
ALTER TABLE "sp_load_records" ADD COLUMN "failure" JSONB;

CREATE FUNCTION "pg_temp"."recard_load_failure"(reason TEXT) RETURNS JSONB LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN r IN ('expired before it was used') THEN '{"code":"expired"}'::jsonb
    WHEN r IN ('the desk cancelled the load') THEN '{"code":"cancelled"}'::jsonb
    WHEN r IN ('the desk ended the visit before loading', 'the desk ended the visit') THEN '{"code":"visit-ended","why":"desk"}'::jsonb
    WHEN r = 'the card went back to its holder (lease ended)' THEN '{"code":"visit-ended","why":"lease-ended"}'::jsonb
    WHEN r = 'the grant names another application than we asked for' THEN '{"code":"grant-mismatch","mismatch":"application"}'::jsonb
    WHEN r = 'the grant names another load file than we asked for' THEN '{"code":"grant-mismatch","mismatch":"load-file"}'::jsonb
    WHEN r = 'the grant names another kind of load than we asked for' THEN '{"code":"grant-mismatch","mismatch":"kind"}'::jsonb
    WHEN r = 'the grant names another original permission than we asked for' THEN '{"code":"grant-mismatch","mismatch":"original"}'::jsonb
    WHEN r ~ '^the card refused .{1,60} with SW [0-9A-F]{4} \(.*\)$' THEN jsonb_build_object(
      'code', 'card-refused',
      'step', substring(r FROM '^the card refused (.{1,60}) with SW [0-9A-F]{4} \('),
      'sw', substring(r FROM ' with SW ([0-9A-F]{4}) \('))
  END
  FROM (SELECT regexp_replace(regexp_replace(reason, '^Permission not used: ', ''), '\.$', '') AS r) AS x
$$;

UPDATE "sp_permissions" SET "failure" = "pg_temp"."recard_load_failure"("legacy_failure_reason")
 WHERE "legacy_failure_reason" IS NOT NULL;
UPDATE "sp_permissions" SET "legacy_failure_reason" = NULL WHERE "failure" IS NOT NULL;
UPDATE "sp_load_records" SET "failure" = "pg_temp"."recard_load_failure"("legacy_failure_reason")
 WHERE "legacy_failure_reason" IS NOT NULL;
UPDATE "sp_load_records" SET "legacy_failure_reason" = NULL WHERE "failure" IS NOT NULL;
DROP FUNCTION "pg_temp"."recard_load_failure"(TEXT);
