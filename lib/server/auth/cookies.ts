import type { CookiesOptions } from "next-auth";

/**
 * next-auth's cookie names and options. Served over HTTPS (NEXTAUTH_URL https://…) the session and
 * callback cookies get the __Host- prefix (Secure, Path=/, no Domain: no other host or path can set or
 * read them); over plain http (local development, the e2e suite) the unprefixed names.
 * No "server-only" here: proxy.ts reads the same name.
 */
export function isServedOverHttps(): boolean {
  return (process.env.NEXTAUTH_URL ?? "").startsWith("https://");
}

export function sessionCookieName(secure = isServedOverHttps()): string {
  return secure ? "__Host-next-auth.session-token" : "next-auth.session-token";
}

export function authCookies(secure = isServedOverHttps()): Partial<CookiesOptions> {
  const options = { httpOnly: true, sameSite: "lax" as const, path: "/", secure };
  return {
    sessionToken: { name: sessionCookieName(secure), options },
    callbackUrl: { name: secure ? "__Host-next-auth.callback-url" : "next-auth.callback-url", options },
    csrfToken: { name: secure ? "__Host-next-auth.csrf-token" : "next-auth.csrf-token", options },
  };
}

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
