-- DropIndex
DROP INDEX "iss_cardholders_full_name_idx";

-- DropIndex
DROP INDEX "iss_loading_permissions_provider_id_decided_at_idx";

-- DropIndex
DROP INDEX "sp_user_charges_provider_company_id_charged_at_idx";

-- CreateIndex
CREATE INDEX "iss_cardholders_full_name_id_idx" ON "iss_cardholders"("full_name", "id");

-- CreateIndex
CREATE INDEX "iss_cardholders_created_at_id_idx" ON "iss_cardholders"("created_at", "id");

-- CreateIndex
CREATE INDEX "iss_loading_permissions_decided_at_id_idx" ON "iss_loading_permissions"("decided_at", "id");

-- CreateIndex
CREATE INDEX "iss_loading_permissions_provider_id_decided_at_id_idx" ON "iss_loading_permissions"("provider_id", "decided_at", "id");

-- CreateIndex
CREATE INDEX "iss_loading_permissions_status_decided_at_id_idx" ON "iss_loading_permissions"("status", "decided_at", "id");

-- CreateIndex
CREATE INDEX "sp_reissue_notices_provider_company_id_received_at_id_idx" ON "sp_reissue_notices"("provider_company_id", "received_at", "id");

-- CreateIndex
CREATE INDEX "sp_card_inquiries_provider_company_id_asked_at_id_idx" ON "sp_card_inquiries"("provider_company_id", "asked_at", "id");

-- CreateIndex
CREATE INDEX "sp_user_charges_provider_company_id_charged_at_id_idx" ON "sp_user_charges"("provider_company_id", "charged_at", "id");

-- CreateIndex
CREATE INDEX "sp_user_charges_provider_company_id_amount_minor_id_idx" ON "sp_user_charges"("provider_company_id", "amount_minor", "id");

