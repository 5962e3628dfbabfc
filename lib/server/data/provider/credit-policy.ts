import "server-only";
import type { CreditPolicy } from "@/lib/core/workflows/first-load";
import type { ProviderActor } from "../../auth/session";
import { db } from "./db";

/** The provider's own credit policy (claims 11/12: the examination a reload later reuses). */

export type CreditPolicyView = CreditPolicy & { updatedAt: Date; currency: string };

const FALLBACK: CreditPolicy = { version: "default", minAnnualIncomeMinor: 0, limitPercentOfIncome: 0, maxLimitMinor: 0, requiresInvestigation: true };

/** The signed-in provider's policy; a provider without one examines strictly (investigation required, no credit). */
export async function getCreditPolicy(actor: ProviderActor): Promise<CreditPolicyView> {
  // The company's currency and its policy (if any) in one statement (issue 16: the desk page reads it on every view).
  const [row] = await db().$queryRaw<(Partial<CreditPolicy> & { currency: string; updatedAt: Date | null })[]>`
    SELECT c.currency, p.version, p.min_annual_income_minor AS "minAnnualIncomeMinor", p.limit_percent_of_income AS "limitPercentOfIncome",
      p.max_limit_minor AS "maxLimitMinor", p.requires_investigation AS "requiresInvestigation", p.updated_at AS "updatedAt"
    FROM sp_companies c LEFT JOIN sp_credit_policies p ON p.provider_company_id = c.provider_company_id
    WHERE c.provider_company_id = ${actor.providerCompanyId}`;
  if (!row) throw new Error(`No provider company ${actor.providerCompanyId}.`);
  const p =
    row.version === null || row.version === undefined
      ? { ...FALLBACK, updatedAt: new Date(0) }
      : {
          version: row.version,
          minAnnualIncomeMinor: row.minAnnualIncomeMinor!,
          limitPercentOfIncome: row.limitPercentOfIncome!,
          maxLimitMinor: row.maxLimitMinor!,
          requiresInvestigation: row.requiresInvestigation!,
          updatedAt: row.updatedAt!,
        };
  return {
    version: p.version,
    minAnnualIncomeMinor: p.minAnnualIncomeMinor,
    limitPercentOfIncome: p.limitPercentOfIncome,
    maxLimitMinor: p.maxLimitMinor,
    requiresInvestigation: p.requiresInvestigation,
    updatedAt: p.updatedAt,
    currency: row.currency,
  };
}

/** The next policy version: "HOSHI01-2025.1" → "HOSHI01-2025.2"; anything else gets "-2". */
export function nextPolicyVersion(version: string): string {
  const m = /^(.*\.)(\d+)$/.exec(version);
  if (m) return `${m[1]}${Number(m[2]) + 1}`;
  const d = /^(.*-)(\d+)$/.exec(version);
  return d ? `${d[1]}${Number(d[2]) + 1}` : `${version}-2`;
}

/**
 * Saves a new version of the policy. Examinations already made keep the version they were made
 * under (sp_credit_investigations.policy_version), so a reload shows which rules the reused
 * examination followed.
 */
export async function updateCreditPolicy(actor: ProviderActor, input: Omit<CreditPolicy, "version">): Promise<CreditPolicyView> {
  const providerCompanyId = actor.providerCompanyId;
  await db().$transaction(async (tx) => {
    // Two saves at once take turns on the row, so each gets its own version.
    const [current] = await tx.$queryRaw<
      { version: string }[]
    >`SELECT version FROM sp_credit_policies WHERE provider_company_id = ${providerCompanyId} FOR UPDATE`;
    const version = nextPolicyVersion(current ? current.version : `${providerCompanyId}-1`);
    await tx.spCreditPolicy.upsert({
      where: { providerCompanyId },
      create: { providerCompanyId, version, ...input },
      update: { version, ...input },
    });
  });
  return getCreditPolicy(actor);
}
