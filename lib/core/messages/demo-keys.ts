/**
 * Company signing keys. generateCompanyKeys makes a fresh key pair for a real deployment;
 * DEMO_COMPANY_KEYS are FIXED key pairs for the demo companies the seed registers.
 *
 * DEMO ONLY: the private keys below are public knowledge (they are in this repository). Anyone can
 * sign as these companies. Never register them outside a demo or test database.
 */
import { exportJWK, generateKeyPair } from "jose";
import type { CompanyRole } from "./message-types";
import { formatKeyId, publicJwk, type SignatureAlgorithm } from "./signature";

/** A company's signing key pair as JWKs, with the key id that names the company. */
export type CompanyKeyPair = {
  readonly companyId: string;
  readonly kid: string;
  readonly alg: SignatureAlgorithm;
  readonly publicKey: JsonWebKey;
  readonly privateKey: JsonWebKey;
};

/** Generates a fresh key pair for `companyId` (ES256 by default: supported by every browser). */
export async function generateCompanyKeys(
  companyId: string,
  options: { readonly label?: string; readonly alg?: SignatureAlgorithm } = {},
): Promise<CompanyKeyPair> {
  const alg = options.alg ?? "ES256";
  const kid = formatKeyId(companyId, options.label ?? "key-1");
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}) });
  const privateKey = (await exportJWK(pair.privateKey)) as JsonWebKey;
  return { companyId, kid, alg, publicKey: publicJwk(privateKey), privateKey };
}

/** A demo company: who it is, and its FIXED demo key pair. */
export type DemoCompany = CompanyKeyPair & {
  readonly name: string;
  readonly role: CompanyRole;
  /** What the provider's application does (providers only). */
  readonly service?: "transit" | "credit" | "loyalty";
};

const demo = (
  companyId: string,
  name: string,
  role: CompanyRole,
  service: DemoCompany["service"],
  x: string,
  y: string,
  d: string,
): DemoCompany => ({
  companyId,
  name,
  role,
  ...(service === undefined ? {} : { service }),
  kid: formatKeyId(companyId, "demo-1"),
  alg: "ES256",
  publicKey: { kty: "EC", crv: "P-256", x, y },
  privateKey: { kty: "EC", crv: "P-256", x, y, d },
});

/** DEMO ONLY — fixed, publicly known key pairs of the demo issuer and providers (the seed uses them). */
export const DEMO_COMPANY_KEYS = {
  RECARD01: demo(
    "RECARD01",
    "ReCard Issuing",
    "issuer",
    undefined,
    "rWLbsUENg6-hhlU-vnHeg8Z6gSriDaakCTVyZloYR_c",
    "XtNBhdwKCLIrdDHSE7b3AuByXw6tE370lh88ZyocDZ0",
    "xA6EpXUq-61DWQhwPsbxbk640WRrEGsnaL-81_6t238",
  ),
  METRO01: demo(
    "METRO01",
    "Metro Transit",
    "provider",
    "transit",
    "VKC7XyaptUiQ0ioC06MLGpTHR3193JDjS1Ri0zan_9I",
    "RTHWhXWO4YqN_aL_A3xqXs7pZ2PskmFwqsnn5YWS5UM",
    "92stDbY_r4tWnWooliQKRj5oU2sjjb0NuJHX4XOoY5c",
  ),
  HOSHI01: demo(
    "HOSHI01",
    "Hoshi Card Services",
    "provider",
    "credit",
    "huA4AhpRn63UBpbo4-IaMSR14atsnAIq2X1DHE5Z8Yk",
    "kdLAOBNv4ehbUvxeS-WBIDycIeTf9PJDIbDcdxatkKc",
    "XB6U6RSuUD8ieDCF6LsD9bIhlpyID-5sFUh4_24pg5I",
  ),
  SAKURA01: demo(
    "SAKURA01",
    "Sakura Points",
    "provider",
    "loyalty",
    "qYBgNvuBB1yejuRibE9zqmMiRZViqu_9b8q-hXT-CTk",
    "xxNAl-9zAOVx2mj4H_jLaSIm-IbhVfQYatjyqtbN1wg",
    "YBDF0YjK_ePVuKuQ6AKEPn62nmvNH1YUb_KGxxkvRSM",
  ),
} as const satisfies Record<string, DemoCompany>;

export type DemoCompanyId = keyof typeof DEMO_COMPANY_KEYS;

/** A resolveSenderKey for verifyMessage over the demo companies (tests and the demo seed). */
export async function resolveDemoKey(companyId: string, kid: string): Promise<JsonWebKey | null> {
  const company = (DEMO_COMPANY_KEYS as Record<string, DemoCompany | undefined>)[companyId];
  return company && company.kid === kid ? company.publicKey : null;
}
