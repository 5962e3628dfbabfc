/**
 * Response headers and request checks of proxy.ts (issue 9). No "server-only": the proxy bundle reads it.
 *
 * Content-Security-Policy follows Next's documented nonce pattern: a fresh nonce per request, passed to
 * the render in the request's own Content-Security-Policy header (Next puts it on every script and
 * style tag it emits) and sent back to the browser. 'strict-dynamic' lets the nonce'd bootstrap load
 * the app's chunks; nothing inline runs without the nonce. Styles: Tailwind is one stylesheet from
 * 'self' and the app writes no style attributes, so style-src needs no 'unsafe-inline' either.
 */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(nonce: string, options: { https: boolean; dev: boolean }): string {
  return [
    "default-src 'self'",
    // React's development build evaluates strings; never in production.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    options.dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** HSTS for two years, only when the app is served over HTTPS (it would break a plain-http setup). */
export const HSTS = "max-age=63072000; includeSubDomains";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a state-changing request comes from another site's page: Sec-Fetch-Site when the browser
 * sends it (anything but same-origin, or none for a typed URL), else an Origin header naming another
 * origin. Requests with neither are not from a browser page (the signed exchange's peers, scripts)
 * and are left to the handler's own checks.
 */
export function isCrossSiteWrite(method: string, headers: Headers, ownOrigins: string[]): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  const site = headers.get("sec-fetch-site");
  if (site) return site !== "same-origin" && site !== "none";
  const origin = headers.get("origin");
  if (!origin) return false;
  return !ownOrigins.includes(origin);
}
