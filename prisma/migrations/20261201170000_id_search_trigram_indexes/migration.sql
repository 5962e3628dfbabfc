-- Hand-written (Prisma cannot express it): the searches by part of a card id or message id, and the
-- provider's customer search by part of a name, are `LIKE '%…%'` / `ILIKE '%…%'`, which no B-tree index
-- serves. A trigram index serves them from three characters on (docs/performance.md "Searches by part
-- of an id"); a shorter query still scans, bounded by the page's keyset order.

-- The provider's reissuance pairs (old card, new card, the notification's message id).
CREATE INDEX "sp_reissue_notices_old_card_id_trgm_idx" ON "sp_reissue_notices" USING gin ("old_card_id" gin_trgm_ops);
CREATE INDEX "sp_reissue_notices_reissued_card_id_trgm_idx" ON "sp_reissue_notices" USING gin ("reissued_card_id" gin_trgm_ops);
CREATE INDEX "sp_reissue_notices_source_message_id_trgm_idx" ON "sp_reissue_notices" USING gin ("source_message_id" gin_trgm_ops);

-- The provider's card information inquiries (Fig. 15): the AID and the three message ids.
CREATE INDEX "sp_card_inquiries_application_aid_trgm_idx" ON "sp_card_inquiries" USING gin ("application_aid" gin_trgm_ops);
CREATE INDEX "sp_card_inquiries_request_message_id_trgm_idx" ON "sp_card_inquiries" USING gin ("request_message_id" gin_trgm_ops);
CREATE INDEX "sp_card_inquiries_original_message_id_trgm_idx" ON "sp_card_inquiries" USING gin ("original_message_id" gin_trgm_ops);
CREATE INDEX "sp_card_inquiries_reply_message_id_trgm_idx" ON "sp_card_inquiries" USING gin ("reply_message_id" gin_trgm_ops);

-- The issuer's loading permissions (the permission's, its request's and the original's message ids).
CREATE INDEX "iss_loading_permissions_message_id_trgm_idx" ON "iss_loading_permissions" USING gin ("message_id" gin_trgm_ops);
CREATE INDEX "iss_loading_permissions_request_message_id_trgm_idx" ON "iss_loading_permissions" USING gin ("request_message_id" gin_trgm_ops);
CREATE INDEX "iss_loading_permissions_original_message_id_trgm_idx" ON "iss_loading_permissions" USING gin ("original_message_id" gin_trgm_ops);

-- The provider's customers (and its load records, which search by the customer's name): the name and its
-- reading, as the issuer's cardholders have them.
CREATE INDEX "sp_customers_full_name_trgm_idx" ON "sp_customers" USING gin ("full_name" gin_trgm_ops);
CREATE INDEX "sp_customers_full_name_kana_trgm_idx" ON "sp_customers" USING gin ("full_name_kana" gin_trgm_ops);
