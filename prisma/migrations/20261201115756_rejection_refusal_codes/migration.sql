-- AlterTable
ALTER TABLE "xc_rejections" ADD COLUMN     "refusal_field" TEXT,
ALTER COLUMN "refusal_reason" DROP NOT NULL;

