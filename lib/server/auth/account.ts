import "server-only";
import type { Db } from "../db";
import type { Role } from "../generated/prisma/client";

/** What a session carries besides the person: the role and the tenant it is scoped to. */
export type AccountScope = {
  role: Role;
  /** issuer: issuer company id; provider: provider company id; cardholder: the issuer's cardholder id. */
  tenantId: string;
  companyName: string;
};

/** Derives the session scope from the account row (never from anything the client sends). */
export async function describeAccount(
  db: Db,
  user: { role: Role; issuerCompanyId: string | null; providerCompanyId: string | null; cardholderId: string | null },
): Promise<AccountScope> {
  switch (user.role) {
    case "issuer": {
      const company = await db.issuerCompany.findUniqueOrThrow({ where: { companyId: user.issuerCompanyId! } });
      return { role: "issuer", tenantId: company.companyId, companyName: company.name };
    }
    case "provider": {
      const company = await db.spCompany.findUniqueOrThrow({ where: { providerCompanyId: user.providerCompanyId! } });
      return { role: "provider", tenantId: company.providerCompanyId, companyName: company.name };
    }
    case "cardholder": {
      const issuer = await db.issuerCompany.findFirstOrThrow();
      return { role: "cardholder", tenantId: user.cardholderId!, companyName: issuer.name };
    }
  }
}
