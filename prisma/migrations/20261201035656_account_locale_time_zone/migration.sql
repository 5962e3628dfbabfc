-- AlterTable
ALTER TABLE "auth_users" ADD COLUMN     "locale" "Locale",
ADD COLUMN     "time_zone" TEXT;
