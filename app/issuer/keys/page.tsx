import type { Metadata } from "next";
import { SimpleForm } from "@/components/issuer/simple-form";
import { Badge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatInstant } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listIssuerCardKeys } from "@/lib/server/data/issuer/card-keys";
import { checkRecordedLoadAction, startRotationAction } from "./actions";

export const metadata: Metadata = { title: "Card keys" };

export default async function CardKeysPage() {
  const actor = await requirePortal("issuer", "/issuer/keys");
  const versions = await listIssuerCardKeys(actor);
  const current = versions.find((v) => v.state === "current");
  return (
    <>
      <PageHeader
        title="Card keys"
        description="The issuer's permission-signing and card attribute data keys. The current version signs every loading permission; cards learn a new version at their next desk visit (the desk sends the issuer's signed key update before the load). Retired versions stay on the server to verify what they signed and open attribute data of cards that have not learned the new one. Private keys never leave the server."
      />
      <Panel title="Key versions">
        <Table caption="Issuer card key versions" head={["Version", "State", "Created", "By", "Fingerprint", "Cards holding it"]}>
          {versions.map((v) => (
            <tr key={v.version}>
              <Td mono>{v.versionHex}</Td>
              <Td>
                <Badge tone={v.state === "current" ? "good" : "neutral"}>{v.state}</Badge>
              </Td>
              <Td>{v.createdAt ? formatInstant(v.createdAt) : "configured"}</Td>
              <Td>{v.createdBy ?? "—"}</Td>
              <Td mono>{v.fingerprint}</Td>
              <Td>{v.cards}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
      <Panel title="Start a rotation" className="mt-6">
        <p className="mb-3 text-sm text-slate-600">
          A new key pair is generated on the server and becomes version {current ? (current.version + 1).toString(16).toUpperCase() : "—"}; version{" "}
          {current?.versionHex ?? "—"} signs its update, which every card checks before it trusts the new key. Cards can take versions up to 7F.
        </p>
        <SimpleForm
          action={startRotationAction}
          ariaLabel="Start a key rotation"
          idPrefix="rotation"
          submitLabel="Start a rotation"
          pendingLabel="Rotating…"
          fields={[
            { kind: "textarea", name: "reason", label: "Reason", hint: "Kept in the audit log." },
            {
              kind: "select",
              name: "cause",
              label: "Why",
              options: [
                { value: "scheduled", label: "Scheduled: the current key signs the update (cards learn it at a desk)" },
                {
                  value: "compromised",
                  label: "The current signing key is compromised: no update is signed with it (cards learn it only at an issuer contact)",
                },
              ],
              defaultValue: "scheduled",
            },
          ]}
        />
      </Panel>
      <Panel title="Verify a recorded load" className="mt-6">
        <SimpleForm
          action={checkRecordedLoadAction}
          ariaLabel="Verify a recorded load"
          idPrefix="verify"
          submitLabel="Verify"
          pendingLabel="Verifying…"
          variant="secondary"
          fields={[{ kind: "text", name: "messageId", label: "Permission message id", placeholder: "RECARD01-METRO01-I0000000001" }]}
        />
      </Panel>
    </>
  );
}
