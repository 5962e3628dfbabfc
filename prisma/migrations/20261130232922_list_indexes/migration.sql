-- Issue 16: list pages flat at 100,000 cards.
-- CreateIndex
CREATE INDEX "iss_cards_issued_at_id_idx" ON "iss_cards"("issued_at", "id");

-- CreateIndex
CREATE INDEX "iss_cards_status_issued_at_id_idx" ON "iss_cards"("status", "issued_at", "id");

-- CreateIndex
CREATE INDEX "iss_cards_platform_type_issued_at_id_idx" ON "iss_cards"("platform_type", "issued_at", "id");

-- CreateIndex
CREATE INDEX "iss_reissue_requests_cardholder_id_status_decided_at_idx" ON "iss_reissue_requests"("cardholder_id", "status", "decided_at");

-- CreateIndex
CREATE INDEX "iss_reissue_requests_decided_at_idx" ON "iss_reissue_requests"("decided_at");

-- CreateIndex
CREATE INDEX "iss_provider_charges_charged_at_idx" ON "iss_provider_charges"("charged_at");

-- Hand-written (Prisma cannot express them): trigram indexes for the card list's "contains" searches
-- (any part of a surface number, part of a cardholder's name). pg_trgm is a trusted extension
-- (PostgreSQL 13+), shipped with Debian's server and the embedded one.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "iss_cards_surface_number_trgm_idx" ON "iss_cards" USING gin ("surface_number" gin_trgm_ops);
CREATE INDEX "iss_cardholders_full_name_trgm_idx" ON "iss_cardholders" USING gin ("full_name" gin_trgm_ops);
