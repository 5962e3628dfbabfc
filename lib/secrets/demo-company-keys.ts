import "server-only";
import { DEMO_COMPANIES, type CompanyKeyPair, type DemoCompany, type DemoCompanyId } from "@/lib/core/messages/demo-keys";

/**
 * DEMO ONLY: the private halves of the demo companies' FIXED signing keys (public knowledge: they are in
 * this repository). Server-only: no client bundle may import lib/secrets (ESLint), and the build output
 * is scanned for these `d` values (scripts/check-bundle-secrets.ts).
 */
const D: Record<DemoCompanyId, string> = {
  RECARD01: "xA6EpXUq-61DWQhwPsbxbk640WRrEGsnaL-81_6t238",
  METRO01: "92stDbY_r4tWnWooliQKRj5oU2sjjb0NuJHX4XOoY5c",
  HOSHI01: "XB6U6RSuUD8ieDCF6LsD9bIhlpyID-5sFUh4_24pg5I",
  SAKURA01: "YBDF0YjK_ePVuKuQ6AKEPn62nmvNH1YUb_KGxxkvRSM",
};

export type DemoCompanyKeys = DemoCompany & Pick<CompanyKeyPair, "privateKey">;

const withPrivate = (company: DemoCompany, d: string): DemoCompanyKeys => ({ ...company, privateKey: { ...company.publicKey, d } });

/** DEMO ONLY — the demo companies with their fixed, publicly known private keys (the seed and tests sign with them). */
export const DEMO_COMPANY_KEYS = {
  RECARD01: withPrivate(DEMO_COMPANIES.RECARD01, D.RECARD01),
  METRO01: withPrivate(DEMO_COMPANIES.METRO01, D.METRO01),
  HOSHI01: withPrivate(DEMO_COMPANIES.HOSHI01, D.HOSHI01),
  SAKURA01: withPrivate(DEMO_COMPANIES.SAKURA01, D.SAKURA01),
} as const satisfies Record<DemoCompanyId, DemoCompanyKeys>;
