import { z } from "zod";
import { fromHex } from "@/lib/core/bytes";
import { authorize } from "@/lib/server/auth/session";
import { MAX_RELAY_RESPONSES } from "@/lib/server/card-relay";
import { continueCardKeyUpdate, startCardKeyUpdate } from "@/lib/server/data/issuer/card-reader";

export const dynamic = "force-dynamic";

const Hex = z
  .string()
  .min(4)
  .max(2 * 65_538)
  .regex(/^(?:[0-9A-Fa-f]{2})+$/);
const BodySchema = z.union([
  z.object({ start: z.literal(true) }),
  z.object({ ticket: z.string().min(16).max(4096), responses: z.array(Hex).max(MAX_RELAY_RESPONSES) }),
]);

/**
 * An issuer contact with the card in a reader (docs/issuer.md "Key update at an issuer contact"): the
 * reader's page starts it, then posts the card's answers; the issuer's server answers the next command
 * (SCP03 host side, ISD keys on the server) or the result, which it records.
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }) {
  const auth = await authorize("issuer");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const { id } = await context.params;
  const parsed = BodySchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: "invalid", message: "Not a step of an issuer contact." }, { status: 400 });
  const headers = { "Cache-Control": "no-store" };
  if ("start" in parsed.data) {
    const started = await startCardKeyUpdate(auth.actor, id);
    if (!started.ok)
      return Response.json({ error: started.error.code, message: started.error.message }, { status: started.error.code === "not-found" ? 404 : 409, headers });
    return Response.json(started.value, { headers });
  }
  const next = await continueCardKeyUpdate(auth.actor, { ticket: parsed.data.ticket, responses: parsed.data.responses.map((r) => fromHex(r.toUpperCase())) });
  if (!next.ok)
    return Response.json(
      { error: next.error.code, message: next.error.message, ...("sw" in next.error ? { sw: next.error.sw } : {}) },
      { status: 409, headers },
    );
  return Response.json({ step: next.value }, { headers });
}
