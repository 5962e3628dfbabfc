-- CreateEnum
CREATE TYPE "SpPermissionStatus" AS ENUM ('requested', 'granted', 'refused', 'loaded', 'failed', 'abandoned');

-- CreateTable
CREATE TABLE "sp_permissions" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "kind" "LoadKind" NOT NULL,
    "request_message_id" TEXT NOT NULL,
    "platform_type" INTEGER NOT NULL,
    "application_aid" TEXT NOT NULL,
    "load_file_hash" TEXT NOT NULL,
    "card_id" TEXT,
    "surface_number_last4" TEXT,
    "customer_id" UUID NOT NULL,
    "credit_investigation_id" UUID,
    "previous_load_id" UUID,
    "original_message_id" TEXT,
    "reload_case_id" UUID,
    "operator_user_id" UUID NOT NULL,
    "status" "SpPermissionStatus" NOT NULL,
    "reply_message_id" TEXT,
    "token" BYTEA,
    "expires_at" TIMESTAMPTZ(3),
    "refusal_reason" TEXT,
    "refusal_text" TEXT,
    "failure_reason" TEXT,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answered_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "sp_permissions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sp_charge_statements" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "platform_type" INTEGER NOT NULL,
    "period" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "normal_total_minor" INTEGER NOT NULL,
    "reissue_total_minor" INTEGER NOT NULL,
    "total_minor" INTEGER NOT NULL,
    "lines" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sp_charge_statements_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sp_permissions_provider_company_id_requested_at_idx" ON "sp_permissions"("provider_company_id", "requested_at");

-- CreateIndex
CREATE UNIQUE INDEX "sp_permissions_provider_company_id_request_message_id_key" ON "sp_permissions"("provider_company_id", "request_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "sp_permissions_provider_company_id_reply_message_id_key" ON "sp_permissions"("provider_company_id", "reply_message_id");

-- CreateIndex
CREATE INDEX "sp_charge_statements_provider_company_id_period_idx" ON "sp_charge_statements"("provider_company_id", "period");

-- CreateIndex
CREATE UNIQUE INDEX "sp_charge_statements_provider_company_id_message_id_key" ON "sp_charge_statements"("provider_company_id", "message_id");

-- CreateIndex
CREATE UNIQUE INDEX "sp_reload_cases_provider_company_id_id_key" ON "sp_reload_cases"("provider_company_id", "id");

-- AddForeignKey
ALTER TABLE "sp_permissions" ADD CONSTRAINT "sp_permissions_provider_company_id_customer_id_fkey" FOREIGN KEY ("provider_company_id", "customer_id") REFERENCES "sp_customers"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sp_permissions" ADD CONSTRAINT "sp_permissions_provider_company_id_credit_investigation_id_fkey" FOREIGN KEY ("provider_company_id", "credit_investigation_id") REFERENCES "sp_credit_investigations"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sp_permissions" ADD CONSTRAINT "sp_permissions_provider_company_id_previous_load_id_fkey" FOREIGN KEY ("provider_company_id", "previous_load_id") REFERENCES "sp_load_records"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sp_permissions" ADD CONSTRAINT "sp_permissions_provider_company_id_reload_case_id_fkey" FOREIGN KEY ("provider_company_id", "reload_case_id") REFERENCES "sp_reload_cases"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- ───────────── hand-written: constraints Prisma cannot express ─────────────
ALTER TABLE "sp_permissions" ADD CONSTRAINT "sp_permissions_card_check" CHECK (
  (platform_type = 100 AND card_id ~ '^[0-9A-F]{16}$') OR (platform_type = 200 AND card_id IS NULL));
ALTER TABLE "sp_permissions" ADD CONSTRAINT "sp_permissions_kind_check" CHECK (
  (kind = 'first_load' AND previous_load_id IS NULL AND original_message_id IS NULL) OR
  (kind = 'reload' AND previous_load_id IS NOT NULL AND original_message_id IS NOT NULL));
ALTER TABLE "sp_permissions" ADD CONSTRAINT "sp_permissions_answer_check" CHECK (
  (status = 'requested' AND reply_message_id IS NULL AND token IS NULL) OR
  (status = 'refused' AND reply_message_id IS NOT NULL AND refusal_reason IS NOT NULL AND token IS NULL) OR
  (status IN ('granted', 'loaded', 'failed') AND reply_message_id IS NOT NULL AND token IS NOT NULL AND expires_at IS NOT NULL) OR
  (status = 'abandoned'));
ALTER TABLE "sp_permissions" ADD CONSTRAINT "sp_permissions_message_id_check" CHECK (
  request_message_id ~ '^[A-Z0-9]{4,12}-[A-Z0-9]{4,12}-P[0-9]{10}$' AND
  (reply_message_id IS NULL OR reply_message_id ~ '^[A-Z0-9]{4,12}-[A-Z0-9]{4,12}-I[0-9]{10}$'));
-- one live reload per old load: a second desk (or a second click) is refused before it asks the issuer
CREATE UNIQUE INDEX "sp_permissions_one_live_reload" ON "sp_permissions" (provider_company_id, previous_load_id) WHERE kind = 'reload' AND status IN ('requested', 'granted', 'loaded');
ALTER TABLE "sp_charge_statements" ADD CONSTRAINT "sp_charge_statements_totals_check" CHECK (
  platform_type IN (100, 200) AND currency ~ '^[A-Z]{3}$' AND period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' AND
  normal_total_minor >= 0 AND reissue_total_minor >= 0 AND total_minor = normal_total_minor + reissue_total_minor);
