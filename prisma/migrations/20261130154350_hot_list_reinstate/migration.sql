-- CreateEnum
CREATE TYPE "SpHotListStatus" AS ENUM ('blocked', 'unblocked');

-- AlterEnum
ALTER TYPE "ReissueRequestStatus" ADD VALUE 'withdrawn';

-- AlterTable
ALTER TABLE "iss_policy" ADD COLUMN     "reinstate_window_days" INTEGER NOT NULL DEFAULT 30;

-- AlterTable
ALTER TABLE "iss_reissue_requests" ADD COLUMN     "withdrawal_reason" TEXT,
ADD COLUMN     "withdrawn_at" TIMESTAMPTZ(3),
ADD COLUMN     "withdrawn_by_user_id" UUID;

-- CreateTable
CREATE TABLE "iss_card_blocks" (
    "id" UUID NOT NULL,
    "card_id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "platform_type" INTEGER NOT NULL,
    "load_message_ids" TEXT[],
    "reason" TEXT NOT NULL,
    "block_message_id" TEXT NOT NULL,
    "blocked_at" TIMESTAMPTZ(3) NOT NULL,
    "unblock_message_id" TEXT,
    "unblocked_at" TIMESTAMPTZ(3),

    CONSTRAINT "iss_card_blocks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sp_hot_list" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "block_message_id" TEXT NOT NULL,
    "platform_type" INTEGER NOT NULL,
    "card_id" TEXT,
    "load_message_ids" TEXT[],
    "reason" TEXT NOT NULL,
    "status" "SpHotListStatus" NOT NULL,
    "blocked_at" TIMESTAMPTZ(3) NOT NULL,
    "unblocked_at" TIMESTAMPTZ(3),
    "unblock_message_id" TEXT,
    "change_seq" BIGINT NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sp_hot_list_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sp_terminal_tokens" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "sp_terminal_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "iss_card_blocks_block_message_id_key" ON "iss_card_blocks"("block_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_card_blocks_unblock_message_id_key" ON "iss_card_blocks"("unblock_message_id");

-- CreateIndex
CREATE INDEX "iss_card_blocks_card_id_idx" ON "iss_card_blocks"("card_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_card_blocks_request_id_provider_id_key" ON "iss_card_blocks"("request_id", "provider_id");

-- CreateIndex
CREATE INDEX "sp_hot_list_provider_company_id_card_id_idx" ON "sp_hot_list"("provider_company_id", "card_id");

-- CreateIndex
CREATE UNIQUE INDEX "sp_hot_list_provider_company_id_block_message_id_key" ON "sp_hot_list"("provider_company_id", "block_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "sp_hot_list_provider_company_id_change_seq_key" ON "sp_hot_list"("provider_company_id", "change_seq");

-- CreateIndex
CREATE UNIQUE INDEX "sp_terminal_tokens_token_hash_key" ON "sp_terminal_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "sp_terminal_tokens_provider_company_id_idx" ON "sp_terminal_tokens"("provider_company_id");

-- AddForeignKey
ALTER TABLE "iss_card_blocks" ADD CONSTRAINT "iss_card_blocks_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "iss_cards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_card_blocks" ADD CONSTRAINT "iss_card_blocks_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "iss_reissue_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_card_blocks" ADD CONSTRAINT "iss_card_blocks_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "iss_service_providers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written (manual.sql): a withdrawn report (reinstate) records when and why, and never has a
-- reissued card. The new enum value is compared as text: PostgreSQL refuses a new enum value as a
-- literal in the transaction that added it.
ALTER TABLE "iss_reissue_requests" DROP CONSTRAINT "iss_reissue_requests_decision_check";
ALTER TABLE "iss_reissue_requests" ADD CONSTRAINT "iss_reissue_requests_decision_check" CHECK (
  (status::text = 'pending' AND decided_at IS NULL AND reissued_card_id IS NULL) OR
  (status::text = 'approved' AND decided_at IS NOT NULL AND reissued_card_id IS NOT NULL) OR
  (status::text = 'rejected' AND decided_at IS NOT NULL AND rejection_reason IS NOT NULL AND reissued_card_id IS NULL) OR
  (status::text = 'withdrawn' AND withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL AND reissued_card_id IS NULL));
-- The hot list names a card the way its platform allows.
ALTER TABLE "iss_card_blocks" ADD CONSTRAINT "iss_card_blocks_reference_check" CHECK (
  (platform_type = 100 AND cardinality(load_message_ids) = 0) OR (platform_type = 200 AND cardinality(load_message_ids) > 0));
ALTER TABLE "sp_hot_list" ADD CONSTRAINT "sp_hot_list_reference_check" CHECK (
  (platform_type = 100 AND card_id IS NOT NULL AND cardinality(load_message_ids) = 0) OR
  (platform_type = 200 AND card_id IS NULL AND cardinality(load_message_ids) > 0));
