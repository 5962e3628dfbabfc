-- CreateEnum
CREATE TYPE "SpValueEvent" AS ENUM ('load', 'desk_read', 'frozen', 'unfrozen', 'transfer_out', 'transfer_in', 'refused_after_block');

-- AlterTable
ALTER TABLE "iss_card_applications" ADD COLUMN     "carried_over_minor" INTEGER,
ADD COLUMN     "carried_over_unit" TEXT;

-- AlterTable
ALTER TABLE "sp_load_records" ADD COLUMN     "value_frozen_at" TIMESTAMPTZ(3),
ADD COLUMN     "value_minor" INTEGER,
ADD COLUMN     "value_unit" TEXT;

-- CreateTable
CREATE TABLE "sp_value_ledger" (
    "id" UUID NOT NULL,
    "provider_company_id" TEXT NOT NULL,
    "load_record_id" UUID NOT NULL,
    "event" "SpValueEvent" NOT NULL,
    "value_minor" INTEGER NOT NULL,
    "value_unit" TEXT NOT NULL,
    "counterpart_load_id" UUID,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sp_value_ledger_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sp_value_ledger_provider_company_id_load_record_id_at_idx" ON "sp_value_ledger"("provider_company_id", "load_record_id", "at");


-- Hand-written (manual.sql): values are never negative; a ledger row belongs to a load record of the same provider.
ALTER TABLE "sp_value_ledger" ADD CONSTRAINT "sp_value_ledger_value_check" CHECK (value_minor >= 0);
ALTER TABLE "sp_load_records" ADD CONSTRAINT "sp_load_records_value_check" CHECK (value_minor IS NULL OR (value_minor >= 0 AND value_unit IS NOT NULL));
ALTER TABLE "iss_card_applications" ADD CONSTRAINT "iss_card_applications_carried_over_check" CHECK (carried_over_minor IS NULL OR (carried_over_minor >= 0 AND carried_over_unit IS NOT NULL));
ALTER TABLE "sp_value_ledger" ADD CONSTRAINT "sp_value_ledger_load_fkey" FOREIGN KEY ("provider_company_id", "load_record_id") REFERENCES "sp_load_records"("provider_company_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
