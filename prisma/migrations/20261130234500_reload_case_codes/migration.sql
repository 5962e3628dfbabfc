-- Issue 11, the reload case as a pure machine: a refused case stores its refusal as a code and the
-- patent step (the words are rendered from the code, lib/core/workflows/reload-words.ts), no longer as an
-- English sentence. refusal_reason stays for the cases stored before (version-1 documents) and is not
-- written any more.
ALTER TABLE "sp_reload_cases" DROP CONSTRAINT "sp_reload_cases_refusal_check";
ALTER TABLE "sp_reload_cases" ADD CONSTRAINT "sp_reload_cases_refusal_check" CHECK (outcome <> 'refused' OR (refusal_code IS NOT NULL AND refusal_step IS NOT NULL));
