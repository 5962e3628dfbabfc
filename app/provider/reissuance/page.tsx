import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatInstant } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listCardInquiries, listReissueNotices } from "@/lib/server/data/provider/reissuance";
import { FieldErrors } from "@/components/ui/field";
import { parseSearchParam } from "@/lib/validation/fields";

export const metadata: Metadata = { title: "Reissuance information" };

const NG_WORDS: Record<string, string> = {
  "attribute-data-invalid": "attribute data could not be read",
  "card-not-found": "card unknown to the issuer",
  "not-a-reissued-card": "not a reissued card",
  "application-not-on-old-card": "application not on the old card",
  "old-load-not-successful": "old load not successful",
};

export default async function ReissuancePage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const actor = await requirePortal("provider", "/provider/reissuance");
  const search = parseSearchParam((await searchParams).q, 64);
  const query = search.query;
  const [notices, inquiries] = await Promise.all([listReissueNotices(actor, { query }), listCardInquiries(actor, { query })]);
  return (
    <>
      <PageHeader
        title="Reissuance information"
        description="What the issuer told us about reissued cards: old ↔ reissued card id pairs for platform-100 cards (Figs. 12/13, pushed at reissue time or pulled at the desk, Fig. 19), and the reissue OK/NG answers with the original message id for platform-200 cards (Figs. 15/16), which never carry a card id."
      />
      <form className="mb-6 flex gap-2" role="search" aria-label="Search reissuance information">
        <input
          type="search"
          name="q"
          defaultValue={query}
          aria-label="Card id, message id or AID"
          placeholder="Card id, message id or AID…"
          className="w-96 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
          aria-describedby="q-error"
        />
        <FieldErrors id="q-error" errors={search.error ? [search.error] : undefined} />
        <button className="rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">Search</button>
      </form>
      <Panel title="Old ↔ reissued cards (Fig. 13, method 1)" className="mb-6">
        <Table
          caption="Reissued card pairs"
          head={["Reissued card id", "Old card id", "Reissued", "Received", "How", "Message"]}
          empty={query ? "No pair matches." : "No reissuance information received yet."}
        >
          {notices.map((n) => (
            <tr key={n.id}>
              <Td mono>{n.reissuedCardId}</Td>
              <Td mono>{n.oldCardId}</Td>
              <Td>{formatInstant(n.reissuedAt)}</Td>
              <Td>{formatInstant(n.receivedAt)}</Td>
              <Td>
                <Badge tone={n.via === "push" ? "info" : "warn"}>{n.via === "push" ? "pushed by the issuer" : "pulled at the desk"}</Badge>
              </Td>
              <Td mono>{n.sourceMessageId}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
      <Panel title="Card information inquiries (Fig. 16, method 2)">
        <Table
          caption="Card information inquiries"
          head={["Asked", "Application", "Inquiry", "Reissue", "Original message id", "Answer"]}
          empty={query ? "No inquiry matches." : "No inquiry sent yet."}
        >
          {inquiries.map((i) => (
            <tr key={i.id}>
              <Td>{formatInstant(i.askedAt)}</Td>
              <Td mono>{i.applicationAid}</Td>
              <Td mono>{i.requestMessageId}</Td>
              <Td>
                {i.reissueOk === null ? (
                  <Badge tone="warn">no answer yet</Badge>
                ) : i.reissueOk ? (
                  <Badge tone="good">OK</Badge>
                ) : (
                  <Badge tone="bad">NG: {NG_WORDS[i.ngReason ?? ""] ?? i.ngReason}</Badge>
                )}
              </Td>
              <Td mono>{i.originalMessageId ?? "—"}</Td>
              <Td mono>{i.replyMessageId ?? "—"}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
