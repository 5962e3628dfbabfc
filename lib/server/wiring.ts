import "server-only";
import { ISSUER_BATCH_HANDLERS, ISSUER_HANDLERS } from "./data/issuer/handlers";
import { processRenewalBatch, runningRenewalRunIds } from "./data/issuer/renewal";
import { PROVIDER_BATCH_HANDLERS, PROVIDER_HANDLERS } from "./data/provider/handlers";
import { deliverBatch, dueOutboxIds } from "./exchange/delivery";
import { receiveMessages } from "./exchange/inbox";
import { registerHandlers, registerLocalReceiver, registerQueueJobs } from "./exchange/registry";
import { dueNoticeIds, sendNotice } from "./notices/notices";

/**
 * The composition root (issue 11): the one module that knows both the exchange and the parties. The
 * exchange imports no party; at start each party registers its message handlers with it, and the
 * in-process receiver and the queue's jobs are registered here. Called by instrumentation.ts (the app
 * server), the scripts that send or work messages, and the integration tests' setup. Idempotent.
 */
export function wireParties(): void {
  registerHandlers("issuer", ISSUER_HANDLERS, ISSUER_BATCH_HANDLERS);
  registerHandlers("provider", PROVIDER_HANDLERS, PROVIDER_BATCH_HANDLERS);
  registerLocalReceiver((jwsList) => receiveMessages(jwsList, "online"));
  registerQueueJobs({
    deliverBatch: async (ids) => (await deliverBatch(ids)).map((d) => d.result),
    dueOutboxIds,
    sendNotice,
    dueNoticeIds,
    processRenewalBatch,
    runningRenewalRunIds,
  });
}
