import "server-only";
import type { RoleHandlers } from "../types";
import { storeReissuePairs } from "@/lib/server/data/provider/reissuance";

/** What a provider does with each message it may receive (DB 110). */
export const PROVIDER_HANDLERS: RoleHandlers = {
  // Fig. 6, steps 601/602: store the Fig. 12 pairs as Fig. 13 data.
  "reissuance-notification": (message, ctx) =>
    storeReissuePairs(ctx.tx, ctx.receiverCompanyId, message.pairs, { messageId: message.header.messageId, via: "push", now: ctx.now }),
};
