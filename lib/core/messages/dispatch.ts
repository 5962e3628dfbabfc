/**
 * Method 3 (Fig. 18): a receiver handling cards of both kinds reads the platform type before
 * anything else (step 1801), judges whether third parties can read the card id (step 1802), and runs
 * method 1 (step 1803) or method 2 (step 1804). Unknown or contradictory platform data is refused,
 * never guessed: guessing would either leak a card id to the wrong flow or look up the wrong records.
 */
import { err, ok, type Result } from "../result";
import { PLATFORM_TYPES, isPlatformType } from "./platform-type";
import { refusal, type Refusal } from "./refusal";
import { checkPlatformRules } from "./rules";
import type { Message } from "./schemas";

/** A message whose platform type says method 1 (card id readable). */
export type Method1Message = Message & { readonly platformType: typeof PLATFORM_TYPES.METHOD_1 };
/** A message whose platform type says method 2 (only card attribute data readable). */
export type Method2Message = Message & { readonly platformType: typeof PLATFORM_TYPES.METHOD_2 };

/** The two branches of Fig. 18. */
export type PlatformHandlers<R> = {
  /** Step 1803: the first method (Figs. 4–7, 19). */
  readonly method1: (message: Method1Message) => R;
  /** Step 1804: the second method (Figs. 8–11). */
  readonly method2: (message: Method2Message) => R;
};

/** Refusal text for platform type 999 (Fig. 12: "<999> indicates that a processing method is unknown"). */
export const PLATFORM_TYPE_UNKNOWN_MESSAGE = "platform type unknown: the card's method cannot be determined; the sender must read DF70 from the card";

/**
 * Fig. 18: routes a message to the method-1 or method-2 handler by its platform type, refusing 999
 * and any platform type that contradicts the message's type or content.
 */
export function dispatchByPlatformType<R>(message: Message, handlers: PlatformHandlers<R>): Result<R, Refusal> {
  // Step 1801: the platform type is read first, before any other field is trusted.
  const pf: unknown = message.platformType;
  if (pf === PLATFORM_TYPES.UNKNOWN) return err(refusal("platform-type-unknown", PLATFORM_TYPE_UNKNOWN_MESSAGE, "platformType"));
  if (!isPlatformType(pf)) {
    return err(refusal("platform-type-unknown", `platform type ${JSON.stringify(pf)} is not 100, 200 or 999`, "platformType"));
  }
  // Step 1802: the platform type must agree with what the message carries (card id vs attribute
  // data, Fig. 12 vs Fig. 15) — messages built in code reach here without the codec.
  const mismatch = checkPlatformRules(message);
  if (mismatch) return err(mismatch);
  return pf === PLATFORM_TYPES.METHOD_1
    ? ok(handlers.method1(message as Method1Message)) // step 1803
    : ok(handlers.method2(message as Method2Message)); // step 1804
}
