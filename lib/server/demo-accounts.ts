import "server-only";
import { DEMO_CARDHOLDERS, DEMO_ISSUER_ACCOUNTS, DEMO_PASSWORD, DEMO_PROVIDERS } from "@/prisma/seed/demo-data";
import { demoKeysInUse, type DeploymentVars } from "./deployment";

export type DemoAccount = { email: string; name: string; kana?: string; portal: "issuer" | "provider" | "cardholder"; company?: string };

/**
 * The accounts a newcomer can try, for the hint on the sign-in page (issue 15). Only while this
 * deployment signs with the public demo keys: a deployment with its own keys never seeds these
 * accounts (lib/server/deployment.ts), so it never advertises them.
 */
export function demoAccountsHint(vars: DeploymentVars = process.env): { password: string; accounts: DemoAccount[] } | null {
  if (!demoKeysInUse(vars)) return null;
  return {
    password: DEMO_PASSWORD,
    accounts: [
      ...DEMO_ISSUER_ACCOUNTS.map((a) => ({ ...a, portal: "issuer" as const, company: "ReCard Card Co." })),
      ...DEMO_PROVIDERS.map((p) => ({ email: p.desk.email, name: p.desk.name, portal: "provider" as const, company: p.name })),
      ...DEMO_CARDHOLDERS.filter((c) => c.account).map((c) => ({ email: c.account as string, name: c.name, kana: c.kana, portal: "cardholder" as const })),
    ],
  };
}
