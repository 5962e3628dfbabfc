-- AlterTable
ALTER TABLE "sp_reload_cases" ADD COLUMN     "lease_id" UUID;

-- CreateTable
CREATE TABLE "wallet_card_leases" (
    "id" UUID NOT NULL,
    "wallet_card_id" UUID NOT NULL,
    "presentation_id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "provider_name" TEXT NOT NULL,
    "desk_user_id" UUID NOT NULL,
    "desk_tab" TEXT NOT NULL,
    "acquired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" TEXT,
    "card_session" JSONB NOT NULL,
    "receipts" JSONB NOT NULL DEFAULT '{}',
    "apdu_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "wallet_card_leases_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "wallet_card_leases_wallet_card_id_idx" ON "wallet_card_leases"("wallet_card_id");

-- CreateIndex
CREATE INDEX "wallet_card_leases_provider_company_id_desk_user_id_idx" ON "wallet_card_leases"("provider_company_id", "desk_user_id");

-- AddForeignKey
ALTER TABLE "wallet_card_leases" ADD CONSTRAINT "wallet_card_leases_wallet_card_id_fkey" FOREIGN KEY ("wallet_card_id") REFERENCES "wallet_cards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- One live lease per card: a second desk is refused while a lease has not ended.
CREATE UNIQUE INDEX "wallet_card_leases_one_live" ON "wallet_card_leases"("wallet_card_id") WHERE "ended_at" IS NULL;
