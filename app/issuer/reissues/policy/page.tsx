import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { PolicyForm } from "@/components/issuer/policy-form";
import { LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { requirePortal } from "@/lib/server/auth/session";
import { getPolicy } from "@/lib/server/data/issuer/policy";
import { updatePolicyAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.policy"))("title") };
}

export default async function PolicyPage() {
  const actor = await requirePortal("issuer", "/issuer/reissues/policy");
  const [policy, t, format] = await Promise.all([getPolicy(actor), getTranslations("issuer.policy"), getFormatter()]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} actions={<LinkButton href="/issuer/reissues">{t("back")}</LinkButton>} />
      <Panel>
        <PolicyForm policy={policy} action={updatePolicyAction} />
        {policy.updatedAt && (
          <p className="mt-4 text-xs text-slate-500">
            {t("lastChanged", { at: format.dateTime(new Date(policy.updatedAt), "dateTime"), by: policy.updatedBy ?? "—" })}
          </p>
        )}
      </Panel>
    </>
  );
}
