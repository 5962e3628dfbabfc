
-- Hand-written (manual.sql): a withdrawn report (reinstate) records when and why, and never has a
-- reissued card. The new enum value is compared as text: PostgreSQL refuses a new enum value as a
-- literal in the transaction that added it.
ALTER TABLE "iss_reissue_requests" DROP CONSTRAINT "iss_reissue_requests_decision_check";
ALTER TABLE "iss_reissue_requests" ADD CONSTRAINT "iss_reissue_requests_decision_check" CHECK (
  (status::text = 'pending' AND decided_at IS NULL AND reissued_card_id IS NULL) OR
  (status::text = 'approved' AND decided_at IS NOT NULL AND reissued_card_id IS NOT NULL) OR
  (status::text = 'rejected' AND decided_at IS NOT NULL AND rejection_reason IS NOT NULL AND reissued_card_id IS NULL) OR
  (status::text = 'withdrawn' AND withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL AND reissued_card_id IS NULL));
-- The hot list names a card the way its platform allows.
ALTER TABLE "iss_card_blocks" ADD CONSTRAINT "iss_card_blocks_reference_check" CHECK (
  (platform_type = 100 AND cardinality(load_message_ids) = 0) OR (platform_type = 200 AND cardinality(load_message_ids) > 0));
ALTER TABLE "sp_hot_list" ADD CONSTRAINT "sp_hot_list_reference_check" CHECK (
  (platform_type = 100 AND card_id IS NOT NULL AND cardinality(load_message_ids) = 0) OR
  (platform_type = 200 AND card_id IS NULL AND cardinality(load_message_ids) > 0));
