-- CreateIndex
CREATE INDEX "sp_customers_provider_company_id_created_at_id_idx" ON "sp_customers"("provider_company_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "sp_load_records_provider_company_id_created_at_id_idx" ON "sp_load_records"("provider_company_id", "created_at", "id");

