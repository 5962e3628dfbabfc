import type { Metadata } from "next";
import { SimpleForm } from "@/components/issuer/simple-form";
import { LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { requirePortal } from "@/lib/server/auth/session";
import { createCardholderAction } from "../actions";

export const metadata: Metadata = { title: "New cardholder" };

export default async function NewCardholderPage() {
  await requirePortal("issuer", "/issuer/cardholders/new");
  return (
    <>
      <PageHeader
        title="New cardholder"
        description="Enter the identity you checked, choose the first card's platform type: the card is personalised and sent at once."
        actions={<LinkButton href="/issuer/cardholders">All cardholders</LinkButton>}
      />
      <Panel>
        <SimpleForm
          action={createCardholderAction}
          idPrefix="new-holder"
          ariaLabel="New cardholder"
          submitLabel="Create and issue the first card"
          pendingLabel="Creating…"
          fields={[
            { kind: "text", name: "fullName", label: "Full name", hint: "As written: kanji (山田 太郎), kana or Latin letters." },
            { kind: "text", name: "fullNameKana", label: "Reading in kana", hint: "Required for a name in kanji (やまだ たろう / ヤマダ タロウ)." },
            {
              kind: "select",
              name: "sex",
              label: "Sex",
              options: [
                { value: "undisclosed", label: "Not disclosed" },
                { value: "female", label: "Female" },
                { value: "male", label: "Male" },
                { value: "other", label: "Other" },
              ],
            },
            { kind: "date", name: "birthDate", label: "Date of birth" },
            { kind: "text", name: "occupation", label: "Occupation" },
            { kind: "number", name: "annualIncomeMinor", label: "Annual income (JPY)", min: 0 },
            { kind: "text", name: "postalCode", label: "Postal code", placeholder: "150-0002" },
            { kind: "text", name: "address", label: "Address (delivery address of the card)" },
            { kind: "email", name: "email", label: "E-mail" },
            { kind: "text", name: "phone", label: "Phone", placeholder: "090-1234-5678" },
            {
              kind: "select",
              name: "locale",
              label: "Language of notices",
              options: [
                { value: "en", label: "English" },
                { value: "ja", label: "日本語 (Japanese)" },
              ],
            },
            {
              kind: "select",
              name: "platformType",
              label: "First card",
              options: [
                { value: "100", label: "Platform type 100 (card id readable, method 1)" },
                { value: "200", label: "Platform type 200 (attribute data only, method 2)" },
              ],
            },
          ]}
        />
      </Panel>
    </>
  );
}
