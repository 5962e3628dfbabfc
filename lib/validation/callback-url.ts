/**
 * The only place after sign-in may send a person: a path on this site. Refused (null): absolute URLs,
 * protocol-relative `//host`, backslashes (browsers read `/\host` as `//host`), control characters
 * (the URL parser drops tabs and newlines, turning `/\t/host` into `//host`), and anything that does not
 * resolve to the same origin. The result is re-serialised from the parsed URL.
 */
export function safeCallbackPath(value: string | string[] | undefined | null): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== "string" || v.length === 0 || v.length > 2048) return null;
  if (!v.startsWith("/") || v.startsWith("//") || /[\\\p{Cc}]/u.test(v)) return null;
  const base = "http://recard.invalid";
  let url: URL;
  try {
    url = new URL(v, base);
  } catch {
    return null;
  }
  if (url.origin !== base) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
