-- Issue 16: the charges page reads totals per provider, month and kind, kept by a trigger, instead of
-- summing every charge on each visit.
-- CreateTable
CREATE TABLE "iss_charge_month_totals" (
    "provider_id" UUID NOT NULL,
    "month" DATE NOT NULL,
    "kind" "ChargeKind" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "charges" INTEGER NOT NULL,
    "amount_minor" BIGINT NOT NULL,

    CONSTRAINT "iss_charge_month_totals_pkey" PRIMARY KEY ("provider_id","month","kind","currency")
);

-- CreateIndex
CREATE INDEX "iss_charge_month_totals_month_idx" ON "iss_charge_month_totals"("month");

-- Hand-written: the trigger that keeps the totals, and the totals of the charges already there.
-- A charge's month is its UTC month, as the page's months are (lib/core/months.ts).
CREATE FUNCTION iss_charge_month_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE iss_charge_month_totals
       SET charges = charges - 1, amount_minor = amount_minor - OLD.amount_minor
     WHERE provider_id = OLD.provider_id AND month = (date_trunc('month', OLD.charged_at AT TIME ZONE 'UTC'))::date
       AND kind = OLD.kind AND currency = OLD.currency;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO iss_charge_month_totals (provider_id, month, kind, currency, charges, amount_minor)
    VALUES (NEW.provider_id, (date_trunc('month', NEW.charged_at AT TIME ZONE 'UTC'))::date, NEW.kind, NEW.currency, 1, NEW.amount_minor)
    ON CONFLICT (provider_id, month, kind, currency)
    DO UPDATE SET charges = iss_charge_month_totals.charges + 1, amount_minor = iss_charge_month_totals.amount_minor + EXCLUDED.amount_minor;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER iss_provider_charges_month_totals
  AFTER INSERT OR DELETE OR UPDATE OF provider_id, kind, amount_minor, currency, charged_at ON iss_provider_charges
  FOR EACH ROW EXECUTE FUNCTION iss_charge_month_totals_apply();

INSERT INTO iss_charge_month_totals (provider_id, month, kind, currency, charges, amount_minor)
SELECT provider_id, (date_trunc('month', charged_at AT TIME ZONE 'UTC'))::date, kind, currency, count(*), sum(amount_minor)
  FROM iss_provider_charges
 GROUP BY 1, 2, 3, 4;

-- Hand-written: the cardholder registry's search by part of an e-mail address (the name has its
-- trigram index since 20261130232922_list_indexes).
CREATE INDEX "iss_cardholders_email_trgm_idx" ON "iss_cardholders" USING gin ("email" gin_trgm_ops);
