import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { SimpleForm } from "@/components/issuer/simple-form";
import { Badge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { requirePortal } from "@/lib/server/auth/session";
import { listIssuerCardKeys } from "@/lib/server/data/issuer/card-keys";
import { checkRecordedLoadAction, startRotationAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.keys"))("title") };
}

export default async function CardKeysPage() {
  const actor = await requirePortal("issuer", "/issuer/keys");
  const versions = await listIssuerCardKeys(actor);
  const current = versions.find((v) => v.state === "current");
  const [t, format] = await Promise.all([getTranslations("issuer.keys"), getFormatter()]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Panel title={t("versions")}>
        <Table caption={t("versionsCaption")} head={[t("col.version"), t("col.state"), t("col.created"), t("col.by"), t("col.fingerprint"), t("col.cards")]}>
          {versions.map((v) => (
            <tr key={v.version}>
              <Td mono>{v.versionHex}</Td>
              <Td>
                <Badge tone={v.state === "current" ? "good" : "neutral"}>{t(`states.${v.state}`)}</Badge>
              </Td>
              <Td>{v.createdAt ? format.dateTime(new Date(v.createdAt), "dateTime") : t("configured")}</Td>
              <Td>{v.createdBy ?? "—"}</Td>
              <Td mono>{v.fingerprint}</Td>
              <Td>{format.number(v.cards)}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
      <Panel title={t("rotation.title")} className="mt-6">
        <p className="mb-3 text-sm text-slate-600">
          {t("rotation.text", { next: current ? (current.version + 1).toString(16).toUpperCase() : "—", current: current?.versionHex ?? "—" })}
        </p>
        <SimpleForm
          action={startRotationAction}
          ariaLabel={t("rotation.label")}
          idPrefix="rotation"
          submitLabel={t("rotation.title")}
          pendingLabel={t("rotation.pending")}
          fields={[
            { kind: "textarea", name: "reason", label: t("rotation.reason"), hint: t("rotation.reasonHint") },
            {
              kind: "select",
              name: "cause",
              label: t("rotation.cause"),
              options: [
                { value: "scheduled", label: t("rotation.scheduled") },
                { value: "compromised", label: t("rotation.compromised") },
              ],
              defaultValue: "scheduled",
            },
          ]}
        />
      </Panel>
      <Panel title={t("verify.title")} className="mt-6">
        <SimpleForm
          action={checkRecordedLoadAction}
          ariaLabel={t("verify.title")}
          idPrefix="verify"
          submitLabel={t("verify.submit")}
          pendingLabel={t("verify.pending")}
          variant="secondary"
          fields={[{ kind: "text", name: "messageId", label: t("verify.messageId"), placeholder: "RECARD01-METRO01-I0000000001" }]}
        />
      </Panel>
    </>
  );
}
