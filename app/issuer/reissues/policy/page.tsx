import type { Metadata } from "next";
import { PolicyForm } from "@/components/issuer/policy-form";
import { LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { formatInstant } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { getPolicy } from "@/lib/server/data/issuer/policy";
import { updatePolicyAction } from "./actions";

export const metadata: Metadata = { title: "Examination policy" };

export default async function PolicyPage() {
  const actor = await requirePortal("issuer", "/issuer/reissues/policy");
  const policy = await getPolicy(actor);
  return (
    <>
      <PageHeader
        title="Examination policy"
        description="The issuer's own operation policy for reissue requests (steps 502/902) and the lifetime of loading permissions. Changes apply to every request examined afterwards and are audited."
        actions={<LinkButton href="/issuer/reissues">Back to the queue</LinkButton>}
      />
      <Panel>
        <PolicyForm policy={policy} action={updatePolicyAction} />
        {policy.updatedAt && (
          <p className="mt-4 text-xs text-slate-500">
            Last changed {formatInstant(policy.updatedAt)} by {policy.updatedBy ?? "—"}.
          </p>
        )}
      </Panel>
    </>
  );
}
