import { withAuth, type NextRequestWithAuth } from "next-auth/middleware";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { isServedOverHttps, sessionCookieName } from "@/lib/server/auth/cookies";
import { databaseRetryAfter } from "@/lib/server/db/availability";
import { contentSecurityPolicy, HSTS, isCrossSiteWrite, makeNonce } from "@/lib/server/http/security-headers";

// Every request but static files: refuses cross-site writes, sets the per-request CSP nonce and the
// security headers. For the portals also the optimistic first check (STACK.md): every page, action and
// route handler checks the session itself through lib/server/auth. No token → sign-in; a token of
// another role → its 403 page, so a wrong portal is never shown, only refused.
const PORTALS = ["issuer", "provider", "cardholder"] as const;

function ownOrigins(req: NextRequest): string[] {
  const origins = [req.nextUrl.origin];
  const configured = process.env.NEXTAUTH_URL;
  if (configured) origins.push(new URL(configured).origin);
  return origins;
}

/** 503 with Retry-After while the database is unavailable: a plain page, no script, no style. */
function databaseUnavailable(retryAfterSeconds: number): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ReCard: temporarily unavailable</title></head><body><h1>ReCard is temporarily unavailable</h1><p>The database does not answer just now. Nothing you sent was lost. Try again in ${retryAfterSeconds} seconds.</p><p lang="ja">データベースが一時的に応答していません。送信した内容は失われていません。${retryAfterSeconds} 秒後にもう一度お試しください。</p></body></html>`;
  return new Response(html, {
    status: 503,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "retry-after": String(retryAfterSeconds),
      "cache-control": "no-store",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    },
  });
}

export default async function proxy(req: NextRequest, event: NextFetchEvent) {
  const https = isServedOverHttps();
  if (isCrossSiteWrite(req.method, req.headers, ownOrigins(req))) {
    // Next itself would answer a cross-site server action with a 500; a refusal is a 403.
    return new NextResponse("Cross-site request refused.", { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  // The database was just found stuck (a request timed out on it): answer at once instead of letting
  // this request wait out the same timeout. /api/health still probes, and a good answer ends the window.
  const retryAfter = req.nextUrl.pathname === "/api/health" ? null : databaseRetryAfter(Date.now());
  if (retryAfter !== null) return databaseUnavailable(retryAfter);
  const nonce = makeNonce();
  const csp = contentSecurityPolicy(nonce, { https, dev: process.env.NODE_ENV === "development" });
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);

  const portal = PORTALS.find((p) => req.nextUrl.pathname === `/${p}` || req.nextUrl.pathname.startsWith(`/${p}/`));
  let response: Response;
  if (portal) {
    const guard = withAuth(
      (r: NextRequestWithAuth) => {
        const role = r.nextauth.token?.role;
        if (role && role !== portal) {
          return NextResponse.rewrite(new URL("/forbidden-portal", r.url), { status: 403, request: { headers: requestHeaders } });
        }
        return NextResponse.next({ request: { headers: requestHeaders } });
      },
      { pages: { signIn: "/signin" }, cookies: { sessionToken: { name: sessionCookieName(https) } } },
    );
    response = (await guard(req as NextRequestWithAuth, event)) ?? NextResponse.next({ request: { headers: requestHeaders } });
  } else {
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  response.headers.set("content-security-policy", csp);
  if (https) response.headers.set("strict-transport-security", HSTS);
  return response;
}

// Not /api/exchange: a signed message between deployments, authenticated by its signature, never a
// browser's page or form. With a proxy on a path, Next clones the request body and buffers up to 10 MB
// of it in memory before the route reads it (experimental.proxyClientMaxBodySize); the exchange reads its
// body as a bounded stream itself and must not be buffered ahead of that check (issue 9).
export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|manifest.webmanifest|robots.txt|api/exchange).*)"] };
