/** Row ids are UUIDs: anything else names no row (and a uuid column would answer it with an error). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `text` is a UUID in its canonical text form. */
export function isUuid(text: unknown): text is string {
  return typeof text === "string" && UUID_PATTERN.test(text);
}
