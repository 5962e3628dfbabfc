import "server-only";
import type { RoleBatchHandlers, RoleHandlers } from "../../exchange/types";
import { storeChargeStatement } from "./charges";
import type { ProviderTx } from "./db";
import { storeDeliveryMode } from "./delivery-mode";
import { applyCardBlocked, applyCardUnblocked } from "./hot-list";
import { storePermissionGrant, storePermissionRefusal } from "./permissions";
import {
  storeCardInformationReplies,
  storeCardInformationReply,
  storeReissuanceInformationReply,
  storeReissuePairBatch,
  storeReissuePairs,
  storeReissuePairsOfMessages,
} from "./reissuance";

/**
 * What a provider does with each message it may receive (DB 110). Each runs inside the inbox
 * transaction, seen as the provider's (ProviderTx: no issuer table). Registered with the exchange at
 * start (lib/server/wiring.ts).
 */
export const PROVIDER_HANDLERS: RoleHandlers<ProviderTx> = {
  // Fig. 6, steps 601/602: store the Fig. 12 pairs as Fig. 13 data.
  "reissuance-notification": (message, ctx) =>
    storeReissuePairs(ctx.tx, ctx.receiverCompanyId, message.pairs, { messageId: message.header.messageId, via: "push", now: ctx.now }),
  // Issue 16: many reissues' pairs in one message (bulk approvals, renewal runs), each pair on its own.
  "reissuance-notification-batch": (message, ctx) => storeReissuePairBatch(ctx.tx, ctx.receiverCompanyId, message, ctx.now),
  // Fig. 19, step 409: the pairs pulled at reload time (or why there are none).
  "reissuance-information-reply": (message, ctx) => storeReissuanceInformationReply(ctx.tx, ctx.receiverCompanyId, message, ctx.now),
  // Fig. 15 / Fig. 16, steps 1004/1005 received at 1105: reissue OK/NG and the original message id.
  "card-information-reply": (message, ctx) => storeCardInformationReply(ctx.tx, ctx.receiverCompanyId, message, ctx.now),
  // Step 807: the permission (its message id is the grant's own) or the refusal with its reason.
  "loading-permission-grant": (message, ctx) => storePermissionGrant(ctx.tx, ctx.receiverCompanyId, message, ctx.now),
  "loading-permission-refusal": (message, ctx) => storePermissionRefusal(ctx.tx, ctx.receiverCompanyId, message, ctx.now),
  "reload-permission-grant": (message, ctx) => storePermissionGrant(ctx.tx, ctx.receiverCompanyId, message, ctx.now),
  "reload-permission-refusal": (message, ctx) => storePermissionRefusal(ctx.tx, ctx.receiverCompanyId, message, ctx.now),
  // Claim 13: the issuer's monthly statement, normal loads and reissue reloads apart.
  "charge-statement": (message, ctx) => storeChargeStatement(ctx.tx, ctx.receiverCompanyId, message, ctx.now),
  // The hot list: a reported card is refused at our desks and terminals until the report is withdrawn.
  "card-blocked": (message, ctx) => applyCardBlocked(ctx.tx, ctx.receiverCompanyId, message, ctx.now),
  "card-unblocked": (message, ctx) => applyCardUnblocked(ctx.tx, ctx.receiverCompanyId, message, ctx.now),
  // Issue 15: how the issuer delivers reissuance information to us (push or pull), and since when.
  "reissue-delivery-mode": (message, ctx) => storeDeliveryMode(ctx.tx, ctx.receiverCompanyId, message, ctx.now),
};

/**
 * Runs of messages handled at once when a batch is delivered (issue 16): a backlog of notifications
 * costs one insert per batch instead of one per message.
 */
export const PROVIDER_BATCH_HANDLERS: RoleBatchHandlers<ProviderTx> = {
  "reissuance-notification": (messages, ctx) =>
    storeReissuePairsOfMessages(
      ctx.tx,
      ctx.receiverCompanyId,
      messages.map((m) => ({ messageId: m.header.messageId, pairs: m.pairs })),
      { via: "push", now: ctx.now },
    ),
  // A backlog of inquiries answered in batches: their answers stored with one read and one write.
  "card-information-reply": (messages, ctx) => storeCardInformationReplies(ctx.tx, ctx.receiverCompanyId, messages, ctx.now),
};
