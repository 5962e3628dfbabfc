
-- Hand-written (manual.sql): values are never negative; a ledger row belongs to a load record of the same provider.
ALTER TABLE "sp_value_ledger" ADD CONSTRAINT "sp_value_ledger_value_check" CHECK (value_minor >= 0);
ALTER TABLE "sp_load_records" ADD CONSTRAINT "sp_load_records_value_check" CHECK (value_minor IS NULL OR (value_minor >= 0 AND value_unit IS NOT NULL));
ALTER TABLE "iss_card_applications" ADD CONSTRAINT "iss_card_applications_carried_over_check" CHECK (carried_over_minor IS NULL OR (carried_over_minor >= 0 AND carried_over_unit IS NOT NULL));
ALTER TABLE "sp_value_ledger" ADD CONSTRAINT "sp_value_ledger_load_fkey" FOREIGN KEY ("provider_company_id", "load_record_id") REFERENCES "sp_load_records"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
