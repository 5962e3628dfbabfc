import { withAuth } from "next-auth/middleware";
import { NextResponse } from "next/server";

// Optimistic first check only (STACK.md): every page, action and route handler checks the session
// itself through lib/server/auth. Here: no token → sign-in; a token of another role → its 403 page
// is rendered by the page itself, so a wrong portal is never shown, only refused.
const PORTALS = ["issuer", "provider", "cardholder"] as const;

export default withAuth(
  function proxy(req) {
    const role = req.nextauth.token?.role;
    const portal = PORTALS.find((p) => req.nextUrl.pathname === `/${p}` || req.nextUrl.pathname.startsWith(`/${p}/`));
    if (portal && role && role !== portal) {
      return NextResponse.rewrite(new URL("/forbidden-portal", req.url), { status: 403 });
    }
    return NextResponse.next();
  },
  { pages: { signIn: "/signin" } },
);

export const config = { matcher: ["/issuer/:path*", "/provider/:path*", "/cardholder/:path*"] };
