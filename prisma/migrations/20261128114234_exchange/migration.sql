-- AlterTable
ALTER TABLE "xc_outbox" ADD COLUMN     "in_reply_to" TEXT,
ADD COLUMN     "receipt" JSONB;

-- AlterTable
ALTER TABLE "xc_inbox" ADD COLUMN     "fingerprint" TEXT NOT NULL,
ADD COLUMN     "in_reply_to" TEXT;

-- CreateTable
CREATE TABLE "xc_rejections" (
    "id" UUID NOT NULL,
    "owner_company_id" TEXT NOT NULL,
    "via" "InboxVia" NOT NULL,
    "claimed_sender" TEXT,
    "claimed_message_id" TEXT,
    "refusal_code" TEXT NOT NULL,
    "refusal_reason" TEXT NOT NULL,
    "excerpt" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "xc_rejections_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "xc_rejections_owner_company_id_received_at_idx" ON "xc_rejections"("owner_company_id", "received_at");


-- ───────────── hand-written: constraints Prisma cannot express ─────────────
ALTER TABLE "xc_inbox" ADD CONSTRAINT "xc_inbox_fingerprint_check" CHECK (fingerprint ~ '^[0-9A-F]{64}$');
