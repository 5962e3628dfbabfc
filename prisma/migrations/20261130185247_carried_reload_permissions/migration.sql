-- Issue 12, fewer round trips: a reload permission the issuer handed over inside its answer (pushed
-- notification, pull answer, Fig. 15 "reissue OK") is taken by the desk without a request of its own;
-- its row names the permission itself (an issuer id) as its request. Every other row keeps a provider id.
ALTER TABLE "sp_permissions" DROP CONSTRAINT "sp_permissions_message_id_check";
ALTER TABLE "sp_permissions" ADD CONSTRAINT "sp_permissions_message_id_check" CHECK (
  (request_message_id ~ '^[A-Z0-9]{4,12}-[A-Z0-9]{4,12}-P[0-9]{10}$'
   OR (kind = 'reload' AND request_message_id = reply_message_id))
  AND (reply_message_id IS NULL OR reply_message_id ~ '^[A-Z0-9]{4,12}-[A-Z0-9]{4,12}-I[0-9]{10}$'));
