-- CreateEnum
CREATE TYPE "IssuerCardKeyState" AS ENUM ('current', 'retired');

-- AlterTable
ALTER TABLE "iss_cards" ADD COLUMN     "issuer_key_version" INTEGER NOT NULL DEFAULT 112;

-- AlterTable
ALTER TABLE "iss_loading_permissions" ADD COLUMN     "issuer_key_version" INTEGER;

-- AlterTable
ALTER TABLE "sp_permissions" ADD COLUMN     "issuer_key_updates" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "iss_card_keys" (
    "id" UUID NOT NULL,
    "issuer_company_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "state" "IssuerCardKeyState" NOT NULL,
    "signing_public_key_jwk" JSONB NOT NULL,
    "encryption_public_key_jwk" JSONB NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "wrapped_private_keys" BYTEA,
    "key_update" BYTEA,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "iss_card_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "iss_card_keys_issuer_company_id_version_key" ON "iss_card_keys"("issuer_company_id", "version");


-- Hand-written (manual.sql): issuer card key versions are the card's '70'..'7F'; one current version per issuer;
-- cards and permissions name versions in that range.
ALTER TABLE "iss_card_keys" ADD CONSTRAINT "iss_card_keys_version_check" CHECK (version BETWEEN 112 AND 127);
CREATE UNIQUE INDEX "iss_card_keys_one_current" ON "iss_card_keys"("issuer_company_id") WHERE state = 'current';
ALTER TABLE "iss_cards" ADD CONSTRAINT "iss_cards_issuer_key_version_check" CHECK (issuer_key_version BETWEEN 112 AND 127);
ALTER TABLE "iss_loading_permissions" ADD CONSTRAINT "iss_loading_permissions_issuer_key_version_check" CHECK (issuer_key_version IS NULL OR issuer_key_version BETWEEN 112 AND 127);
