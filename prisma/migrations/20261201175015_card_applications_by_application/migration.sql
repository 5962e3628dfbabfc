-- CreateIndex
CREATE INDEX "iss_card_applications_application_id_status_idx" ON "iss_card_applications"("application_id", "status");

