-- CreateEnum
CREATE TYPE "ReissueInfoDelivery" AS ENUM ('push', 'pull');

-- DropIndex
DROP INDEX "iss_charge_statements_provider_id_period_currency_key";

-- AlterTable
ALTER TABLE "iss_service_providers" ADD COLUMN     "reissue_info_delivery" "ReissueInfoDelivery" NOT NULL DEFAULT 'push';

-- AlterTable
ALTER TABLE "iss_charge_statements" ADD COLUMN     "platform_type" INTEGER NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "iss_charge_statements_provider_id_period_currency_platform__key" ON "iss_charge_statements"("provider_id", "period", "currency", "platform_type");


-- ───────────── hand-written: constraints Prisma cannot express ─────────────
ALTER TABLE "iss_charge_statements" ADD CONSTRAINT "iss_charge_statements_platform_check" CHECK (platform_type IN (100, 200));
