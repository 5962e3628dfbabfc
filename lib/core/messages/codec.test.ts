import { describe, expect, test } from "vitest";
import { fromUtf8 } from "../bytes";
import { canonicalize, decodeMessage, encodeMessage, parseMessage } from "./codec";
import { EXAMPLE_MESSAGES } from "./fixtures";
import { buildHeader } from "./header";
import { MESSAGE_TYPES, REPLY_TO, type MessageType } from "./message-types";
import type { RefusalCode } from "./refusal";
import { MAX_REISSUE_PAIRS, isUtcInstant, type Message } from "./schemas";
import { checkBatchPairs } from "./rules";

type Json = Record<string, unknown>;

/** A deep copy of the example as plain JSON, changed by `edit`. */
function variant<T extends MessageType>(type: T, edit: (m: Json & { header: Json }) => void): unknown {
  const copy = structuredClone(EXAMPLE_MESSAGES[type]) as unknown as Json & { header: Json };
  edit(copy);
  return copy;
}

/** A reload permission handed over inside an answer (issue 12), for the METRO01 or SAKURA01 pair. */
const carried = (provider: "METRO01" | "SAKURA01", seq: number, original: string): Json => ({
  messageId: `RECARD01-${provider}-I${String(seq).padStart(10, "0")}`,
  applicationId: "F0524300010001",
  originalMessageId: original,
  loadFileHash: "A".repeat(64),
  permissionToken: EXAMPLE_MESSAGES["reload-permission-grant"].permissionToken,
  expiresAt: "2025-07-10T08:00:00.000Z",
});

const at = (m: Json, path: string): Json => path.split(".").reduce((node, key) => node[key] as Json, m);

describe("round trips", () => {
  test.each(MESSAGE_TYPES)("%s: parse(JSON) gives the example back, exactly", (type) => {
    const example = EXAMPLE_MESSAGES[type];
    const parsed = parseMessage(JSON.parse(JSON.stringify(example)));
    expect(parsed).toStrictEqual({ ok: true, value: example });
  });

  test.each(MESSAGE_TYPES)("%s: decode(encode(x)) = x and its canonical bytes are x's", (type) => {
    const example = EXAMPLE_MESSAGES[type];
    const decoded = decodeMessage(canonicalize(example));
    expect(decoded.ok && decoded.value).toStrictEqual(example);
    expect(decoded.ok && canonicalize(decoded.value)).toStrictEqual(canonicalize(example));
  });

  test("canonical text: sorted keys, no whitespace (RFC 8785)", () => {
    expect(encodeMessage(EXAMPLE_MESSAGES["card-information-reply"])).toBe(
      '{"header":{"inReplyTo":"RECARD01-SAKURA01-P0000000003","messageId":"RECARD01-SAKURA01-I0000000004",' +
        '"receiverCompanyId":"SAKURA01","senderCompanyId":"RECARD01","timestamp":"2025-06-12T13:45:01.000Z",' +
        '"type":"card-information-reply","version":1},"platformType":200,' +
        '"result":{"originalMessageId":"RECARD01-SAKURA01-I0000000001","reissue":"OK"}}',
    );
    expect(fromUtf8(canonicalize(EXAMPLE_MESSAGES["card-information-reply"]))).toBe(encodeMessage(EXAMPLE_MESSAGES["card-information-reply"]));
  });

  test("variants that are accepted", () => {
    const accepted: readonly [string, unknown][] = [
      ["request, PF 999, card id only", variant("loading-permission-request", (m) => (m.platformType = 999))],
      [
        "request, PF 999, attribute data only",
        variant("loading-permission-request", (m) => {
          m.platformType = 999;
          delete m.cardId;
          m.cardAttributeData = EXAMPLE_MESSAGES["card-information-inquiry"].cardAttributeData;
        }),
      ],
      ["request without surface number", variant("loading-permission-request", (m) => delete m.surfaceNumberLast4)],
      ["timestamp without milliseconds", variant("load-confirmation", (m) => (m.header.timestamp = "2025-04-01T09:31:15Z"))],
      [
        "load confirmation, failed",
        variant("load-confirmation", (m) => {
          m.outcome = { status: "failed", statusWord: "6985" };
          delete m.userCharge;
        }),
      ],
      ["load confirmation without a user charge (older providers)", variant("load-confirmation", (m) => delete m.userCharge)],
      ["load confirmation carrying points over", variant("load-confirmation", (m) => (m.carriedOver = { valueMinor: 350, unit: "PTS" }))],
      ["load confirmation answering the grant", variant("load-confirmation", (m) => (m.header.inReplyTo = "RECARD01-METRO01-I0000000001"))],
      ["reload refusal, not a reissued card", variant("reload-permission-refusal", (m) => (m.reason = "not-a-reissued-card"))],
      [
        "notification carrying a reload permission",
        variant("reissuance-notification", (m) => (m.reloadPermissions = [carried("METRO01", 8, "RECARD01-METRO01-I0000000001")])),
      ],
      [
        "'reissue OK' carrying its reload permission",
        variant("card-information-reply", (m) => ((m.result as Json).reloadPermission = carried("SAKURA01", 5, "RECARD01-SAKURA01-I0000000001"))),
      ],
      ["reissuance reply, not found", variant("reissuance-information-reply", (m) => (m.result = { status: "not-found", reason: "not-a-reissued-card" }))],
      ["card information reply, NG", variant("card-information-reply", (m) => (m.result = { reissue: "NG", reason: "application-not-on-old-card" }))],
      [
        "charge statement with no lines",
        variant("charge-statement", (m) => {
          m.lines = [];
          m.totals = { normalLoad: 0, reissueReload: 0, grand: 0 };
        }),
      ],
      [
        "notification with the maximum number of pairs",
        variant("reissuance-notification", (m) => {
          m.pairs = Array.from({ length: MAX_REISSUE_PAIRS }, (_, i) => ({
            oldCardId: (0x1000_0000_0000 + i).toString(16).toUpperCase().padStart(16, "0"),
            reissuedCardId: (0x2000_0000_0000 + i).toString(16).toUpperCase().padStart(16, "0"),
            reissuedAt: "2025-06-09T15:12:40.000Z",
          }));
        }),
      ],
    ];
    for (const [name, input] of accepted) {
      const result = parseMessage(input);
      expect(result.ok ? "ok" : result.error, name).toBe("ok");
    }
  });
});

type Row = readonly [name: string, input: unknown, code: RefusalCode, field: string | undefined];

/** Refusals that apply to every message type. */
function commonRows(type: MessageType): Row[] {
  const sender = EXAMPLE_MESSAGES[type].header.senderCompanyId;
  const messageId = EXAMPLE_MESSAGES[type].header.messageId;
  const swapped = messageId.replace(/-([IP])(\d{10})$/, (_, d: string, n: string) => `-${d === "I" ? "P" : "I"}${n}`);
  const rows: Row[] = [
    ["missing header", variant(type, (m) => delete (m as Json).header), "missing-field", "header"],
    ["header not an object", variant(type, (m) => ((m as Json).header = "x")), "invalid-field", "header"],
    ["missing header.type", variant(type, (m) => delete m.header.type), "missing-field", "header.type"],
    ["unknown type", variant(type, (m) => (m.header.type = "loading-permission-demand")), "unknown-message-type", "header.type"],
    ["version 2", variant(type, (m) => (m.header.version = 2)), "unsupported-version", "header.version"],
    ["missing version", variant(type, (m) => delete m.header.version), "missing-field", "header.version"],
    ["missing messageId", variant(type, (m) => delete m.header.messageId), "missing-field", "header.messageId"],
    ["missing platformType", variant(type, (m) => delete m.platformType), "missing-field", "platformType"],
    ["extra top-level field", variant(type, (m) => (m.comment = "hi")), "unknown-field", "comment"],
    ["extra header field", variant(type, (m) => (m.header.priority = 1)), "unknown-field", "header.priority"],
    ["platformType 300", variant(type, (m) => (m.platformType = 300)), "invalid-field", "platformType"],
    ["platformType as a string", variant(type, (m) => (m.platformType = String(m.platformType))), "invalid-field", "platformType"],
    ["sender id malformed", variant(type, (m) => (m.header.senderCompanyId = "metro")), "invalid-field", "header.senderCompanyId"],
    ["messageId malformed", variant(type, (m) => (m.header.messageId = "RECARD01-METRO01-42")), "invalid-message-id", "header.messageId"],
    ["messageId sequence 0", variant(type, (m) => (m.header.messageId = messageId.replace(/\d{10}$/, "0000000000"))), "invalid-message-id", "header.messageId"],
    ["messageId of the other direction", variant(type, (m) => (m.header.messageId = swapped)), "message-id-mismatch", "header.messageId"],
    [
      "messageId of another pair",
      variant(type, (m) => (m.header.messageId = messageId.replace(/^RECARD01-[A-Z0-9]+-/, "RECARD01-OTHER99-"))),
      "message-id-mismatch",
      "header.messageId",
    ],
    ["receiver = sender", variant(type, (m) => (m.header.receiverCompanyId = sender)), "message-id-mismatch", "header.receiverCompanyId"],
    ["timestamp with offset", variant(type, (m) => (m.header.timestamp = "2025-04-01T18:30:00+09:00")), "invalid-field", "header.timestamp"],
    ["timestamp on 30 February", variant(type, (m) => (m.header.timestamp = "2025-02-30T00:00:00Z")), "invalid-field", "header.timestamp"],
    ["timestamp as a number", variant(type, (m) => (m.header.timestamp = 1_743_500_000_000)), "invalid-field", "header.timestamp"],
  ];
  if (type in REPLY_TO) {
    const inReplyTo = (EXAMPLE_MESSAGES[type].header as { inReplyTo: string }).inReplyTo;
    rows.push(
      ["reply without inReplyTo", variant(type, (m) => delete m.header.inReplyTo), "missing-field", "header.inReplyTo"],
      [
        "inReplyTo naming one of the sender's own messages",
        variant(type, (m) => (m.header.inReplyTo = inReplyTo.replace("-P", "-I"))),
        "message-id-mismatch",
        "header.inReplyTo",
      ],
      ["inReplyTo malformed", variant(type, (m) => (m.header.inReplyTo = "yesterday's request")), "invalid-message-id", "header.inReplyTo"],
    );
  }
  return rows;
}

const ATTRIBUTE_DATA = EXAMPLE_MESSAGES["card-information-inquiry"].cardAttributeData;
const SAKURA_PERMISSION = "RECARD01-SAKURA01-I0000000001";

/** Refusals specific to each message type. */
const SPECIFIC: { readonly [T in MessageType]: readonly Row[] } = {
  "loading-permission-request": [
    ["card id on PF 200", variant("loading-permission-request", (m) => (m.platformType = 200)), "platform-type-mismatch", "cardId"],
    [
      "attribute data on PF 100",
      variant("loading-permission-request", (m) => (m.cardAttributeData = ATTRIBUTE_DATA)),
      "platform-type-mismatch",
      "cardAttributeData",
    ],
    ["PF 100 without card id", variant("loading-permission-request", (m) => delete m.cardId), "missing-field", "cardId"],
    [
      "PF 200 without attribute data",
      variant("loading-permission-request", (m) => {
        m.platformType = 200;
        delete m.cardId;
      }),
      "missing-field",
      "cardAttributeData",
    ],
    [
      "PF 999 with both card references",
      variant("loading-permission-request", (m) => {
        m.platformType = 999;
        m.cardAttributeData = ATTRIBUTE_DATA;
      }),
      "platform-type-mismatch",
      "cardAttributeData",
    ],
    [
      "PF 999 with no card reference",
      variant("loading-permission-request", (m) => {
        m.platformType = 999;
        delete m.cardId;
      }),
      "missing-field",
      "cardId",
    ],
    ["card id in lower case", variant("loading-permission-request", (m) => (m.cardId = "800000000000010a")), "invalid-field", "cardId"],
    ["card id of 7 bytes", variant("loading-permission-request", (m) => (m.cardId = "80000000000001")), "invalid-field", "cardId"],
    ["AID of 4 bytes", variant("loading-permission-request", (m) => (m.applicationId = "F04D4554")), "invalid-field", "applicationId"],
    ["AID of 17 bytes", variant("loading-permission-request", (m) => (m.applicationId = "F0".repeat(17))), "invalid-field", "applicationId"],
    ["AID with odd digits", variant("loading-permission-request", (m) => (m.applicationId = "F04D4554524F0")), "invalid-field", "applicationId"],
    ["load file hash too short", variant("loading-permission-request", (m) => (m.loadFileHash = "ABCD")), "invalid-field", "loadFileHash"],
    ["kind reload", variant("loading-permission-request", (m) => (m.kind = "reload")), "invalid-field", "kind"],
    ["surface number of 3 digits", variant("loading-permission-request", (m) => (m.surfaceNumberLast4 = "101")), "invalid-field", "surfaceNumberLast4"],
    [
      "originalMessageId on a first load",
      variant("loading-permission-request", (m) => (m.originalMessageId = "RECARD01-METRO01-I0000000001")),
      "unknown-field",
      "originalMessageId",
    ],
  ],
  "loading-permission-grant": [
    ["expires before it is sent", variant("loading-permission-grant", (m) => (m.expiresAt = "2025-04-01T09:30:01.000Z")), "invalid-field", "expiresAt"],
    ["token with padding", variant("loading-permission-grant", (m) => (m.permissionToken = "AAAA==")), "invalid-field", "permissionToken"],
    ["token with non-zero spare bits", variant("loading-permission-grant", (m) => (m.permissionToken = "AB")), "invalid-field", "permissionToken"],
    ["token in standard base64", variant("loading-permission-grant", (m) => (m.permissionToken = "ab+/")), "invalid-field", "permissionToken"],
    ["empty token", variant("loading-permission-grant", (m) => (m.permissionToken = "")), "invalid-field", "permissionToken"],
    ["missing token", variant("loading-permission-grant", (m) => delete m.permissionToken), "missing-field", "permissionToken"],
    [
      "inReplyTo of another provider",
      variant("loading-permission-grant", (m) => (m.header.inReplyTo = "RECARD01-SAKURA01-P0000000001")),
      "message-id-mismatch",
      "header.inReplyTo",
    ],
    ["card id echoed on PF 100 grant", variant("loading-permission-grant", (m) => (m.cardId = "8000000000000101")), "unknown-field", "cardId"],
  ],
  "loading-permission-refusal": [
    ["reload-only reason", variant("loading-permission-refusal", (m) => (m.reason = "original-not-found")), "invalid-field", "reason"],
    ["unknown reason", variant("loading-permission-refusal", (m) => (m.reason = "bad-mood")), "invalid-field", "reason"],
    ["empty text", variant("loading-permission-refusal", (m) => (m.text = "")), "invalid-field", "text"],
    ["text too long", variant("loading-permission-refusal", (m) => (m.text = "x".repeat(501))), "invalid-field", "text"],
    [
      "attribute-data-invalid on PF 100",
      variant("loading-permission-refusal", (m) => {
        m.platformType = 100;
        m.reason = "attribute-data-invalid";
      }),
      "platform-type-mismatch",
      "reason",
    ],
    ["a token on a refusal", variant("loading-permission-refusal", (m) => (m.permissionToken = "AAAA")), "unknown-field", "permissionToken"],
  ],
  "load-confirmation": [
    [
      "permission id sent by the provider",
      variant("load-confirmation", (m) => (m.permissionMessageId = "RECARD01-METRO01-P0000000001")),
      "message-id-mismatch",
      "permissionMessageId",
    ],
    [
      "permission of another provider",
      variant("load-confirmation", (m) => (m.permissionMessageId = SAKURA_PERMISSION)),
      "message-id-mismatch",
      "permissionMessageId",
    ],
    ["failed with 9000", variant("load-confirmation", (m) => (m.outcome = { status: "failed", statusWord: "9000" })), "invalid-field", "outcome.statusWord"],
    [
      "failed with a malformed SW",
      variant("load-confirmation", (m) => (m.outcome = { status: "failed", statusWord: "6a80" })),
      "invalid-field",
      "outcome.statusWord",
    ],
    ["loaded without receipt", variant("load-confirmation", (m) => (m.outcome = { status: "loaded" })), "missing-field", "outcome.receipt"],
    [
      "failed with a receipt",
      variant("load-confirmation", (m) => (m.outcome = { status: "failed", statusWord: "6985", receipt: "AAAA" })),
      "unknown-field",
      "outcome.receipt",
    ],
    ["unknown status", variant("load-confirmation", (m) => (m.outcome = { status: "maybe" })), "invalid-field", "outcome.status"],
    ["a charge on a failed load", variant("load-confirmation", (m) => (m.outcome = { status: "failed", statusWord: "6985" })), "invalid-field", "userCharge"],
    [
      "a charge of an unknown kind",
      variant("load-confirmation", (m) => (m.userCharge = { kind: "gift", amountMinor: 0, currency: "JPY" })),
      "invalid-field",
      "userCharge.kind",
    ],
    [
      "a negative charge",
      variant("load-confirmation", (m) => (m.userCharge = { kind: "normal-load", amountMinor: -1, currency: "JPY" })),
      "invalid-field",
      "userCharge.amountMinor",
    ],
    [
      "a charge without currency",
      variant("load-confirmation", (m) => (m.userCharge = { kind: "normal-load", amountMinor: 100 })),
      "missing-field",
      "userCharge.currency",
    ],
    ["missing outcome", variant("load-confirmation", (m) => delete m.outcome), "missing-field", "outcome"],
  ],
  "reissuance-notification": [
    [
      "carried permission of another pair",
      variant("reissuance-notification", (m) => (m.reloadPermissions = [carried("SAKURA01", 8, "RECARD01-METRO01-I0000000001")])),
      "message-id-mismatch",
      "reloadPermissions[0].messageId",
    ],
    [
      "carried permission under the notification's own id",
      variant("reissuance-notification", (m) => (m.reloadPermissions = [{ ...carried("METRO01", 7, "RECARD01-METRO01-I0000000001") }])),
      "duplicate-entry",
      "reloadPermissions[0].messageId",
    ],
    [
      "two carried permissions for one original",
      variant(
        "reissuance-notification",
        (m) => (m.reloadPermissions = [carried("METRO01", 8, "RECARD01-METRO01-I0000000001"), carried("METRO01", 9, "RECARD01-METRO01-I0000000001")]),
      ),
      "duplicate-entry",
      "reloadPermissions[1].originalMessageId",
    ],
    [
      "carried permission born expired",
      variant(
        "reissuance-notification",
        (m) => (m.reloadPermissions = [{ ...carried("METRO01", 8, "RECARD01-METRO01-I0000000001"), expiresAt: "2025-06-10T08:00:00.000Z" }]),
      ),
      "invalid-field",
      "reloadPermissions[0].expiresAt",
    ],
    ["Fig. 12 notification with PF 200", variant("reissuance-notification", (m) => (m.platformType = 200)), "platform-type-mismatch", "pairs[0].oldCardId"],
    ["PF 999", variant("reissuance-notification", (m) => (m.platformType = 999)), "platform-type-mismatch", "platformType"],
    ["no pairs", variant("reissuance-notification", (m) => (m.pairs = [])), "invalid-field", "pairs"],
    [
      "too many pairs",
      variant("reissuance-notification", (m) => {
        const pair = (m.pairs as Json[])[0]!;
        m.pairs = Array.from({ length: MAX_REISSUE_PAIRS + 1 }, () => pair);
      }),
      "invalid-field",
      "pairs",
    ],
    [
      "duplicate old card",
      variant("reissuance-notification", (m) => {
        const pairs = m.pairs as Json[];
        pairs[1]!.oldCardId = pairs[0]!.oldCardId;
      }),
      "duplicate-entry",
      "pairs[1].oldCardId",
    ],
    [
      "duplicate reissued card",
      variant("reissuance-notification", (m) => {
        const pairs = m.pairs as Json[];
        pairs[1]!.reissuedCardId = pairs[0]!.reissuedCardId;
      }),
      "duplicate-entry",
      "pairs[1].reissuedCardId",
    ],
    [
      "old = reissued",
      variant("reissuance-notification", (m) => {
        const pairs = m.pairs as Json[];
        pairs[0]!.reissuedCardId = pairs[0]!.oldCardId;
      }),
      "invalid-field",
      "pairs[0].reissuedCardId",
    ],
    [
      "reissued after the notification",
      variant("reissuance-notification", (m) => ((m.pairs as Json[])[1]!.reissuedAt = "2025-06-11T00:00:00.000Z")),
      "invalid-field",
      "pairs[1].reissuedAt",
    ],
    ["extra field in a pair", variant("reissuance-notification", (m) => ((m.pairs as Json[])[0]!.holder = "Sato")), "unknown-field", "pairs[0].holder"],
    ["pair missing its old card", variant("reissuance-notification", (m) => delete (m.pairs as Json[])[1]!.oldCardId), "missing-field", "pairs[1].oldCardId"],
    ["pairs not an array", variant("reissuance-notification", (m) => (m.pairs = {})), "invalid-field", "pairs"],
  ],
  "reissuance-notification-batch": [
    ["PF 200", variant("reissuance-notification-batch", (m) => (m.platformType = 200)), "platform-type-mismatch", "pairs[0].oldCardId"],
    ["no pairs", variant("reissuance-notification-batch", (m) => (m.pairs = [])), "invalid-field", "pairs"],
    ["extra field in a pair", variant("reissuance-notification-batch", (m) => ((m.pairs as Json[])[0]!.holder = "Sato")), "unknown-field", "pairs[0].holder"],
    ["carried permissions", variant("reissuance-notification-batch", (m) => (m.reloadPermissions = [])), "unknown-field", "reloadPermissions"],
  ],
  "reissuance-information-request": [
    ["PF 200", variant("reissuance-information-request", (m) => (m.platformType = 200)), "platform-type-mismatch", "reissuedCardId"],
    ["missing reissued card id", variant("reissuance-information-request", (m) => delete m.reissuedCardId), "missing-field", "reissuedCardId"],
    [
      "attribute data instead",
      variant("reissuance-information-request", (m) => (m.cardAttributeData = ATTRIBUTE_DATA)),
      "platform-type-mismatch",
      "cardAttributeData",
    ],
  ],
  "reissuance-information-reply": [
    [
      "not-found with an unknown reason",
      variant("reissuance-information-reply", (m) => (m.result = { status: "not-found", reason: "gone" })),
      "invalid-field",
      "result.reason",
    ],
    [
      "not-found with pairs",
      variant("reissuance-information-reply", (m) => (m.result = { status: "not-found", reason: "not-a-reissued-card", pairs: [] })),
      "unknown-field",
      "result.pairs",
    ],
    [
      "found with duplicate pairs",
      variant("reissuance-information-reply", (m) => {
        const pairs = at(m, "result").pairs as Json[];
        pairs.push({ ...pairs[0]!, reissuedCardId: "8000000000000999" });
      }),
      "duplicate-entry",
      "result.pairs[1].oldCardId",
    ],
    ["found with no pairs", variant("reissuance-information-reply", (m) => (at(m, "result").pairs = [])), "invalid-field", "result.pairs"],
    ["PF 200", variant("reissuance-information-reply", (m) => (m.platformType = 200)), "platform-type-mismatch", "result.pairs[0].oldCardId"],
  ],
  "card-information-inquiry": [
    ["PF 100", variant("card-information-inquiry", (m) => (m.platformType = 100)), "platform-type-mismatch", "cardAttributeData"],
    ["card id added", variant("card-information-inquiry", (m) => (m.cardId = "8000000000000202")), "platform-type-mismatch", "cardId"],
    ["missing application id", variant("card-information-inquiry", (m) => delete m.applicationId), "missing-field", "applicationId"],
    ["attribute data of 8 bytes", variant("card-information-inquiry", (m) => (m.cardAttributeData = "AAAAAAAAAAA")), "invalid-field", "cardAttributeData"],
    ["attribute data not base64url", variant("card-information-inquiry", (m) => (m.cardAttributeData = "not base64!")), "invalid-field", "cardAttributeData"],
  ],
  "card-information-reply": [
    [
      "carried permission for another load than the answer names",
      variant("card-information-reply", (m) => ((m.result as Json).reloadPermission = carried("SAKURA01", 5, "RECARD01-SAKURA01-I0000000002"))),
      "invalid-field",
      "result.reloadPermission.originalMessageId",
    ],
    [
      "OK with a message id of another provider",
      variant("card-information-reply", (m) => (at(m, "result").originalMessageId = "RECARD01-METRO01-I0000000001")),
      "message-id-mismatch",
      "result.originalMessageId",
    ],
    [
      "OK with a message id sent by the provider",
      variant("card-information-reply", (m) => (at(m, "result").originalMessageId = "RECARD01-SAKURA01-P0000000001")),
      "message-id-mismatch",
      "result.originalMessageId",
    ],
    [
      "OK with a message id of another issuer",
      variant("card-information-reply", (m) => (at(m, "result").originalMessageId = "OTHERISS-SAKURA01-I0000000001")),
      "message-id-mismatch",
      "result.originalMessageId",
    ],
    ["OK without message id", variant("card-information-reply", (m) => delete at(m, "result").originalMessageId), "missing-field", "result.originalMessageId"],
    ["Fig. 15 reply with PF 100", variant("card-information-reply", (m) => (m.platformType = 100)), "platform-type-mismatch", "platformType"],
    ["a card id beside the result", variant("card-information-reply", (m) => (m.cardId = "8000000000000202")), "platform-type-mismatch", "cardId"],
    [
      "an old card id inside the result",
      variant("card-information-reply", (m) => (at(m, "result").oldCardId = "8000000000000101")),
      "platform-type-mismatch",
      "result.oldCardId",
    ],
    [
      "NG with a message id",
      variant("card-information-reply", (m) => (m.result = { reissue: "NG", reason: "card-not-found", originalMessageId: SAKURA_PERMISSION })),
      "unknown-field",
      "result.originalMessageId",
    ],
    [
      "NG with an unknown reason",
      variant("card-information-reply", (m) => (m.result = { reissue: "NG", reason: "expired" })),
      "invalid-field",
      "result.reason",
    ],
    ["reissue MAYBE", variant("card-information-reply", (m) => (at(m, "result").reissue = "MAYBE")), "invalid-field", "result.reissue"],
    ["reissue in lower case", variant("card-information-reply", (m) => (at(m, "result").reissue = "ok")), "invalid-field", "result.reissue"],
  ],
  "reload-permission-request": [
    ["missing original message id", variant("reload-permission-request", (m) => delete m.originalMessageId), "missing-field", "originalMessageId"],
    [
      "original of another provider",
      variant("reload-permission-request", (m) => (m.originalMessageId = "RECARD01-METRO01-I0000000001")),
      "message-id-mismatch",
      "originalMessageId",
    ],
    [
      "original sent by the provider",
      variant("reload-permission-request", (m) => (m.originalMessageId = "RECARD01-SAKURA01-P0000000001")),
      "message-id-mismatch",
      "originalMessageId",
    ],
    ["kind first-load", variant("reload-permission-request", (m) => (m.kind = "first-load")), "invalid-field", "kind"],
    ["card id on PF 200", variant("reload-permission-request", (m) => (m.cardId = "8000000000000202")), "platform-type-mismatch", "cardId"],
  ],
  "reload-permission-grant": [
    [
      "original sent by the provider",
      variant("reload-permission-grant", (m) => (m.originalMessageId = "RECARD01-SAKURA01-P0000000001")),
      "message-id-mismatch",
      "originalMessageId",
    ],
    ["missing original", variant("reload-permission-grant", (m) => delete m.originalMessageId), "missing-field", "originalMessageId"],
    ["expires when sent", variant("reload-permission-grant", (m) => (m.expiresAt = m.header.timestamp)), "invalid-field", "expiresAt"],
    ["kind first-load", variant("reload-permission-grant", (m) => (m.kind = "first-load")), "invalid-field", "kind"],
  ],
  "reload-permission-refusal": [
    ["missing original", variant("reload-permission-refusal", (m) => delete m.originalMessageId), "missing-field", "originalMessageId"],
    [
      "original of another provider",
      variant("reload-permission-refusal", (m) => (m.originalMessageId = SAKURA_PERMISSION)),
      "message-id-mismatch",
      "originalMessageId",
    ],
    [
      "attribute-data-invalid on PF 100",
      variant("reload-permission-refusal", (m) => (m.reason = "attribute-data-invalid")),
      "platform-type-mismatch",
      "reason",
    ],
  ],
  "charge-statement": [
    ["negative amount", variant("charge-statement", (m) => ((m.lines as Json[])[0]!.amountMinor = -1500)), "invalid-field", "lines[0].amountMinor"],
    ["fractional amount", variant("charge-statement", (m) => ((m.lines as Json[])[0]!.amountMinor = 15.5)), "invalid-field", "lines[0].amountMinor"],
    ["amount as a string", variant("charge-statement", (m) => ((m.lines as Json[])[0]!.amountMinor = "1500")), "invalid-field", "lines[0].amountMinor"],
    ["unsafe integer amount", variant("charge-statement", (m) => ((m.lines as Json[])[0]!.amountMinor = 2 ** 53)), "invalid-field", "lines[0].amountMinor"],
    ["normal total off by one", variant("charge-statement", (m) => (at(m, "totals").normalLoad = 1501)), "totals-mismatch", "totals.normalLoad"],
    ["reissue total off", variant("charge-statement", (m) => (at(m, "totals").reissueReload = 0)), "totals-mismatch", "totals.reissueReload"],
    ["grand total off", variant("charge-statement", (m) => (at(m, "totals").grand = 2500)), "totals-mismatch", "totals.grand"],
    ["negative total", variant("charge-statement", (m) => (at(m, "totals").grand = -1)), "invalid-field", "totals.grand"],
    [
      "same permission charged twice",
      variant("charge-statement", (m) => {
        const lines = m.lines as Json[];
        lines[1]!.permissionMessageId = lines[0]!.permissionMessageId;
      }),
      "duplicate-entry",
      "lines[1].permissionMessageId",
    ],
    [
      "charged outside the period",
      variant("charge-statement", (m) => ((m.lines as Json[])[1]!.chargedAt = "2025-07-01T00:00:00.000Z")),
      "invalid-field",
      "lines[1].chargedAt",
    ],
    ["month 13", variant("charge-statement", (m) => (m.period = "2025-13")), "invalid-field", "period"],
    ["currency in lower case", variant("charge-statement", (m) => (m.currency = "jpy")), "invalid-field", "currency"],
    ["PF 999", variant("charge-statement", (m) => (m.platformType = 999)), "platform-type-mismatch", "platformType"],
    [
      "a line for another provider",
      variant("charge-statement", (m) => ((m.lines as Json[])[0]!.permissionMessageId = SAKURA_PERMISSION)),
      "message-id-mismatch",
      "lines[0].permissionMessageId",
    ],
    ["unknown charge kind", variant("charge-statement", (m) => ((m.lines as Json[])[0]!.kind = "penalty")), "invalid-field", "lines[0].kind"],
    ["missing totals", variant("charge-statement", (m) => delete m.totals), "missing-field", "totals"],
    ["a subtotal field", variant("charge-statement", (m) => (at(m, "totals").tax = 0)), "unknown-field", "totals.tax"],
  ],
  "card-blocked": [
    ["a card id on platform 200", variant("card-blocked", (m) => (m.cardId = "8000000000000101")), "platform-type-mismatch", "cardId"],
    ["no load message ids on platform 200", variant("card-blocked", (m) => delete m.loadMessageIds), "missing-field", "loadMessageIds"],
    ["empty load message ids", variant("card-blocked", (m) => (m.loadMessageIds = [])), "invalid-field", "loadMessageIds"],
    [
      "another provider's load",
      variant("card-blocked", (m) => ((m.loadMessageIds as string[])[1] = "RECARD01-METRO01-I0000000006")),
      "message-id-mismatch",
      "loadMessageIds[1]",
    ],
    [
      "a load listed twice",
      variant("card-blocked", (m) => ((m.loadMessageIds as string[])[1] = "RECARD01-SAKURA01-I0000000001")),
      "duplicate-entry",
      "loadMessageIds[1]",
    ],
    [
      "platform 100 naming loads instead of the card id",
      variant("card-blocked", (m) => {
        m.platformType = 100;
        m.cardId = "8000000000000101";
      }),
      "platform-type-mismatch",
      "loadMessageIds",
    ],
    [
      "platform 100 without a card id",
      variant("card-blocked", (m) => {
        m.platformType = 100;
        delete m.loadMessageIds;
      }),
      "missing-field",
      "cardId",
    ],
    ["PF 999", variant("card-blocked", (m) => (m.platformType = 999)), "platform-type-mismatch", "platformType"],
    ["damaged is not a hot list reason", variant("card-blocked", (m) => (m.reason = "damaged")), "invalid-field", "reason"],
    ["blocked after sending", variant("card-blocked", (m) => (m.blockedAt = "2025-08-02T07:15:01.000Z")), "invalid-field", "blockedAt"],
    ["a holder name", variant("card-blocked", (m) => (m.holder = "Sato")), "unknown-field", "holder"],
  ],
  "card-unblocked": [
    [
      "attribute data on platform 100",
      variant("card-unblocked", (m) => (m.cardAttributeData = EXAMPLE_MESSAGES["card-information-inquiry"].cardAttributeData)),
      "platform-type-mismatch",
      "cardAttributeData",
    ],
    ["no card id on platform 100", variant("card-unblocked", (m) => delete m.cardId), "missing-field", "cardId"],
    ["no block message id", variant("card-unblocked", (m) => delete m.blockMessageId), "missing-field", "blockMessageId"],
    [
      "block message id of the provider",
      variant("card-unblocked", (m) => (m.blockMessageId = "RECARD01-METRO01-P0000000022")),
      "message-id-mismatch",
      "blockMessageId",
    ],
    [
      "block message id of another provider",
      variant("card-unblocked", (m) => (m.blockMessageId = "RECARD01-SAKURA01-I0000000022")),
      "message-id-mismatch",
      "blockMessageId",
    ],
    ["unblocked before blocked", variant("card-unblocked", (m) => (m.unblockedAt = "2025-08-02T18:39:59.000Z")), "invalid-field", "unblockedAt"],
    ["unblocked after sending", variant("card-unblocked", (m) => (m.unblockedAt = "2025-08-03T09:00:01.000Z")), "invalid-field", "unblockedAt"],
    ["unknown unblock reason", variant("card-unblocked", (m) => (m.unblockReason = "paid")), "invalid-field", "unblockReason"],
    ["missing unblockedAt", variant("card-unblocked", (m) => delete m.unblockedAt), "missing-field", "unblockedAt"],
  ],
  "reissue-delivery-mode": [
    ["platform 200", variant("reissue-delivery-mode", (m) => (m.platformType = 200)), "platform-type-mismatch", "platformType"],
    ["an unknown mode", variant("reissue-delivery-mode", (m) => (m.delivery = "fax")), "invalid-field", "delivery"],
    ["in force after sending", variant("reissue-delivery-mode", (m) => (m.effectiveAt = "2025-08-04T01:00:01.000Z")), "invalid-field", "effectiveAt"],
    ["missing effectiveAt", variant("reissue-delivery-mode", (m) => delete m.effectiveAt), "missing-field", "effectiveAt"],
    ["a card id", variant("reissue-delivery-mode", (m) => (m.cardId = "8000000000000101")), "unknown-field", "cardId"],
  ],
};

describe.each(MESSAGE_TYPES)("refusals: %s", (type) => {
  const rows = [...commonRows(type), ...SPECIFIC[type]];
  test.each(rows)("%s", (_name, input, code, field) => {
    const result = parseMessage(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect({ code: result.error.code, field: result.error.field }).toEqual({ code, field });
    if (field !== undefined) expect(result.error.message).toContain(field);
  });
});

describe("input that is not a message", () => {
  test.each([
    ["null", null, "not-a-message"],
    ["an array", [EXAMPLE_MESSAGES["load-confirmation"]], "not-a-message"],
    ["a string", "hello", "not-a-message"],
    ["a number", 42, "not-a-message"],
  ] as const)("%s", (_name, input, code) => {
    const result = parseMessage(input);
    expect(!result.ok && result.error.code).toBe(code);
  });

  test.each([
    ["not JSON", "{header:", "malformed-json"],
    ["invalid UTF-8", Uint8Array.of(0x7b, 0xff, 0x7d), "malformed-json"],
    ["empty", "", "malformed-json"],
    ["JSON but not a message", "[]", "not-a-message"],
  ] as const)("decodeMessage: %s", (_name, input, code) => {
    const result = decodeMessage(input);
    expect(!result.ok && result.error.code).toBe(code);
  });

  test("refusal messages are sentences that name the field", () => {
    const result = parseMessage(variant("card-information-reply", (m) => (at(m, "result").originalMessageId = "RECARD01-METRO01-I0000000001")));
    expect(!result.ok && result.error.message).toBe(
      'result.originalMessageId "RECARD01-METRO01-I0000000001" must be a loading permission RECARD01 granted to SAKURA01, ' +
        "so it must start with RECARD01-SAKURA01-I (it starts with RECARD01-METRO01-I)",
    );
  });
});

describe("buildHeader", () => {
  test("an issuer message: issuer sends, direction I", () => {
    const header = buildHeader("card-information-reply", {
      issuerCompanyId: "RECARD01",
      providerCompanyId: "SAKURA01",
      sequence: 4,
      timestamp: new Date("2025-06-12T13:45:01Z"),
      inReplyTo: "RECARD01-SAKURA01-P0000000003",
    });
    expect(header).toStrictEqual(EXAMPLE_MESSAGES["card-information-reply"].header);
  });

  test("a provider message: provider sends, direction P, no inReplyTo key when absent", () => {
    const header = buildHeader("loading-permission-request", {
      issuerCompanyId: "RECARD01",
      providerCompanyId: "METRO01",
      sequence: 1,
      timestamp: new Date("2025-04-01T09:30:00Z"),
    });
    expect(header).toStrictEqual(EXAMPLE_MESSAGES["loading-permission-request"].header);
  });

  test("throws on a malformed company id", () => {
    expect(() => buildHeader("charge-statement", { issuerCompanyId: "recard", providerCompanyId: "METRO01", sequence: 1, timestamp: new Date() })).toThrow(
      RangeError,
    );
  });

  test("messages built from it parse", () => {
    const message: Message = {
      ...EXAMPLE_MESSAGES["reissuance-information-request"],
      header: buildHeader("reissuance-information-request", {
        issuerCompanyId: "RECARD01",
        providerCompanyId: "METRO01",
        sequence: 9_999_999_999,
        timestamp: new Date("2025-06-12T10:00:00Z"),
      }),
    };
    expect(parseMessage(JSON.parse(encodeMessage(message))).ok).toBe(true);
  });
});

test("isUtcInstant", () => {
  expect(["2025-04-01T09:30:00Z", "2025-04-01T09:30:00.123Z", "2024-02-29T23:59:59Z"].every(isUtcInstant)).toBe(true);
  expect(
    ["2025-04-01", "2025-04-01T09:30:00", "2025-04-01T09:30:00.1Z", "2023-02-29T00:00:00Z", "2025-04-01T24:00:00Z", "2025-04-01 09:30:00Z"].some(isUtcInstant),
  ).toBe(false);
});

describe("reissuance-notification-batch: a bad pair is refused alone (checkBatchPairs)", () => {
  const pair = (oldCardId: string, reissuedCardId: string, reissuedAt = "2025-06-10T08:00:00.000Z") => ({ oldCardId, reissuedCardId, reissuedAt });
  test("the codec takes a batch whose pairs the single notification would refuse whole", () => {
    const m = structuredClone(EXAMPLE_MESSAGES["reissuance-notification-batch"]) as Json;
    (m.pairs as Json[]).push((m.pairs as Json[])[0]!, { ...(m.pairs as Json[])[1]!, reissuedAt: "2025-06-11T00:00:00.000Z" });
    expect(parseMessage(m).ok).toBe(true);
  });
  test("each pair gets its own verdict; the first of two duplicates stays", () => {
    expect(
      checkBatchPairs(
        [
          pair("8000000000000001", "8000000000000002"),
          pair("8000000000000003", "8000000000000003"),
          pair("8000000000000001", "8000000000000004"),
          pair("8000000000000005", "8000000000000002"),
          pair("8000000000000006", "8000000000000007", "2025-06-10T08:00:01.000Z"),
          pair("8000000000000002", "8000000000000008"),
        ],
        "2025-06-10T08:00:00.000Z",
      ),
    ).toEqual([null, "same-card", "duplicate-in-batch", "duplicate-in-batch", "reissued-after-sent", null]);
  });
});
