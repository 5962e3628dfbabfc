-- AlterTable
ALTER TABLE "iss_loading_permissions" ADD COLUMN     "user_charge_currency" CHAR(3),
ADD COLUMN     "user_charge_kind" "ChargeKind",
ADD COLUMN     "user_charge_minor" INTEGER;

-- AlterTable
ALTER TABLE "sp_fee_schedules" ADD COLUMN     "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "created_by_user_id" UUID;


-- A user charge is recorded whole or not at all, and never negative; so are the fees scheduled.
ALTER TABLE "iss_loading_permissions" ADD CONSTRAINT "iss_loading_permissions_user_charge_check" CHECK ((user_charge_kind IS NULL AND user_charge_minor IS NULL AND user_charge_currency IS NULL) OR (user_charge_kind IS NOT NULL AND user_charge_minor >= 0 AND user_charge_currency IS NOT NULL));
ALTER TABLE "sp_fee_schedules" ADD CONSTRAINT "sp_fee_schedules_fees_check" CHECK (normal_fee_minor >= 0 AND reissue_fee_minor >= 0);
