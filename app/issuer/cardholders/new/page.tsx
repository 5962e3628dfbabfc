import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SimpleForm } from "@/components/issuer/simple-form";
import { LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { requirePortal } from "@/lib/server/auth/session";
import { createCardholderAction } from "../actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.newCardholder"))("title") };
}

export default async function NewCardholderPage() {
  await requirePortal("issuer", "/issuer/cardholders/new");
  const [t, sex] = await Promise.all([getTranslations("issuer.newCardholder"), getTranslations("issuer.cardholder.sex")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} actions={<LinkButton href="/issuer/cardholders">{t("all")}</LinkButton>} />
      <Panel>
        <SimpleForm
          action={createCardholderAction}
          idPrefix="new-holder"
          ariaLabel={t("title")}
          submitLabel={t("submit")}
          pendingLabel={t("pending")}
          fields={[
            { kind: "text", name: "fullName", label: t("fullName"), hint: t("fullNameHint") },
            { kind: "text", name: "fullNameKana", label: t("kana"), hint: t("kanaHint") },
            {
              kind: "select",
              name: "sex",
              label: t("sex"),
              options: [
                { value: "undisclosed", label: sex("undisclosed") },
                { value: "female", label: sex("female") },
                { value: "male", label: sex("male") },
                { value: "other", label: sex("other") },
              ],
            },
            { kind: "date", name: "birthDate", label: t("birthDate") },
            { kind: "text", name: "occupation", label: t("occupation") },
            { kind: "number", name: "annualIncomeMinor", label: t("income"), min: 0 },
            { kind: "text", name: "postalCode", label: t("postalCode"), placeholder: "150-0002" },
            { kind: "text", name: "address", label: t("address") },
            { kind: "email", name: "email", label: t("email") },
            { kind: "text", name: "phone", label: t("phone"), placeholder: "090-1234-5678" },
            {
              kind: "select",
              name: "locale",
              label: t("locale"),
              options: [
                { value: "en", label: "English" },
                { value: "ja", label: "日本語" },
              ],
            },
            {
              kind: "select",
              name: "platformType",
              label: t("firstCard"),
              options: [
                { value: "100", label: t("pf100") },
                { value: "200", label: t("pf200") },
              ],
            },
          ]}
        />
      </Panel>
    </>
  );
}
