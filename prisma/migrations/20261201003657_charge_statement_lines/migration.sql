-- Issue 16: a statement's lines counted through an index, not by grouping every charge.
-- CreateIndex
CREATE INDEX "iss_provider_charges_statement_id_idx" ON "iss_provider_charges"("statement_id");
