-- A lost or stolen report remembers the status it found the card in (issued: lost in the post before its
-- activation), which withdrawing the report restores.
ALTER TABLE "iss_cards" ADD COLUMN "blocked_from" "CardStatus";
