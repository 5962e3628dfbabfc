-- AlterTable
ALTER TABLE "xc_outbox" ADD COLUMN     "delivery_error" JSONB;


-- Store codes, render words (docs/messages.md "Outcomes"): refusals and delivery errors are kept as codes
-- with parameters (version 2, lib/core/messages/outcome.ts). Rows written before are mapped where they
-- can be: an inbox refusal kept its code (refusal_code) and field (result.refusal.field), so its result
-- becomes the version-2 refusal and its sentence (refusal_reason) is cleared; a sent message its receiver
-- refused kept the code in its receipt, so the receipt and the delivery error become version 2 and
-- last_error is cleared; a transport error "<peer>: HTTP <status>" becomes transport.http-status.
-- Processed results and receipts of before (a handler's sentence) stay as they are: read as legacy.
UPDATE "xc_inbox"
   SET "result" = jsonb_build_object('v', 2, 'status', 'refused', 'enqueued', '[]'::jsonb, 'refusal',
                    jsonb_strip_nulls(jsonb_build_object('code', "refusal_code", 'field', left("result" #>> '{refusal,field}', 200)))),
       "refusal_reason" = NULL
 WHERE "status" = 'refused' AND "refusal_code" IS NOT NULL AND ("result" -> 'v') IS NULL;

UPDATE "xc_outbox"
   SET "delivery_error" = CASE WHEN "last_error" IS NOT NULL OR "status" = 'dead'
                               THEN jsonb_build_object('v', 2, 'code', 'receiver.refused', 'params',
                                      jsonb_build_object('refusal', jsonb_build_object('code', "receipt" ->> 'code'))) END,
       "receipt" = jsonb_build_object('v', 2, 'status', 'refused', 'refusal', jsonb_build_object('code', "receipt" ->> 'code')),
       "last_error" = NULL
 WHERE "receipt" ->> 'status' = 'refused' AND "receipt" ->> 'code' IS NOT NULL AND ("receipt" -> 'v') IS NULL;

UPDATE "xc_outbox"
   SET "delivery_error" = jsonb_build_object('v', 2, 'code', 'transport.http-status', 'params',
                            jsonb_build_object('status', (substring("last_error" from ': HTTP ([0-9]{3})$'))::int)),
       "last_error" = NULL
 WHERE "last_error" ~ ': HTTP [0-9]{3}$';
