import { OUTCOME_VERSION } from "@/lib/core/messages";
import { clientAddress } from "@/lib/server/auth/sign-in";
import { receiveMessage } from "@/lib/server/exchange/inbox";
import { addressLimit, RateLimited } from "@/lib/server/exchange/limits";

export const dynamic = "force-dynamic";

/** The largest message accepted (a compact JWS; the biggest real ones are a few hundred kB). */
const MAX_EXCHANGE_BODY = 6 * 1024 * 1024;

type BodyRead = { ok: true; text: string } | { ok: false; status: 400 | 413; message: string };

/**
 * Reads the body chunk by chunk and stops as soon as it passes `max` bytes: a chunked (or lying)
 * body is never read whole. The rest of the stream is cancelled.
 */
async function readBounded(request: Request, max: number): Promise<BodyRead> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > max) return { ok: false, status: 413, message: "body too large" };
  if (!request.body) return { ok: false, status: 400, message: "empty body" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return { ok: false, status: 413, message: "body too large" };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, text: new TextDecoder().decode(bytes) };
}

const refusedBody = (message: string) => ({ v: OUTCOME_VERSION, status: "refused", refusal: { code: "malformed-jws", message } });

function tooMany(retryAfterSeconds: number): Response {
  return Response.json(
    { status: "limited", retryAfterSeconds },
    { status: 429, headers: { "Retry-After": String(retryAfterSeconds), "Cache-Control": "no-store" } },
  );
}

/**
 * The HTTP transport between deployments: the body is one signed message (compact JWS). The
 * signature is the authentication; the answer is the receiver's inbox outcome. 200 processed or
 * replayed, 422 refused (final: the sender stops retrying), 413/400 for a body that is not a message,
 * 429 with Retry-After over a rate limit (per client address, then per verified sender: limits.ts).
 */
export async function POST(request: Request) {
  const address = clientAddress({ "x-forwarded-for": request.headers.get("x-forwarded-for") ?? undefined });
  const byAddress = await addressLimit(address);
  if (!byAddress.ok) {
    await request.body?.cancel().catch(() => {});
    return tooMany(byAddress.retryAfterSeconds);
  }
  const body = await readBounded(request, MAX_EXCHANGE_BODY);
  // Connection: close ends the connection with the refusal, so Node's server does not go on reading and
  // discarding the rest of a refused body on a kept-alive connection (a 50 MB post: docs/security.md).
  if (!body.ok) return Response.json(refusedBody(body.message), { status: body.status, headers: { connection: "close" } });
  const jws = body.text.trim();
  if (!jws) return Response.json(refusedBody("empty body"), { status: 400 });
  try {
    const outcome = await receiveMessage(jws, "http", new Date(), { limitSender: true });
    return Response.json(outcome, { status: outcome.status === "refused" ? 422 : 200 });
  } catch (error) {
    if (error instanceof RateLimited) return tooMany(error.retryAfterSeconds);
    throw error;
  }
}
