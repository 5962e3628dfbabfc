import { z } from "zod";
import { fromHex } from "@/lib/core/bytes";
import { authorize } from "@/lib/server/auth/session";
import { APPLICATION_KEY_PURPOSES, continueApplicationKeys, startApplicationKeys } from "@/lib/server/data/provider/application-keys";
import { MAX_RELAY_RESPONSES } from "@/lib/server/card-relay";

export const dynamic = "force-dynamic";

const Hex = z
  .string()
  .min(4)
  .max(2 * 65_538)
  .regex(/^(?:[0-9A-Fa-f]{2})+$/);
const BodySchema = z.union([
  z.object({ start: z.object({ purpose: z.enum(APPLICATION_KEY_PURPOSES), messageId: z.string().min(8).max(64) }) }),
  z.object({ ticket: z.string().min(16).max(4096), responses: z.array(Hex).max(MAX_RELAY_RESPONSES) }),
]);

/**
 * A provider application's own keys through the desk (docs/provider.md "Application keys"): the desk
 * starts a conversation for one of its company's loads, then posts the card's answers; the provider's
 * server answers with the next command for the card, or the result. Keys and session keys stay on the
 * server (the ticket is sealed); the desk relays APDUs only.
 */
export async function POST(request: Request) {
  const auth = await authorize("provider");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const parsed = BodySchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: "invalid", message: "Not a request for an application's keys." }, { status: 400 });
  const headers = { "Cache-Control": "no-store" };
  if ("start" in parsed.data) {
    const started = await startApplicationKeys(auth.actor, parsed.data.start);
    if (!started.ok)
      return Response.json({ error: started.error.code, message: started.error.message }, { status: started.error.code === "not-found" ? 404 : 409, headers });
    return Response.json(started.value, { headers });
  }
  const next = await continueApplicationKeys(auth.actor, { ticket: parsed.data.ticket, responses: parsed.data.responses.map((r) => fromHex(r.toUpperCase())) });
  if (!next.ok)
    return Response.json(
      { error: next.error.code, message: next.error.message, ...("sw" in next.error ? { sw: next.error.sw } : {}) },
      { status: 409, headers },
    );
  return Response.json({ step: next.value }, { headers });
}
