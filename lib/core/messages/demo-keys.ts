/**
 * Company signing keys. generateCompanyKeys makes a fresh key pair for a real deployment;
 * DEMO_COMPANIES are the demo companies the seed registers, with the public halves of their FIXED
 * key pairs. The private halves (lib/secrets/demo-company-keys.ts, server-only) are public knowledge
 * (they are in this repository): anyone can sign as these companies. Never trust them outside a demo.
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

/** A demo company: who it is, and the public half of its FIXED demo key pair. */
export type DemoCompany = Omit<CompanyKeyPair, "privateKey"> & {
  readonly name: string;
  readonly role: CompanyRole;
  /** What the provider's application does (providers only). */
  readonly service?: "transit" | "credit" | "loyalty";
};

const demo = (companyId: string, name: string, role: CompanyRole, service: DemoCompany["service"], x: string, y: string): DemoCompany => ({
  companyId,
  name,
  role,
  ...(service === undefined ? {} : { service }),
  kid: formatKeyId(companyId, "demo-1"),
  alg: "ES256",
  publicKey: { kty: "EC", crv: "P-256", x, y },
});

/**
 * The demo issuer and providers with the PUBLIC halves of their fixed demo key pairs. The private
 * halves (DEMO ONLY, publicly known) are server-only, in lib/secrets/demo-company-keys.ts.
 */
export const DEMO_COMPANIES = {
  RECARD01: demo(
    "RECARD01",
    "ReCard Issuing",
    "issuer",
    undefined,
    "rWLbsUENg6-hhlU-vnHeg8Z6gSriDaakCTVyZloYR_c",
    "XtNBhdwKCLIrdDHSE7b3AuByXw6tE370lh88ZyocDZ0",
  ),
  METRO01: demo(
    "METRO01",
    "Metro Transit",
    "provider",
    "transit",
    "VKC7XyaptUiQ0ioC06MLGpTHR3193JDjS1Ri0zan_9I",
    "RTHWhXWO4YqN_aL_A3xqXs7pZ2PskmFwqsnn5YWS5UM",
  ),
  HOSHI01: demo(
    "HOSHI01",
    "Hoshi Card Services",
    "provider",
    "credit",
    "huA4AhpRn63UBpbo4-IaMSR14atsnAIq2X1DHE5Z8Yk",
    "kdLAOBNv4ehbUvxeS-WBIDycIeTf9PJDIbDcdxatkKc",
  ),
  SAKURA01: demo(
    "SAKURA01",
    "Sakura Points",
    "provider",
    "loyalty",
    "qYBgNvuBB1yejuRibE9zqmMiRZViqu_9b8q-hXT-CTk",
    "xxNAl-9zAOVx2mj4H_jLaSIm-IbhVfQYatjyqtbN1wg",
  ),
} as const satisfies Record<string, DemoCompany>;

export type DemoCompanyId = keyof typeof DEMO_COMPANIES;

/** A resolveSenderKey for verifyMessage over the demo companies (tests and the demo seed). */
export async function resolveDemoKey(companyId: string, kid: string): Promise<JsonWebKey | null> {
  const company = (DEMO_COMPANIES as Record<string, DemoCompany | undefined>)[companyId];
  return company && company.kid === kid ? company.publicKey : null;
}
