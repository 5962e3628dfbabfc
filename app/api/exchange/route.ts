import { receiveMessage } from "@/lib/server/exchange/inbox";

export const dynamic = "force-dynamic";

const MAX_BODY = 6 * 1024 * 1024;

/**
 * The HTTP transport between deployments: the body is one signed message (compact JWS). The
 * signature is the authentication; the answer is the receiver's inbox outcome. 200 processed or
 * replayed, 422 refused (final: the sender stops retrying), 413/400 for a body that is not a message.
 */
export async function POST(request: Request) {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_BODY) return Response.json({ status: "refused", refusal: { code: "malformed-jws", message: "body too large" } }, { status: 413 });
  const jws = (await request.text()).trim();
  if (!jws || jws.length > MAX_BODY) return Response.json({ status: "refused", refusal: { code: "malformed-jws", message: "empty or oversized body" } }, { status: 400 });
  const outcome = await receiveMessage(jws, "http");
  return Response.json(outcome, { status: outcome.status === "refused" ? 422 : 200 });
}
