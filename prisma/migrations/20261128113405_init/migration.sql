-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('issuer', 'provider', 'cardholder');

-- CreateEnum
CREATE TYPE "Sex" AS ENUM ('female', 'male', 'other', 'undisclosed');

-- CreateEnum
CREATE TYPE "CardStatus" AS ENUM ('active', 'blocked', 'terminated');

-- CreateEnum
CREATE TYPE "ReissueReason" AS ENUM ('lost', 'stolen', 'damaged');

-- CreateEnum
CREATE TYPE "ReissueRequestStatus" AS ENUM ('pending', 'approved', 'rejected');

-- CreateEnum
CREATE TYPE "ContractStatus" AS ENUM ('active', 'suspended', 'terminated');

-- CreateEnum
CREATE TYPE "ApplicationKind" AS ENUM ('transit', 'loyalty', 'credit');

-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('pending', 'approved', 'revoked');

-- CreateEnum
CREATE TYPE "PermissionKind" AS ENUM ('first_load', 'reload');

-- CreateEnum
CREATE TYPE "PermissionStatus" AS ENUM ('granted', 'refused', 'confirmed', 'failed');

-- CreateEnum
CREATE TYPE "CardApplicationStatus" AS ENUM ('loaded', 'deleted');

-- CreateEnum
CREATE TYPE "ChargeKind" AS ENUM ('normal_load', 'reissue_reload');

-- CreateEnum
CREATE TYPE "InvestigationOutcome" AS ENUM ('approved', 'declined');

-- CreateEnum
CREATE TYPE "LoadKind" AS ENUM ('first_load', 'reload');

-- CreateEnum
CREATE TYPE "LoadStatus" AS ENUM ('pending', 'loaded', 'failed');

-- CreateEnum
CREATE TYPE "ReissueInfoVia" AS ENUM ('push', 'pull');

-- CreateEnum
CREATE TYPE "ReloadOutcome" AS ENUM ('in_progress', 'reloaded', 'refused', 'abandoned');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'delivered', 'dead');

-- CreateEnum
CREATE TYPE "InboxStatus" AS ENUM ('processed', 'refused');

-- CreateEnum
CREATE TYPE "InboxVia" AS ENUM ('online', 'http', 'file');

-- CreateTable
CREATE TABLE "auth_users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "provider_company_id" TEXT,
    "cardholder_id" UUID,
    "issuer_company_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_sign_in_at" TIMESTAMPTZ(3),

    CONSTRAINT "auth_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_login_throttle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "last_failure_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "auth_login_throttle_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "iss_issuer_company" (
    "company_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "iin" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "iss_issuer_company_pkey" PRIMARY KEY ("company_id")
);

-- CreateTable
CREATE TABLE "iss_policy" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "max_reissues_per_year" INTEGER NOT NULL,
    "require_identity_verified" BOOLEAN NOT NULL,
    "reject_on_fraud_flag" BOOLEAN NOT NULL,
    "permission_ttl_minutes" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,

    CONSTRAINT "iss_policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_cardholders" (
    "id" UUID NOT NULL,
    "holder_no" TEXT NOT NULL,
    "full_name" TEXT NOT NULL,
    "sex" "Sex" NOT NULL,
    "birth_date" DATE NOT NULL,
    "occupation" TEXT NOT NULL,
    "annual_income_minor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL DEFAULT 'JPY',
    "postal_code" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "identity_verified_at" TIMESTAMPTZ(3),
    "fraud_flag" BOOLEAN NOT NULL DEFAULT false,
    "fraud_note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "iss_cardholders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_cards" (
    "id" UUID NOT NULL,
    "card_id" TEXT NOT NULL,
    "surface_number" TEXT NOT NULL,
    "platform_type" INTEGER NOT NULL,
    "status" "CardStatus" NOT NULL DEFAULT 'active',
    "cardholder_id" UUID NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "blocked_at" TIMESTAMPTZ(3),
    "blocked_reason" TEXT,
    "terminated_at" TIMESTAMPTZ(3),
    "previous_card_id" UUID,
    "generation" INTEGER NOT NULL DEFAULT 1,
    "card_public_key_jwk" JSONB NOT NULL,

    CONSTRAINT "iss_cards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_reissue_requests" (
    "id" UUID NOT NULL,
    "request_no" SERIAL NOT NULL,
    "old_card_id" UUID NOT NULL,
    "cardholder_id" UUID NOT NULL,
    "reason" "ReissueReason" NOT NULL,
    "statement" TEXT,
    "requested_by_user_id" UUID,
    "status" "ReissueRequestStatus" NOT NULL DEFAULT 'pending',
    "examination" JSONB,
    "decided_by_user_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "rejection_reason" TEXT,
    "reissued_card_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "iss_reissue_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_reissue_links" (
    "id" UUID NOT NULL,
    "old_card_id" UUID NOT NULL,
    "reissued_card_id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "platform_type" INTEGER NOT NULL,
    "reissued_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "iss_reissue_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_service_providers" (
    "id" UUID NOT NULL,
    "company_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "contract_no" TEXT NOT NULL,
    "contract_status" "ContractStatus" NOT NULL,
    "contract_start" DATE NOT NULL,
    "contract_end" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "iss_service_providers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_applications" (
    "id" UUID NOT NULL,
    "aid" TEXT NOT NULL,
    "provider_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ApplicationKind" NOT NULL,
    "version" TEXT NOT NULL,
    "load_file_hash" TEXT NOT NULL,
    "status" "ApplicationStatus" NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "iss_applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_loading_permissions" (
    "id" UUID NOT NULL,
    "message_id" TEXT NOT NULL,
    "request_message_id" TEXT NOT NULL,
    "provider_id" UUID NOT NULL,
    "application_id" UUID,
    "card_id" UUID,
    "kind" "PermissionKind" NOT NULL,
    "original_message_id" TEXT,
    "status" "PermissionStatus" NOT NULL,
    "refusal_code" TEXT,
    "refusal_reason" TEXT,
    "token" BYTEA,
    "load_file_hash" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmed_at" TIMESTAMPTZ(3),
    "receipt" BYTEA,
    "confirmation_counter" INTEGER,

    CONSTRAINT "iss_loading_permissions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_card_applications" (
    "id" UUID NOT NULL,
    "card_id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "permission_id" UUID NOT NULL,
    "status" "CardApplicationStatus" NOT NULL DEFAULT 'loaded',
    "loaded_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "iss_card_applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_fee_schedules" (
    "id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "application_id" UUID,
    "normal_load_fee_minor" INTEGER NOT NULL,
    "reissue_reload_fee_minor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "iss_fee_schedules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_provider_charges" (
    "id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "permission_id" UUID NOT NULL,
    "kind" "ChargeKind" NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "charged_at" TIMESTAMPTZ(3) NOT NULL,
    "statement_id" UUID,

    CONSTRAINT "iss_provider_charges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_charge_statements" (
    "id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "period" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "normal_total_minor" INTEGER NOT NULL,
    "reissue_total_minor" INTEGER NOT NULL,
    "total_minor" INTEGER NOT NULL,
    "message_id" TEXT,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "iss_charge_statements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_user_id" UUID,
    "actor_label" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "reason" TEXT,
    "data" JSONB,

    CONSTRAINT "iss_audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sp_companies" (
    "provider_company_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "issuer_company_id" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sp_companies_pkey" PRIMARY KEY ("provider_company_id")
);

-- CreateTable
CREATE TABLE "sp_customers" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "customer_no" TEXT NOT NULL,
    "full_name" TEXT NOT NULL,
    "birth_date" DATE,
    "email" TEXT,
    "phone" TEXT,
    "address" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sp_customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sp_credit_policies" (
    "provider_company_id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "min_annual_income_minor" INTEGER NOT NULL,
    "limit_percent_of_income" INTEGER NOT NULL,
    "max_limit_minor" INTEGER NOT NULL,
    "requires_investigation" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sp_credit_policies_pkey" PRIMARY KEY ("provider_company_id")
);

-- CreateTable
CREATE TABLE "sp_credit_investigations" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "customer_id" UUID NOT NULL,
    "application_aid" TEXT NOT NULL,
    "declared_income_minor" INTEGER NOT NULL,
    "existing_limits_minor" INTEGER NOT NULL,
    "outcome" "InvestigationOutcome" NOT NULL,
    "limit_minor" INTEGER NOT NULL,
    "policy_version" TEXT NOT NULL,
    "notes" TEXT,
    "investigated_at" TIMESTAMPTZ(3) NOT NULL,
    "investigated_by" TEXT NOT NULL,

    CONSTRAINT "sp_credit_investigations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sp_load_records" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "card_id" TEXT,
    "surface_number_last4" TEXT,
    "platform_type" INTEGER NOT NULL,
    "application_aid" TEXT NOT NULL,
    "customer_id" UUID NOT NULL,
    "credit_investigation_id" UUID,
    "kind" "LoadKind" NOT NULL,
    "status" "LoadStatus" NOT NULL,
    "previous_load_id" UUID,
    "failure_reason" TEXT,
    "receipt" BYTEA,
    "loaded_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sp_load_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sp_reissue_notices" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "platform_type" INTEGER NOT NULL,
    "old_card_id" TEXT NOT NULL,
    "reissued_card_id" TEXT NOT NULL,
    "reissued_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source_message_id" TEXT NOT NULL,
    "via" "ReissueInfoVia" NOT NULL,

    CONSTRAINT "sp_reissue_notices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sp_card_inquiries" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "platform_type" INTEGER NOT NULL,
    "application_aid" TEXT NOT NULL,
    "request_message_id" TEXT NOT NULL,
    "reply_message_id" TEXT,
    "reissue_ok" BOOLEAN,
    "original_message_id" TEXT,
    "ng_reason" TEXT,
    "asked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answered_at" TIMESTAMPTZ(3),

    CONSTRAINT "sp_card_inquiries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sp_fee_schedules" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "application_aid" TEXT NOT NULL,
    "normal_fee_minor" INTEGER NOT NULL,
    "reissue_fee_minor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sp_fee_schedules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sp_user_charges" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "customer_id" UUID NOT NULL,
    "load_record_id" UUID NOT NULL,
    "kind" "ChargeKind" NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "charged_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sp_user_charges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sp_reload_cases" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "operator_user_id" UUID NOT NULL,
    "platform_type" INTEGER,
    "card_id" TEXT,
    "application_aids" TEXT[],
    "outcome" "ReloadOutcome" NOT NULL,
    "refusal_code" TEXT,
    "refusal_step" TEXT,
    "refusal_reason" TEXT,
    "steps" JSONB,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "sp_reload_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "xc_message_sequences" (
    "issuer_company_id" TEXT NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "direction" CHAR(1) NOT NULL,
    "last_value" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "xc_message_sequences_pkey" PRIMARY KEY ("issuer_company_id","provider_company_id","direction")
);

-- CreateTable
CREATE TABLE "xc_trusted_keys" (
    "owner_company_id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "xc_trusted_keys_pkey" PRIMARY KEY ("owner_company_id","company_id","kid")
);

-- CreateTable
CREATE TABLE "xc_outbox" (
    "id" UUID NOT NULL,
    "owner_company_id" TEXT NOT NULL,
    "receiver_company_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "platform_type" INTEGER NOT NULL,
    "jws" TEXT NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "xc_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "xc_inbox" (
    "id" UUID NOT NULL,
    "owner_company_id" TEXT NOT NULL,
    "sender_company_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "platform_type" INTEGER NOT NULL,
    "jws" TEXT NOT NULL,
    "status" "InboxStatus" NOT NULL,
    "via" "InboxVia" NOT NULL,
    "result" JSONB,
    "refusal_code" TEXT,
    "refusal_reason" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "xc_inbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wallet_cards" (
    "id" UUID NOT NULL,
    "cardholder_id" UUID NOT NULL,
    "surface_number" TEXT NOT NULL,
    "image" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallet_cards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wallet_presentations" (
    "id" UUID NOT NULL,
    "wallet_card_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "claimed_by_company" TEXT,
    "claimed_at" TIMESTAMPTZ(3),
    "returned_at" TIMESTAMPTZ(3),

    CONSTRAINT "wallet_presentations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "auth_users_email_key" ON "auth_users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "auth_users_cardholder_id_key" ON "auth_users"("cardholder_id");

-- CreateIndex
CREATE INDEX "auth_users_provider_company_id_idx" ON "auth_users"("provider_company_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_cardholders_holder_no_key" ON "iss_cardholders"("holder_no");

-- CreateIndex
CREATE INDEX "iss_cardholders_full_name_idx" ON "iss_cardholders"("full_name");

-- CreateIndex
CREATE UNIQUE INDEX "iss_cards_card_id_key" ON "iss_cards"("card_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_cards_surface_number_key" ON "iss_cards"("surface_number");

-- CreateIndex
CREATE UNIQUE INDEX "iss_cards_previous_card_id_key" ON "iss_cards"("previous_card_id");

-- CreateIndex
CREATE INDEX "iss_cards_cardholder_id_idx" ON "iss_cards"("cardholder_id");

-- CreateIndex
CREATE INDEX "iss_cards_status_idx" ON "iss_cards"("status");

-- CreateIndex
CREATE UNIQUE INDEX "iss_reissue_requests_request_no_key" ON "iss_reissue_requests"("request_no");

-- CreateIndex
CREATE UNIQUE INDEX "iss_reissue_requests_reissued_card_id_key" ON "iss_reissue_requests"("reissued_card_id");

-- CreateIndex
CREATE INDEX "iss_reissue_requests_status_created_at_idx" ON "iss_reissue_requests"("status", "created_at");

-- CreateIndex
CREATE INDEX "iss_reissue_requests_old_card_id_idx" ON "iss_reissue_requests"("old_card_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_reissue_links_old_card_id_key" ON "iss_reissue_links"("old_card_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_reissue_links_reissued_card_id_key" ON "iss_reissue_links"("reissued_card_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_reissue_links_request_id_key" ON "iss_reissue_links"("request_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_service_providers_company_id_key" ON "iss_service_providers"("company_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_service_providers_contract_no_key" ON "iss_service_providers"("contract_no");

-- CreateIndex
CREATE UNIQUE INDEX "iss_applications_aid_key" ON "iss_applications"("aid");

-- CreateIndex
CREATE INDEX "iss_applications_provider_id_idx" ON "iss_applications"("provider_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_loading_permissions_message_id_key" ON "iss_loading_permissions"("message_id");

-- CreateIndex
CREATE INDEX "iss_loading_permissions_card_id_idx" ON "iss_loading_permissions"("card_id");

-- CreateIndex
CREATE INDEX "iss_loading_permissions_provider_id_decided_at_idx" ON "iss_loading_permissions"("provider_id", "decided_at");

-- CreateIndex
CREATE INDEX "iss_loading_permissions_original_message_id_idx" ON "iss_loading_permissions"("original_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_loading_permissions_provider_id_request_message_id_key" ON "iss_loading_permissions"("provider_id", "request_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_card_applications_permission_id_key" ON "iss_card_applications"("permission_id");

-- CreateIndex
CREATE INDEX "iss_card_applications_card_id_idx" ON "iss_card_applications"("card_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_fee_schedules_provider_id_application_id_valid_from_key" ON "iss_fee_schedules"("provider_id", "application_id", "valid_from");

-- CreateIndex
CREATE UNIQUE INDEX "iss_provider_charges_permission_id_key" ON "iss_provider_charges"("permission_id");

-- CreateIndex
CREATE INDEX "iss_provider_charges_provider_id_charged_at_idx" ON "iss_provider_charges"("provider_id", "charged_at");

-- CreateIndex
CREATE UNIQUE INDEX "iss_charge_statements_message_id_key" ON "iss_charge_statements"("message_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_charge_statements_provider_id_period_currency_key" ON "iss_charge_statements"("provider_id", "period", "currency");

-- CreateIndex
CREATE INDEX "iss_audit_log_subject_type_subject_id_idx" ON "iss_audit_log"("subject_type", "subject_id");

-- CreateIndex
CREATE INDEX "iss_audit_log_at_idx" ON "iss_audit_log"("at");

-- CreateIndex
CREATE INDEX "sp_customers_provider_company_id_full_name_idx" ON "sp_customers"("provider_company_id", "full_name");

-- CreateIndex
CREATE UNIQUE INDEX "sp_customers_provider_company_id_customer_no_key" ON "sp_customers"("provider_company_id", "customer_no");

-- CreateIndex
CREATE UNIQUE INDEX "sp_customers_provider_company_id_id_key" ON "sp_customers"("provider_company_id", "id");

-- CreateIndex
CREATE INDEX "sp_credit_investigations_provider_company_id_customer_id_idx" ON "sp_credit_investigations"("provider_company_id", "customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "sp_credit_investigations_provider_company_id_id_key" ON "sp_credit_investigations"("provider_company_id", "id");

-- CreateIndex
CREATE INDEX "sp_load_records_provider_company_id_card_id_idx" ON "sp_load_records"("provider_company_id", "card_id");

-- CreateIndex
CREATE INDEX "sp_load_records_provider_company_id_customer_id_idx" ON "sp_load_records"("provider_company_id", "customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "sp_load_records_provider_company_id_message_id_key" ON "sp_load_records"("provider_company_id", "message_id");

-- CreateIndex
CREATE UNIQUE INDEX "sp_load_records_provider_company_id_id_key" ON "sp_load_records"("provider_company_id", "id");

-- CreateIndex
CREATE INDEX "sp_reissue_notices_provider_company_id_old_card_id_idx" ON "sp_reissue_notices"("provider_company_id", "old_card_id");

-- CreateIndex
CREATE UNIQUE INDEX "sp_reissue_notices_provider_company_id_reissued_card_id_key" ON "sp_reissue_notices"("provider_company_id", "reissued_card_id");

-- CreateIndex
CREATE INDEX "sp_card_inquiries_provider_company_id_original_message_id_idx" ON "sp_card_inquiries"("provider_company_id", "original_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "sp_card_inquiries_provider_company_id_request_message_id_key" ON "sp_card_inquiries"("provider_company_id", "request_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "sp_fee_schedules_provider_company_id_application_aid_valid__key" ON "sp_fee_schedules"("provider_company_id", "application_aid", "valid_from");

-- CreateIndex
CREATE INDEX "sp_user_charges_provider_company_id_charged_at_idx" ON "sp_user_charges"("provider_company_id", "charged_at");

-- CreateIndex
CREATE UNIQUE INDEX "sp_user_charges_provider_company_id_load_record_id_key" ON "sp_user_charges"("provider_company_id", "load_record_id");

-- CreateIndex
CREATE INDEX "sp_reload_cases_provider_company_id_started_at_idx" ON "sp_reload_cases"("provider_company_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "xc_outbox_message_id_key" ON "xc_outbox"("message_id");

-- CreateIndex
CREATE INDEX "xc_outbox_status_next_attempt_at_idx" ON "xc_outbox"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "xc_outbox_owner_company_id_created_at_idx" ON "xc_outbox"("owner_company_id", "created_at");

-- CreateIndex
CREATE INDEX "xc_inbox_owner_company_id_received_at_idx" ON "xc_inbox"("owner_company_id", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "xc_inbox_owner_company_id_message_id_key" ON "xc_inbox"("owner_company_id", "message_id");

-- CreateIndex
CREATE UNIQUE INDEX "wallet_cards_surface_number_key" ON "wallet_cards"("surface_number");

-- CreateIndex
CREATE INDEX "wallet_cards_cardholder_id_idx" ON "wallet_cards"("cardholder_id");

-- CreateIndex
CREATE UNIQUE INDEX "wallet_presentations_code_hash_key" ON "wallet_presentations"("code_hash");

-- CreateIndex
CREATE INDEX "wallet_presentations_wallet_card_id_idx" ON "wallet_presentations"("wallet_card_id");

-- AddForeignKey
ALTER TABLE "iss_cards" ADD CONSTRAINT "iss_cards_cardholder_id_fkey" FOREIGN KEY ("cardholder_id") REFERENCES "iss_cardholders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_cards" ADD CONSTRAINT "iss_cards_previous_card_id_fkey" FOREIGN KEY ("previous_card_id") REFERENCES "iss_cards"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_reissue_requests" ADD CONSTRAINT "iss_reissue_requests_old_card_id_fkey" FOREIGN KEY ("old_card_id") REFERENCES "iss_cards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_reissue_requests" ADD CONSTRAINT "iss_reissue_requests_reissued_card_id_fkey" FOREIGN KEY ("reissued_card_id") REFERENCES "iss_cards"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_reissue_requests" ADD CONSTRAINT "iss_reissue_requests_cardholder_id_fkey" FOREIGN KEY ("cardholder_id") REFERENCES "iss_cardholders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_reissue_links" ADD CONSTRAINT "iss_reissue_links_old_card_id_fkey" FOREIGN KEY ("old_card_id") REFERENCES "iss_cards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_reissue_links" ADD CONSTRAINT "iss_reissue_links_reissued_card_id_fkey" FOREIGN KEY ("reissued_card_id") REFERENCES "iss_cards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_reissue_links" ADD CONSTRAINT "iss_reissue_links_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "iss_reissue_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_applications" ADD CONSTRAINT "iss_applications_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "iss_service_providers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_loading_permissions" ADD CONSTRAINT "iss_loading_permissions_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "iss_service_providers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_loading_permissions" ADD CONSTRAINT "iss_loading_permissions_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "iss_applications"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_loading_permissions" ADD CONSTRAINT "iss_loading_permissions_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "iss_cards"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_loading_permissions" ADD CONSTRAINT "iss_loading_permissions_original_message_id_fkey" FOREIGN KEY ("original_message_id") REFERENCES "iss_loading_permissions"("message_id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_card_applications" ADD CONSTRAINT "iss_card_applications_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "iss_cards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_card_applications" ADD CONSTRAINT "iss_card_applications_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "iss_applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_card_applications" ADD CONSTRAINT "iss_card_applications_permission_id_fkey" FOREIGN KEY ("permission_id") REFERENCES "iss_loading_permissions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_fee_schedules" ADD CONSTRAINT "iss_fee_schedules_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "iss_service_providers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_fee_schedules" ADD CONSTRAINT "iss_fee_schedules_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "iss_applications"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_provider_charges" ADD CONSTRAINT "iss_provider_charges_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "iss_service_providers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_provider_charges" ADD CONSTRAINT "iss_provider_charges_permission_id_fkey" FOREIGN KEY ("permission_id") REFERENCES "iss_loading_permissions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_provider_charges" ADD CONSTRAINT "iss_provider_charges_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "iss_charge_statements"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_charge_statements" ADD CONSTRAINT "iss_charge_statements_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "iss_service_providers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sp_credit_investigations" ADD CONSTRAINT "sp_credit_investigations_provider_company_id_customer_id_fkey" FOREIGN KEY ("provider_company_id", "customer_id") REFERENCES "sp_customers"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sp_load_records" ADD CONSTRAINT "sp_load_records_provider_company_id_customer_id_fkey" FOREIGN KEY ("provider_company_id", "customer_id") REFERENCES "sp_customers"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sp_load_records" ADD CONSTRAINT "sp_load_records_provider_company_id_credit_investigation_i_fkey" FOREIGN KEY ("provider_company_id", "credit_investigation_id") REFERENCES "sp_credit_investigations"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sp_load_records" ADD CONSTRAINT "sp_load_records_provider_company_id_previous_load_id_fkey" FOREIGN KEY ("provider_company_id", "previous_load_id") REFERENCES "sp_load_records"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sp_user_charges" ADD CONSTRAINT "sp_user_charges_provider_company_id_customer_id_fkey" FOREIGN KEY ("provider_company_id", "customer_id") REFERENCES "sp_customers"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sp_user_charges" ADD CONSTRAINT "sp_user_charges_provider_company_id_load_record_id_fkey" FOREIGN KEY ("provider_company_id", "load_record_id") REFERENCES "sp_load_records"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_presentations" ADD CONSTRAINT "wallet_presentations_wallet_card_id_fkey" FOREIGN KEY ("wallet_card_id") REFERENCES "wallet_cards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- ───────────── hand-written: constraints Prisma cannot express ─────────────

-- accounts: a role belongs to exactly its kind of tenant
ALTER TABLE "auth_users" ADD CONSTRAINT "auth_users_tenant_check" CHECK (
  (role = 'issuer' AND issuer_company_id IS NOT NULL AND provider_company_id IS NULL AND cardholder_id IS NULL) OR
  (role = 'provider' AND provider_company_id IS NOT NULL AND issuer_company_id IS NULL AND cardholder_id IS NULL) OR
  (role = 'cardholder' AND cardholder_id IS NOT NULL AND issuer_company_id IS NULL AND provider_company_id IS NULL));
ALTER TABLE "auth_users" ADD CONSTRAINT "auth_users_email_lower_check" CHECK (email = lower(email));
ALTER TABLE "auth_login_throttle" ADD CONSTRAINT "auth_login_throttle_failures_check" CHECK (failures >= 0);

-- issuer
ALTER TABLE "iss_policy" ADD CONSTRAINT "iss_policy_singleton_check" CHECK (id = 1);
ALTER TABLE "iss_policy" ADD CONSTRAINT "iss_policy_values_check" CHECK (max_reissues_per_year >= 0 AND permission_ttl_minutes > 0);
ALTER TABLE "iss_issuer_company" ADD CONSTRAINT "iss_issuer_company_id_check" CHECK (company_id ~ '^[A-Z0-9]{4,12}$');
ALTER TABLE "iss_cardholders" ADD CONSTRAINT "iss_cardholders_income_check" CHECK (annual_income_minor >= 0 AND currency ~ '^[A-Z]{3}$');
ALTER TABLE "iss_cards" ADD CONSTRAINT "iss_cards_platform_type_check" CHECK (platform_type IN (100, 200));
ALTER TABLE "iss_cards" ADD CONSTRAINT "iss_cards_card_id_check" CHECK (card_id ~ '^[0-9A-F]{16}$');
ALTER TABLE "iss_cards" ADD CONSTRAINT "iss_cards_surface_number_check" CHECK (surface_number ~ '^[0-9]{16}$');
ALTER TABLE "iss_cards" ADD CONSTRAINT "iss_cards_status_check" CHECK (
  (status <> 'blocked' OR blocked_at IS NOT NULL) AND (status <> 'terminated' OR terminated_at IS NOT NULL));
ALTER TABLE "iss_cards" ADD CONSTRAINT "iss_cards_lineage_check" CHECK (previous_card_id IS DISTINCT FROM id AND generation >= 1);
ALTER TABLE "iss_reissue_requests" ADD CONSTRAINT "iss_reissue_requests_decision_check" CHECK (
  (status = 'pending' AND decided_at IS NULL AND reissued_card_id IS NULL) OR
  (status = 'approved' AND decided_at IS NOT NULL AND reissued_card_id IS NOT NULL) OR
  (status = 'rejected' AND decided_at IS NOT NULL AND rejection_reason IS NOT NULL AND reissued_card_id IS NULL));
-- one open request per card: two operators (or a double click) cannot open two
CREATE UNIQUE INDEX "iss_reissue_requests_one_pending_per_card" ON "iss_reissue_requests" (old_card_id) WHERE status = 'pending';
ALTER TABLE "iss_reissue_links" ADD CONSTRAINT "iss_reissue_links_distinct_check" CHECK (old_card_id <> reissued_card_id AND platform_type IN (100, 200));
ALTER TABLE "iss_service_providers" ADD CONSTRAINT "iss_service_providers_company_id_check" CHECK (company_id ~ '^[A-Z0-9]{4,12}$');
ALTER TABLE "iss_service_providers" ADD CONSTRAINT "iss_service_providers_contract_check" CHECK (contract_end IS NULL OR contract_end >= contract_start);
ALTER TABLE "iss_applications" ADD CONSTRAINT "iss_applications_aid_check" CHECK (aid ~ '^([0-9A-F]{2}){5,16}$');
ALTER TABLE "iss_applications" ADD CONSTRAINT "iss_applications_hash_check" CHECK (load_file_hash ~ '^[0-9A-F]{64}$');
ALTER TABLE "iss_loading_permissions" ADD CONSTRAINT "iss_loading_permissions_message_id_check" CHECK (message_id ~ '^[A-Z0-9]{4,12}-[A-Z0-9]{4,12}-I[0-9]{10}$');
ALTER TABLE "iss_loading_permissions" ADD CONSTRAINT "iss_loading_permissions_state_check" CHECK (
  (status = 'refused' AND refusal_code IS NOT NULL AND token IS NULL) OR
  (status IN ('granted', 'confirmed', 'failed') AND token IS NOT NULL AND card_id IS NOT NULL AND application_id IS NOT NULL AND expires_at IS NOT NULL));
ALTER TABLE "iss_loading_permissions" ADD CONSTRAINT "iss_loading_permissions_confirmed_check" CHECK (status <> 'confirmed' OR (receipt IS NOT NULL AND confirmed_at IS NOT NULL));
ALTER TABLE "iss_loading_permissions" ADD CONSTRAINT "iss_loading_permissions_kind_check" CHECK (
  (kind = 'first_load' AND original_message_id IS NULL) OR (kind = 'reload' AND original_message_id IS NOT NULL));
-- an original load is reloaded at most once (on the reissued card)
CREATE UNIQUE INDEX "iss_loading_permissions_one_reload" ON "iss_loading_permissions" (original_message_id) WHERE kind = 'reload' AND status = 'confirmed';
CREATE UNIQUE INDEX "iss_card_applications_one_live" ON "iss_card_applications" (card_id, application_id) WHERE status = 'loaded';
ALTER TABLE "iss_fee_schedules" ADD CONSTRAINT "iss_fee_schedules_amount_check" CHECK (normal_load_fee_minor >= 0 AND reissue_reload_fee_minor >= 0 AND currency ~ '^[A-Z]{3}$');
CREATE UNIQUE INDEX "iss_fee_schedules_default_unique" ON "iss_fee_schedules" (provider_id, valid_from) WHERE application_id IS NULL;
ALTER TABLE "iss_provider_charges" ADD CONSTRAINT "iss_provider_charges_amount_check" CHECK (amount_minor >= 0 AND currency ~ '^[A-Z]{3}$');
ALTER TABLE "iss_charge_statements" ADD CONSTRAINT "iss_charge_statements_totals_check" CHECK (
  normal_total_minor >= 0 AND reissue_total_minor >= 0 AND total_minor = normal_total_minor + reissue_total_minor);
ALTER TABLE "iss_charge_statements" ADD CONSTRAINT "iss_charge_statements_period_check" CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$');

-- the audit log is append-only
CREATE FUNCTION "iss_audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'iss_audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "iss_audit_log_no_update" BEFORE UPDATE OR DELETE ON "iss_audit_log" FOR EACH ROW EXECUTE FUNCTION "iss_audit_log_append_only"();
CREATE TRIGGER "iss_audit_log_no_truncate" BEFORE TRUNCATE ON "iss_audit_log" FOR EACH STATEMENT EXECUTE FUNCTION "iss_audit_log_append_only"();

-- service providers
ALTER TABLE "sp_credit_policies" ADD CONSTRAINT "sp_credit_policies_values_check" CHECK (
  min_annual_income_minor >= 0 AND limit_percent_of_income BETWEEN 0 AND 100 AND max_limit_minor >= 0);
ALTER TABLE "sp_credit_investigations" ADD CONSTRAINT "sp_credit_investigations_amount_check" CHECK (
  declared_income_minor >= 0 AND existing_limits_minor >= 0 AND limit_minor >= 0 AND (outcome = 'approved' OR limit_minor = 0));
ALTER TABLE "sp_load_records" ADD CONSTRAINT "sp_load_records_platform_check" CHECK (platform_type IN (100, 200));
-- a platform-200 card never reveals its card id to a provider: the provider cannot have stored one
ALTER TABLE "sp_load_records" ADD CONSTRAINT "sp_load_records_card_id_check" CHECK (
  (platform_type = 100 AND card_id ~ '^[0-9A-F]{16}$') OR (platform_type = 200 AND card_id IS NULL));
ALTER TABLE "sp_load_records" ADD CONSTRAINT "sp_load_records_kind_check" CHECK (
  (kind = 'first_load' AND previous_load_id IS NULL) OR (kind = 'reload' AND previous_load_id IS NOT NULL));
ALTER TABLE "sp_load_records" ADD CONSTRAINT "sp_load_records_loaded_check" CHECK (status <> 'loaded' OR loaded_at IS NOT NULL);
-- a load on an old card is reloaded at most once: a second desk, or a second click, is refused by the database
CREATE UNIQUE INDEX "sp_load_records_one_reload" ON "sp_load_records" (provider_company_id, previous_load_id) WHERE status <> 'failed';
ALTER TABLE "sp_reissue_notices" ADD CONSTRAINT "sp_reissue_notices_platform_check" CHECK (
  platform_type = 100 AND old_card_id ~ '^[0-9A-F]{16}$' AND reissued_card_id ~ '^[0-9A-F]{16}$' AND old_card_id <> reissued_card_id);
ALTER TABLE "sp_card_inquiries" ADD CONSTRAINT "sp_card_inquiries_platform_check" CHECK (platform_type = 200);
ALTER TABLE "sp_card_inquiries" ADD CONSTRAINT "sp_card_inquiries_answer_check" CHECK (
  reissue_ok IS NULL OR (reissue_ok AND original_message_id IS NOT NULL AND ng_reason IS NULL) OR (NOT reissue_ok AND original_message_id IS NULL AND ng_reason IS NOT NULL));
ALTER TABLE "sp_fee_schedules" ADD CONSTRAINT "sp_fee_schedules_amount_check" CHECK (normal_fee_minor >= 0 AND reissue_fee_minor >= 0 AND currency ~ '^[A-Z]{3}$');
ALTER TABLE "sp_user_charges" ADD CONSTRAINT "sp_user_charges_amount_check" CHECK (amount_minor >= 0 AND currency ~ '^[A-Z]{3}$');
ALTER TABLE "sp_reload_cases" ADD CONSTRAINT "sp_reload_cases_refusal_check" CHECK (outcome <> 'refused' OR (refusal_code IS NOT NULL AND refusal_reason IS NOT NULL));

-- exchange
ALTER TABLE "xc_message_sequences" ADD CONSTRAINT "xc_message_sequences_check" CHECK (direction IN ('I', 'P') AND last_value BETWEEN 0 AND 9999999999);
ALTER TABLE "xc_outbox" ADD CONSTRAINT "xc_outbox_attempts_check" CHECK (attempts >= 0);
ALTER TABLE "xc_outbox" ADD CONSTRAINT "xc_outbox_platform_check" CHECK (platform_type IN (100, 200, 999));
ALTER TABLE "xc_inbox" ADD CONSTRAINT "xc_inbox_platform_check" CHECK (platform_type IN (100, 200, 999));
ALTER TABLE "xc_inbox" ADD CONSTRAINT "xc_inbox_refusal_check" CHECK (status <> 'refused' OR refusal_code IS NOT NULL);

-- wallet
ALTER TABLE "wallet_cards" ADD CONSTRAINT "wallet_cards_version_check" CHECK (version >= 1);
ALTER TABLE "wallet_presentations" ADD CONSTRAINT "wallet_presentations_expiry_check" CHECK (expires_at > created_at);
