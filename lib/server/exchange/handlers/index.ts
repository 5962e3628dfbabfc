import "server-only";
import type { RoleHandlers } from "../types";
import { ISSUER_HANDLERS } from "./issuer";
import { PROVIDER_HANDLERS } from "./provider";

/** The handlers of the receiving company's role: each company acts only on what it may receive. */
export function handlersFor(role: "issuer" | "provider"): RoleHandlers {
  return role === "issuer" ? ISSUER_HANDLERS : PROVIDER_HANDLERS;
}
