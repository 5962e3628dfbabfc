-- AlterTable
ALTER TABLE "sp_customers" ADD COLUMN     "full_name_kana" TEXT;


-- Hand-written (Prisma cannot express it): the card list and the cardholder registry find a person by the
-- reading of the name too (issue 15: サトウ finds 佐藤 花), so the reading gets the name's trigram index.
CREATE INDEX "iss_cardholders_full_name_kana_trgm_idx" ON "iss_cardholders" USING gin ("full_name_kana" gin_trgm_ops);
