/**
 * One worked example of every message type, between the demo issuer RECARD01 and the demo providers
 * (demo-keys.ts). The tests round-trip them and docs/messages.md shows them verbatim (a test checks
 * the docs still match), so they double as the reference examples.
 *
 * METRO01 runs platform-100 cards (method 1), SAKURA01 platform-200 cards (method 2), HOSHI01 is
 * refused. Payload bytes (attribute data, tokens, receipts) are made-up opaque values.
 */
import type { MessageType } from "./message-types";
import type { MessageOf } from "./schemas";

const METRO_AID = "F04D4554524F01";
const SAKURA_AID = "F053414B55524101";
const HOSHI_AID = "F0484F53484901";
const METRO_LOAD_FILE = "84A1B61AABC37078524DD7CE0B3FF16655C8FC5B4525833529833385E36EBE56";
const SAKURA_LOAD_FILE = "FB20A5C5BE46D4A123A72CCCCCAF0573178E2FFBB5E50583F9748F9464FD6FE7";

/** Example messages, one per type, used by the tests and docs/messages.md. */
export const EXAMPLE_MESSAGES: { readonly [T in MessageType]: MessageOf<T> } = {
  "loading-permission-request": {
    header: {
      type: "loading-permission-request",
      version: 1,
      senderCompanyId: "METRO01",
      receiverCompanyId: "RECARD01",
      messageId: "RECARD01-METRO01-P0000000001",
      timestamp: "2025-04-01T09:30:00.000Z",
    },
    platformType: 100,
    kind: "first-load",
    applicationId: METRO_AID,
    cardId: "8000000000000101",
    surfaceNumberLast4: "0101",
    loadFileHash: METRO_LOAD_FILE,
  },
  "loading-permission-grant": {
    header: {
      type: "loading-permission-grant",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "METRO01",
      messageId: "RECARD01-METRO01-I0000000001",
      timestamp: "2025-04-01T09:30:02.000Z",
      inReplyTo: "RECARD01-METRO01-P0000000001",
    },
    platformType: 100,
    kind: "first-load",
    applicationId: METRO_AID,
    loadFileHash: METRO_LOAD_FILE,
    permissionToken: "xRtmZ68gb7VCm6aeJkG8iyQ80vAqtlSZU5G7b6YuTDrWKNhaARfeafh0GtjhVYggWMEqmX0lT_K2XDb_2_IOwqMgD05Rvibu",
    expiresAt: "2025-04-01T10:30:02.000Z",
  },
  "loading-permission-refusal": {
    header: {
      type: "loading-permission-refusal",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "HOSHI01",
      messageId: "RECARD01-HOSHI01-I0000000003",
      timestamp: "2025-04-02T11:00:01.000Z",
      inReplyTo: "RECARD01-HOSHI01-P0000000005",
    },
    platformType: 200,
    kind: "first-load",
    applicationId: HOSHI_AID,
    reason: "application-not-approved",
    text: "Application F0484F53484901 is registered but its security review is still open.",
  },
  "load-confirmation": {
    header: {
      type: "load-confirmation",
      version: 1,
      senderCompanyId: "METRO01",
      receiverCompanyId: "RECARD01",
      messageId: "RECARD01-METRO01-P0000000002",
      timestamp: "2025-04-01T09:31:15.000Z",
    },
    platformType: 100,
    permissionMessageId: "RECARD01-METRO01-I0000000001",
    applicationId: METRO_AID,
    outcome: { status: "loaded", receipt: "SKFyKegQvzd8P5hL2LodoF9iH7EKassd6B1J0R0ur0_egh6w_rY8Dw" },
    userCharge: { kind: "normal-load", amountMinor: 500, currency: "JPY" },
  },
  "reissuance-notification": {
    header: {
      type: "reissuance-notification",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "METRO01",
      messageId: "RECARD01-METRO01-I0000000007",
      timestamp: "2025-06-10T08:00:00.000Z",
    },
    platformType: 100,
    pairs: [
      { oldCardId: "8000000000000101", reissuedCardId: "8000000000000202", reissuedAt: "2025-06-09T15:12:40.000Z" },
      { oldCardId: "8000000000000117", reissuedCardId: "8000000000000203", reissuedAt: "2025-06-09T16:03:05.000Z" },
    ],
  },
  "reissuance-notification-batch": {
    header: {
      type: "reissuance-notification-batch",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "METRO01",
      messageId: "RECARD01-METRO01-I0000000008",
      timestamp: "2025-06-10T08:05:00.000Z",
    },
    platformType: 100,
    pairs: [
      { oldCardId: "8000000000000131", reissuedCardId: "8000000000000204", reissuedAt: "2025-06-10T08:04:58.000Z" },
      { oldCardId: "8000000000000140", reissuedCardId: "8000000000000205", reissuedAt: "2025-06-10T08:04:58.000Z" },
      { oldCardId: "8000000000000205", reissuedCardId: "8000000000000206", reissuedAt: "2025-06-10T08:04:59.000Z" },
    ],
  },
  "reissuance-information-request": {
    header: {
      type: "reissuance-information-request",
      version: 1,
      senderCompanyId: "METRO01",
      receiverCompanyId: "RECARD01",
      messageId: "RECARD01-METRO01-P0000000010",
      timestamp: "2025-06-12T10:00:00.000Z",
    },
    platformType: 100,
    reissuedCardId: "8000000000000202",
  },
  "reissuance-information-reply": {
    header: {
      type: "reissuance-information-reply",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "METRO01",
      messageId: "RECARD01-METRO01-I0000000012",
      timestamp: "2025-06-12T10:00:01.000Z",
      inReplyTo: "RECARD01-METRO01-P0000000010",
    },
    platformType: 100,
    result: {
      status: "found",
      pairs: [{ oldCardId: "8000000000000101", reissuedCardId: "8000000000000202", reissuedAt: "2025-06-09T15:12:40.000Z" }],
    },
  },
  "card-information-inquiry": {
    header: {
      type: "card-information-inquiry",
      version: 1,
      senderCompanyId: "SAKURA01",
      receiverCompanyId: "RECARD01",
      messageId: "RECARD01-SAKURA01-P0000000003",
      timestamp: "2025-06-12T13:45:00.000Z",
    },
    platformType: 200,
    cardAttributeData: "g1ng3UB23QZKkIf6TahGpY9FjBq_V15um-frs7ELxfRu1jTRanM_b2tydxOcXUjh",
    applicationId: SAKURA_AID,
    surfaceNumberLast4: "4821",
  },
  "card-information-reply": {
    header: {
      type: "card-information-reply",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "SAKURA01",
      messageId: "RECARD01-SAKURA01-I0000000004",
      timestamp: "2025-06-12T13:45:01.000Z",
      inReplyTo: "RECARD01-SAKURA01-P0000000003",
    },
    platformType: 200,
    result: { reissue: "OK", originalMessageId: "RECARD01-SAKURA01-I0000000001" },
  },
  "reload-permission-request": {
    header: {
      type: "reload-permission-request",
      version: 1,
      senderCompanyId: "SAKURA01",
      receiverCompanyId: "RECARD01",
      messageId: "RECARD01-SAKURA01-P0000000004",
      timestamp: "2025-06-12T13:46:00.000Z",
    },
    platformType: 200,
    kind: "reload",
    applicationId: SAKURA_AID,
    originalMessageId: "RECARD01-SAKURA01-I0000000001",
    cardAttributeData: "QZaTWue_P57RXqvxCUzg1rpSdLiGWcNOcvReIrAli3BeHgKVl81Gw2g45bwXFsfO",
    loadFileHash: SAKURA_LOAD_FILE,
  },
  "reload-permission-grant": {
    header: {
      type: "reload-permission-grant",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "SAKURA01",
      messageId: "RECARD01-SAKURA01-I0000000005",
      timestamp: "2025-06-12T13:46:01.000Z",
      inReplyTo: "RECARD01-SAKURA01-P0000000004",
    },
    platformType: 200,
    kind: "reload",
    applicationId: SAKURA_AID,
    originalMessageId: "RECARD01-SAKURA01-I0000000001",
    loadFileHash: SAKURA_LOAD_FILE,
    permissionToken: "B95Bx6BH1H6Ci_gAScpV5v4tmGlQIX8L8xl0wLF7cXnBGyVSa39SYr-K2zGWKGR94HVAExQo8wphg0Ij9O1BpCXBRqiUWWfM",
    expiresAt: "2025-06-12T14:46:01.000Z",
  },
  "reload-permission-refusal": {
    header: {
      type: "reload-permission-refusal",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "HOSHI01",
      messageId: "RECARD01-HOSHI01-I0000000009",
      timestamp: "2025-06-13T09:20:01.000Z",
      inReplyTo: "RECARD01-HOSHI01-P0000000012",
    },
    platformType: 100,
    kind: "reload",
    applicationId: HOSHI_AID,
    originalMessageId: "RECARD01-HOSHI01-I0000000002",
    reason: "original-not-loaded",
    text: "The permission RECARD01-HOSHI01-I0000000002 was granted but the card never confirmed the load.",
  },
  "charge-statement": {
    header: {
      type: "charge-statement",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "METRO01",
      messageId: "RECARD01-METRO01-I0000000020",
      timestamp: "2025-07-01T00:05:00.000Z",
    },
    platformType: 100,
    period: "2025-06",
    currency: "JPY",
    lines: [
      {
        permissionMessageId: "RECARD01-METRO01-I0000000009",
        applicationId: METRO_AID,
        kind: "normal-load",
        amountMinor: 1500,
        chargedAt: "2025-06-03T12:00:00.000Z",
      },
      {
        permissionMessageId: "RECARD01-METRO01-I0000000013",
        applicationId: METRO_AID,
        kind: "reissue-reload",
        amountMinor: 500,
        chargedAt: "2025-06-12T10:05:00.000Z",
      },
    ],
    totals: { normalLoad: 1500, reissueReload: 500, grand: 2000 },
  },
  "card-blocked": {
    header: {
      type: "card-blocked",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "SAKURA01",
      messageId: "RECARD01-SAKURA01-I0000000021",
      timestamp: "2025-08-02T07:15:00.000Z",
    },
    platformType: 200,
    loadMessageIds: ["RECARD01-SAKURA01-I0000000001", "RECARD01-SAKURA01-I0000000006"],
    reason: "stolen",
    blockedAt: "2025-08-02T07:14:58.000Z",
  },
  "card-unblocked": {
    header: {
      type: "card-unblocked",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "METRO01",
      messageId: "RECARD01-METRO01-I0000000023",
      timestamp: "2025-08-03T09:00:00.000Z",
    },
    platformType: 100,
    cardId: "8000000000000101",
    reason: "lost",
    blockedAt: "2025-08-02T18:40:00.000Z",
    blockMessageId: "RECARD01-METRO01-I0000000022",
    unblockReason: "report-withdrawn",
    unblockedAt: "2025-08-03T08:59:59.000Z",
  },
  "reissue-delivery-mode": {
    header: {
      type: "reissue-delivery-mode",
      version: 1,
      senderCompanyId: "RECARD01",
      receiverCompanyId: "SAKURA01",
      messageId: "RECARD01-SAKURA01-I0000000024",
      timestamp: "2025-08-04T01:00:00.000Z",
    },
    platformType: 100,
    delivery: "pull",
    effectiveAt: "2025-08-04T00:59:58.000Z",
  },
};
