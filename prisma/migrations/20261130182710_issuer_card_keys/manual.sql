-- Hand-written (manual.sql): issuer card key versions are the card's '70'..'7F'; one current version per issuer;
-- cards and permissions name versions in that range.
ALTER TABLE "iss_card_keys" ADD CONSTRAINT "iss_card_keys_version_check" CHECK (version BETWEEN 112 AND 127);
CREATE UNIQUE INDEX "iss_card_keys_one_current" ON "iss_card_keys"("issuer_company_id") WHERE state = 'current';
ALTER TABLE "iss_cards" ADD CONSTRAINT "iss_cards_issuer_key_version_check" CHECK (issuer_key_version BETWEEN 112 AND 127);
ALTER TABLE "iss_loading_permissions" ADD CONSTRAINT "iss_loading_permissions_issuer_key_version_check" CHECK (issuer_key_version IS NULL OR issuer_key_version BETWEEN 112 AND 127);
