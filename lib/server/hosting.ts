import "server-only";
import type { Db } from "./db";
import { env } from "./env";
import { parseHosts } from "./hosts";

/**
 * Which companies this deployment hosts (issue 11, docs/deployment.md): `RECARD_HOSTS`, a comma-separated
 * list of company ids ("RECARD01" for the issuer's deployment, "METRO01" for Metro's…); unset, it hosts
 * every company in its database (one process for everyone, the demo). A company not hosted here is
 * reached over HTTP (`RECARD_PEERS`); this deployment never signs in its people nor receives its messages.
 */
export function hostedCompanies(): ReadonlySet<string> | null {
  return parseHosts(env().RECARD_HOSTS);
}

/** Whether this deployment may act as `companyId` (always, when RECARD_HOSTS is unset). */
export function hostsCompany(companyId: string): boolean {
  const hosts = hostedCompanies();
  return hosts === null || hosts.has(companyId);
}

/**
 * The company an account acts for that this deployment does not host, or null when it may sign in
 * here. Cardholders are the issuer's: their accounts live where an issuer is hosted.
 */
export async function unhostedCompanyOf(
  db: Pick<Db, "issuerCompany">,
  user: { role: "issuer" | "provider" | "cardholder"; issuerCompanyId: string | null; providerCompanyId: string | null },
): Promise<string | null> {
  const hosts = hostedCompanies();
  if (hosts === null) return null;
  switch (user.role) {
    case "issuer":
      return hosts.has(user.issuerCompanyId ?? "") ? null : (user.issuerCompanyId ?? "?");
    case "provider":
      return hosts.has(user.providerCompanyId ?? "") ? null : (user.providerCompanyId ?? "?");
    case "cardholder": {
      // A company id, never words (the sign-in form renders the refusal in the person's language).
      const issuers = await db.issuerCompany.findMany({ select: { companyId: true }, orderBy: { companyId: "asc" } });
      if (issuers.some((i) => hosts.has(i.companyId))) return null;
      return issuers[0]?.companyId ?? "ISSUER";
    }
  }
}
