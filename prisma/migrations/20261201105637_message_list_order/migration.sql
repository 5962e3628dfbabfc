-- DropIndex
DROP INDEX "xc_outbox_owner_company_id_created_at_idx";

-- DropIndex
DROP INDEX "xc_inbox_owner_company_id_received_at_idx";

-- DropIndex
DROP INDEX "xc_rejections_owner_company_id_received_at_idx";

-- CreateIndex
CREATE INDEX "xc_outbox_owner_company_id_created_at_id_idx" ON "xc_outbox"("owner_company_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "xc_outbox_owner_company_id_message_id_idx" ON "xc_outbox"("owner_company_id", "message_id");

-- CreateIndex
CREATE INDEX "xc_inbox_owner_company_id_received_at_id_idx" ON "xc_inbox"("owner_company_id", "received_at", "id");

-- CreateIndex
CREATE INDEX "xc_rejections_owner_company_id_received_at_id_idx" ON "xc_rejections"("owner_company_id", "received_at", "id");

