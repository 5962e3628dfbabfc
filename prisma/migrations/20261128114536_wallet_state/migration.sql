-- CreateEnum
CREATE TYPE "WalletCardState" AS ENUM ('in_hand', 'gone', 'surrendered');

-- AlterTable
ALTER TABLE "wallet_cards" ADD COLUMN     "state" "WalletCardState" NOT NULL DEFAULT 'in_hand';

