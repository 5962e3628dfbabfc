-- CreateEnum
CREATE TYPE "Locale" AS ENUM ('en', 'ja');

-- CreateEnum
CREATE TYPE "NoticeEmailStatus" AS ENUM ('pending', 'sending', 'sent', 'inbox_only', 'failed');

-- AlterTable
ALTER TABLE "iss_cardholders" ADD COLUMN     "full_name_kana" TEXT,
ADD COLUMN     "locale" "Locale" NOT NULL DEFAULT 'en';

-- CreateTable
CREATE TABLE "iss_cardholder_notices" (
    "id" UUID NOT NULL,
    "cardholder_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),
    "email_status" "NoticeEmailStatus" NOT NULL DEFAULT 'pending',
    "email_lease_until" TIMESTAMPTZ(3),
    "email_attempts" INTEGER NOT NULL DEFAULT 0,
    "email_last_error" TEXT,
    "email_sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "iss_cardholder_notices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iss_cardholder_invitations" (
    "id" UUID NOT NULL,
    "cardholder_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "created_by_user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "iss_cardholder_invitations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "iss_cardholder_notices_idempotency_key_key" ON "iss_cardholder_notices"("idempotency_key");

-- CreateIndex
CREATE INDEX "iss_cardholder_notices_cardholder_id_created_at_idx" ON "iss_cardholder_notices"("cardholder_id", "created_at");

-- CreateIndex
CREATE INDEX "iss_cardholder_notices_email_status_created_at_idx" ON "iss_cardholder_notices"("email_status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "iss_cardholder_invitations_token_hash_key" ON "iss_cardholder_invitations"("token_hash");

-- CreateIndex
CREATE INDEX "iss_cardholder_invitations_cardholder_id_idx" ON "iss_cardholder_invitations"("cardholder_id");

-- AddForeignKey
ALTER TABLE "iss_cardholder_notices" ADD CONSTRAINT "iss_cardholder_notices_cardholder_id_fkey" FOREIGN KEY ("cardholder_id") REFERENCES "iss_cardholders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iss_cardholder_invitations" ADD CONSTRAINT "iss_cardholder_invitations_cardholder_id_fkey" FOREIGN KEY ("cardholder_id") REFERENCES "iss_cardholders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

