import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { fromHex, toHex } from "@/lib/core/bytes";
import { describeLeaseRefusal } from "@/lib/core/lease-words";
import { authorize } from "@/lib/server/auth/session";
import { relayApdu } from "@/lib/server/data/card-lease";
import { UuidSchema } from "@/lib/validation/provider-desk";

export const dynamic = "force-dynamic";

const RelaySchema = z.object({
  leaseId: UuidSchema,
  tab: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  // An extended APDU: 7 header bytes, up to 65 535 data bytes, 2 Le bytes.
  apdu: z
    .string()
    .min(8)
    .max(2 * 65_544)
    .regex(/^(?:[0-9A-Fa-f]{2})+$/),
});

/**
 * The presented-card transport (docs/reader.md): one command APDU from the desk to the cardholder's card,
 * which stays in the wallet; the answer is the card's response ‖ SW1 SW2. The desk must be a provider and
 * hold the card's live lease (its company, its account, its tab); otherwise 409 with the lease refusal.
 */
export async function POST(request: Request) {
  const auth = await authorize("provider");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const parsed = RelaySchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: "invalid", message: "Not an APDU for a card at this desk." }, { status: 400 });
  const relayed = await relayApdu(auth.actor, { leaseId: parsed.data.leaseId, deskTab: parsed.data.tab, apdu: fromHex(parsed.data.apdu.toUpperCase()) });
  if (!relayed.ok)
    return Response.json(
      { error: relayed.error.code, params: relayed.error.params, message: describeLeaseRefusal(relayed.error, await getTranslations("provider.lease")) },
      { status: relayed.error.code === "no-lease" ? 404 : 409, headers: { "Cache-Control": "no-store" } },
    );
  return Response.json({ response: toHex(relayed.response) }, { headers: { "Cache-Control": "no-store" } });
}
