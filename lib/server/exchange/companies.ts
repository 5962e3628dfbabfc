import "server-only";
import { z } from "zod";
import type { CompanyRole, SigningKey } from "@/lib/core/messages";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { db, type Prisma } from "../db";
import { env } from "../env";
import { hostsCompany } from "../hosting";

type Tx = Pick<Prisma.TransactionClient, "issuerCompany" | "spCompany">;

const KeyMapSchema = z.record(z.string(), z.object({ kid: z.string(), privateKey: z.record(z.string(), z.unknown()) }));
const PeerMapSchema = z.record(z.string(), z.url());

let keyMap: Map<string, SigningKey> | undefined;

/** The signing key of a company hosted here (configured keys, else the public demo keys). */
export function signingKeyOf(companyId: string): SigningKey {
  if (!keyMap) {
    keyMap = new Map();
    const configured = env().RECARD_COMPANY_KEYS;
    if (configured) {
      for (const [id, k] of Object.entries(KeyMapSchema.parse(JSON.parse(configured)))) keyMap.set(id, { kid: k.kid, privateKey: k.privateKey as JsonWebKey });
    } else {
      for (const demo of Object.values(DEMO_COMPANY_KEYS)) keyMap.set(demo.companyId, { kid: demo.kid, privateKey: demo.privateKey });
    }
  }
  const key = keyMap.get(companyId);
  if (!key) throw new Error(`no signing key for company ${companyId} in this deployment`);
  return key;
}

/** Base URL of a company hosted by another deployment, or null when it is hosted here or unknown. */
export function peerUrlOf(companyId: string): string | null {
  const configured = env().RECARD_PEERS;
  if (!configured) return null;
  return PeerMapSchema.parse(JSON.parse(configured))[companyId] ?? null;
}

/**
 * Companies found hosted here, per process (issue 16: every delivery asked twice, two queries each).
 * Companies are created by the seed and never removed or given another role, so a positive answer
 * stays true; "not hosted" is not remembered, so a company seeded later is found at once.
 */
const hostedRoles = new Map<string, CompanyRole>();

/** The role of a company hosted by this deployment, or null when it is not hosted here. */
export async function hostedRole(companyId: string, tx: Tx = db()): Promise<CompanyRole | null> {
  // RECARD_HOSTS: a company this deployment does not host is not acted for, whatever its database holds.
  if (!hostsCompany(companyId)) return null;
  const known = hostedRoles.get(companyId);
  if (known) return known;
  let role: CompanyRole | null = null;
  if (await tx.issuerCompany.findUnique({ where: { companyId }, select: { companyId: true } })) role = "issuer";
  else if (await tx.spCompany.findUnique({ where: { providerCompanyId: companyId }, select: { providerCompanyId: true } })) role = "provider";
  if (role) hostedRoles.set(companyId, role);
  return role;
}
