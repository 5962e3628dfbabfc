-- AlterTable
ALTER TABLE "iss_service_providers" ADD COLUMN     "reissue_info_delivery_since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "sp_delivery_modes" (
    "provider_company_id" TEXT NOT NULL,
    "delivery" TEXT NOT NULL,
    "effective_at" TIMESTAMPTZ(3) NOT NULL,
    "message_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sp_delivery_modes_pkey" PRIMARY KEY ("provider_company_id")
);


-- Hand-written: a delivery mode is push or pull.
ALTER TABLE "sp_delivery_modes" ADD CONSTRAINT "sp_delivery_modes_delivery_check" CHECK ("delivery" IN ('push', 'pull'));
