-- CreateTable
CREATE TABLE "sp_user_charge_month_totals" (
    "provider_company_id" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "kind" "ChargeKind" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "charges" INTEGER NOT NULL,
    "amount_minor" BIGINT NOT NULL,

    CONSTRAINT "sp_user_charge_month_totals_pkey" PRIMARY KEY ("provider_company_id","month","kind","currency")
);


-- Hand-written: the trigger that keeps the totals, and the totals of the charges already there. A
-- charge's month is its UTC month, as the page's months are (lib/core/months.ts), like the issuer's
-- iss_charge_month_totals (20261201001022_charge_month_totals).
CREATE FUNCTION sp_user_charge_month_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE sp_user_charge_month_totals
       SET charges = charges - 1, amount_minor = amount_minor - OLD.amount_minor
     WHERE provider_company_id = OLD.provider_company_id
       AND month = (date_trunc('month', OLD.charged_at AT TIME ZONE 'UTC'))::date
       AND kind = OLD.kind AND currency = OLD.currency;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO sp_user_charge_month_totals (provider_company_id, month, kind, currency, charges, amount_minor)
    VALUES (NEW.provider_company_id, (date_trunc('month', NEW.charged_at AT TIME ZONE 'UTC'))::date, NEW.kind, NEW.currency, 1, NEW.amount_minor)
    ON CONFLICT (provider_company_id, month, kind, currency)
    DO UPDATE SET charges = sp_user_charge_month_totals.charges + 1,
                  amount_minor = sp_user_charge_month_totals.amount_minor + EXCLUDED.amount_minor;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER sp_user_charges_month_totals
  AFTER INSERT OR DELETE OR UPDATE OF provider_company_id, kind, amount_minor, currency, charged_at ON sp_user_charges
  FOR EACH ROW EXECUTE FUNCTION sp_user_charge_month_totals_apply();

INSERT INTO sp_user_charge_month_totals (provider_company_id, month, kind, currency, charges, amount_minor)
SELECT provider_company_id, (date_trunc('month', charged_at AT TIME ZONE 'UTC'))::date, kind, currency, count(*), sum(amount_minor)
  FROM sp_user_charges
 GROUP BY 1, 2, 3, 4;
