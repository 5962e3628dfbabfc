-- CreateEnum
CREATE TYPE "RenewalRunStatus" AS ENUM ('running', 'paused', 'finished');

-- CreateEnum
CREATE TYPE "RenewalItemStatus" AS ENUM ('pending', 'renewed', 'failed');

-- AlterEnum
ALTER TYPE "CardStatus" ADD VALUE 'issued';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ReissueReason" ADD VALUE 'renewal';
ALTER TYPE "ReissueReason" ADD VALUE 'permanent';

-- AlterTable
ALTER TABLE "iss_cards" ADD COLUMN     "activated_at" TIMESTAMPTZ(3),
ADD COLUMN     "temporary" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "iss_renewal_runs" (
    "id" UUID NOT NULL,
    "run_no" SERIAL NOT NULL,
    "month" TEXT NOT NULL,
    "status" "RenewalRunStatus" NOT NULL,
    "total" INTEGER NOT NULL,
    "created_by_user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "paused_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "iss_renewal_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_renewal_items" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "old_card_id" UUID NOT NULL,
    "status" "RenewalItemStatus" NOT NULL,
    "request_id" UUID,
    "new_card_id" UUID,
    "failure_code" TEXT,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "iss_renewal_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_bureau_downloads" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "user_label" TEXT NOT NULL,
    "lines" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "iss_bureau_downloads_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "iss_renewal_runs_run_no_key" ON "iss_renewal_runs"("run_no");

-- CreateIndex
CREATE UNIQUE INDEX "iss_renewal_items_request_id_key" ON "iss_renewal_items"("request_id");

-- CreateIndex
CREATE UNIQUE INDEX "iss_renewal_items_new_card_id_key" ON "iss_renewal_items"("new_card_id");

-- CreateIndex
CREATE INDEX "iss_renewal_items_run_id_status_idx" ON "iss_renewal_items"("run_id", "status");

-- CreateIndex
CREATE INDEX "iss_renewal_items_run_id_processed_at_idx" ON "iss_renewal_items"("run_id", "processed_at");

-- CreateIndex
CREATE UNIQUE INDEX "iss_renewal_items_run_id_old_card_id_key" ON "iss_renewal_items"("run_id", "old_card_id");

-- CreateIndex
CREATE INDEX "iss_bureau_downloads_run_id_at_idx" ON "iss_bureau_downloads"("run_id", "at");

-- CreateIndex
CREATE INDEX "iss_cards_expires_at_idx" ON "iss_cards"("expires_at");

-- AddForeignKey
ALTER TABLE "iss_renewal_items" ADD CONSTRAINT "iss_renewal_items_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "iss_renewal_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_renewal_items" ADD CONSTRAINT "iss_renewal_items_old_card_id_fkey" FOREIGN KEY ("old_card_id") REFERENCES "iss_cards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_renewal_items" ADD CONSTRAINT "iss_renewal_items_new_card_id_fkey" FOREIGN KEY ("new_card_id") REFERENCES "iss_cards"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_bureau_downloads" ADD CONSTRAINT "iss_bureau_downloads_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "iss_renewal_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written: a card is in at most one live (not failed) renewal item across all runs, so no card
-- is ever renewed twice even when two runs are started at the same moment.
CREATE UNIQUE INDEX "iss_renewal_items_one_live_per_card" ON "iss_renewal_items"("old_card_id") WHERE status <> 'failed';
