import "server-only";
import type { RoleHandlers } from "../types";

/** What the issuer does with each message it may receive (DB 104). */
export const ISSUER_HANDLERS: RoleHandlers = {};
