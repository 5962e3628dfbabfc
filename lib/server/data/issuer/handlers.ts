import "server-only";
import type { RoleBatchHandlers, RoleHandlers } from "../../exchange/types";
import { answerCardInformationInquiries, answerCardInformationInquiry } from "./card-inquiry";
import type { IssuerTx } from "./db";
import { decideLoadingPermission, decideReloadPermission, recordLoadConfirmation } from "./permissions";
import { answerReissuanceInformationRequest } from "./reissue-information";

/**
 * What the issuer does with each message it may receive (DB 104). Fig. 18 dispatch has already
 * run: 999 and platform mismatches never get here. Business refusals are answered with refusal or
 * NG messages; a throw means "try again" (the inbox transaction rolls back and the sender retries).
 * Registered with the exchange at start (lib/server/wiring.ts); they see the inbox transaction as the
 * issuer's (IssuerTx: no provider table).
 */
export const ISSUER_HANDLERS: RoleHandlers<IssuerTx> = {
  // The AP loading permission (flow 2): contract, registration, load file, card → grant or refusal.
  "loading-permission-request": (message, ctx) => decideLoadingPermission(message, ctx),
  // Proof of load: verify the card's receipt, record the application on the card, charge (claim 13).
  "load-confirmation": (message, ctx) => recordLoadConfirmation(message, ctx),
  // Fig. 19, step 409: the pull variant of the Fig. 12 notification.
  "reissuance-information-request": (message, ctx) => answerReissuanceInformationRequest(message, ctx),
  // Fig. 10, steps 1001–1005: decrypt, find the old card and this provider's original message id.
  "card-information-inquiry": (message, ctx) => answerCardInformationInquiry(message, ctx),
  // Flow 7: reload on the reissued card, proven by the reissue link; no new examination.
  "reload-permission-request": (message, ctx) => decideReloadPermission(message, ctx),
};

/**
 * Runs of messages answered at once when a batch is delivered (issue 16): the inquiries of many desks
 * cost one read of every fact and one write of each kind per batch, not a dozen statements each.
 */
export const ISSUER_BATCH_HANDLERS: RoleBatchHandlers<IssuerTx> = {
  "card-information-inquiry": (messages, ctx) => answerCardInformationInquiries(messages, ctx),
};
