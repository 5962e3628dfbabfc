import "server-only";
import { companyOf } from "../data/messages";
import { getActor, type AuthRefusal } from "./session";

/** For the message pages, actions and routes: the signed-in issuer or provider company (fails closed). */
export async function authorizeCompany(): Promise<{ ok: true; companyId: string; role: "issuer" | "provider" } | { ok: false; refusal: AuthRefusal }> {
  const actor = await getActor();
  if (!actor) return { ok: false, refusal: { status: 401, code: "unauthenticated", message: "Sign in first." } };
  const companyId = companyOf(actor);
  if (!companyId || actor.role === "cardholder")
    return {
      ok: false,
      refusal: { status: 403, code: "forbidden", message: "Messages are exchanged between companies: this needs an issuer or provider account." },
    };
  return { ok: true, companyId, role: actor.role };
}
