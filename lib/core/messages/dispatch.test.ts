import { describe, expect, test, vi } from "vitest";
import { dispatchByPlatformType, PLATFORM_TYPE_UNKNOWN_MESSAGE } from "./dispatch";
import { EXAMPLE_MESSAGES } from "./fixtures";
import { METHOD_1_ONLY_TYPES, METHOD_2_ONLY_TYPES, MESSAGE_TYPES, PLATFORM_NEUTRAL_TYPES } from "./message-types";
import { PLATFORM_TYPES } from "./platform-type";
import type { RefusalCode } from "./refusal";
import type { Message } from "./schemas";

const handlers = () => ({ method1: vi.fn((m: Message) => `method 1: ${m.header.type}`), method2: vi.fn((m: Message) => `method 2: ${m.header.type}`) });
/** A message as untrusted code might build it, bypassing the types (dispatch must not trust them). */
const forge = (message: unknown) => message as Message;

describe("Fig. 18 dispatch", () => {
  test.each(MESSAGE_TYPES)("%s goes to the method its platform type names (steps 1801-1804)", (type) => {
    const message = EXAMPLE_MESSAGES[type];
    const h = handlers();
    const result = dispatchByPlatformType(message, h);
    const method = message.platformType === 100 ? 1 : 2;
    expect(result).toEqual({ ok: true, value: `method ${method}: ${type}` });
    expect(method === 1 ? h.method1 : h.method2).toHaveBeenCalledWith(message);
    expect(method === 1 ? h.method2 : h.method1).not.toHaveBeenCalled();
  });

  test("the same neutral type goes either way: a PF 200 load request runs method 2", () => {
    const { cardId: _cardId, ...rest } = EXAMPLE_MESSAGES["loading-permission-request"];
    const message = { ...rest, platformType: 200 as const, cardAttributeData: EXAMPLE_MESSAGES["card-information-inquiry"].cardAttributeData };
    const h = handlers();
    expect(dispatchByPlatformType(message, h)).toEqual({ ok: true, value: "method 2: loading-permission-request" });
  });

  test("999 is refused with the reason, and nothing runs", () => {
    const h = handlers();
    const message = { ...EXAMPLE_MESSAGES["loading-permission-request"], platformType: PLATFORM_TYPES.UNKNOWN };
    expect(dispatchByPlatformType(message, h)).toEqual({
      ok: false,
      error: { code: "platform-type-unknown", message: PLATFORM_TYPE_UNKNOWN_MESSAGE, field: "platformType" },
    });
    expect(PLATFORM_TYPE_UNKNOWN_MESSAGE).toBe("platform type unknown: the card's method cannot be determined; the sender must read DF70 from the card");
    expect(h.method1).not.toHaveBeenCalled();
    expect(h.method2).not.toHaveBeenCalled();
  });

  const attributeData = EXAMPLE_MESSAGES["card-information-inquiry"].cardAttributeData;
  const mismatches: readonly (readonly [string, Message, RefusalCode, string])[] = [
    ["a card id on a PF 200 request", forge({ ...EXAMPLE_MESSAGES["loading-permission-request"], platformType: 200 }), "platform-type-mismatch", "cardId"],
    [
      "attribute data on a PF 100 request",
      forge({ ...EXAMPLE_MESSAGES["reload-permission-request"], platformType: 100 }),
      "platform-type-mismatch",
      "cardAttributeData",
    ],
    [
      "both references on a PF 100 request",
      forge({ ...EXAMPLE_MESSAGES["loading-permission-request"], cardAttributeData: attributeData }),
      "platform-type-mismatch",
      "cardAttributeData",
    ],
    [
      "a Fig. 12 notification with PF 200",
      forge({ ...EXAMPLE_MESSAGES["reissuance-notification"], platformType: 200 }),
      "platform-type-mismatch",
      "pairs[0].oldCardId",
    ],
    [
      "a Fig. 12 notification with PF 200 and no pairs",
      forge({ ...EXAMPLE_MESSAGES["reissuance-notification"], platformType: 200, pairs: [] }),
      "platform-type-mismatch",
      "platformType",
    ],
    ["a Fig. 15 reply with PF 100", forge({ ...EXAMPLE_MESSAGES["card-information-reply"], platformType: 100 }), "platform-type-mismatch", "platformType"],
    [
      "a Fig. 15 reply smuggling a card id",
      forge({
        ...EXAMPLE_MESSAGES["card-information-reply"],
        result: { reissue: "OK", originalMessageId: "RECARD01-SAKURA01-I0000000001", reissuedCardId: "8000000000000202" },
      }),
      "platform-type-mismatch",
      "result.reissuedCardId",
    ],
    [
      "a Fig. 19 request with PF 200",
      forge({ ...EXAMPLE_MESSAGES["reissuance-information-request"], platformType: 200 }),
      "platform-type-mismatch",
      "reissuedCardId",
    ],
    [
      "a card information inquiry with PF 100",
      forge({ ...EXAMPLE_MESSAGES["card-information-inquiry"], platformType: 100 }),
      "platform-type-mismatch",
      "cardAttributeData",
    ],
    ["a platform type that is not a code", forge({ ...EXAMPLE_MESSAGES["charge-statement"], platformType: 150 }), "platform-type-unknown", "platformType"],
  ];
  test.each(mismatches)("refused, never guessed: %s", (_name, message, code, field) => {
    const h = handlers();
    const result = dispatchByPlatformType(message, h);
    expect(result.ok ? "dispatched" : { code: result.error.code, field: result.error.field }).toEqual({ code, field });
    expect(h.method1).not.toHaveBeenCalled();
    expect(h.method2).not.toHaveBeenCalled();
  });

  test("which types belong to which method", () => {
    expect(METHOD_1_ONLY_TYPES).toEqual([
      "reissuance-notification",
      "reissuance-notification-batch",
      "reissuance-information-request",
      "reissuance-information-reply",
      "reissue-delivery-mode",
    ]);
    expect(METHOD_2_ONLY_TYPES).toEqual(["card-information-inquiry", "card-information-reply"]);
    expect(PLATFORM_NEUTRAL_TYPES).toEqual([
      "loading-permission-request",
      "loading-permission-grant",
      "loading-permission-refusal",
      "load-confirmation",
      "reload-permission-request",
      "reload-permission-grant",
      "reload-permission-refusal",
      "charge-statement",
      "card-blocked",
      "card-unblocked",
    ]);
    expect([...METHOD_1_ONLY_TYPES, ...METHOD_2_ONLY_TYPES, ...PLATFORM_NEUTRAL_TYPES].sort()).toEqual([...MESSAGE_TYPES].sort());
  });
});
