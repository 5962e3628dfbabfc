/**
 * Platform type data (patent, Fig. 12 / Fig. 15 "PF type", step 403): tells the receiver which
 * reissue method applies to the card a message is about. "<100> indicates the first processing
 * method; <200> indicates the second processing method; and moreover, <999> indicates that a
 * processing method is unknown." The card itself exposes it at proprietary tag DF70.
 */
export const PLATFORM_TYPES = {
  /** Method 1 (Figs. 4–7, 19): third parties may read the card id (GET DATA tag 45). */
  METHOD_1: 100,
  /** Method 2 (Figs. 8–11): only encrypted card attribute data (tag DF7A) is readable. */
  METHOD_2: 200,
  /** The sender could not determine the card's method; receivers refuse it (Fig. 18). */
  UNKNOWN: 999,
} as const;

export type PlatformType = (typeof PLATFORM_TYPES)[keyof typeof PLATFORM_TYPES];

/** True when `value` is one of the three platform type codes. */
export function isPlatformType(value: unknown): value is PlatformType {
  return value === PLATFORM_TYPES.METHOD_1 || value === PLATFORM_TYPES.METHOD_2 || value === PLATFORM_TYPES.UNKNOWN;
}
