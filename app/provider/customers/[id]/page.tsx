import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatDate, formatInstant, formatMoney, platformTypeShort } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { applicationsOf } from "@/lib/server/data/provider/catalog";
import { getCustomer, type CustomerLoad } from "@/lib/server/data/provider/customers";

export const metadata: Metadata = { title: "Customer" };

function LoadRows({ loads, nameOf }: { loads: CustomerLoad[]; nameOf: (aid: string) => string }) {
  return loads.map((l) => (
    <tr key={l.id}>
      <Td mono>
        <Link className="underline" href={`/provider/records/${l.id}`}>
          {l.messageId}
        </Link>
      </Td>
      <Td>{nameOf(l.applicationAid)}</Td>
      <Td>{platformTypeShort(l.platformType)}</Td>
      <Td>
        {l.kind === "reload" ? <Badge tone="info">reload</Badge> : "first load"}
        {l.previousMessageId ? <span className="ml-1 font-mono text-xs text-slate-500">of {l.previousMessageId}</span> : null}
      </Td>
      <Td>
        <StatusBadge status={l.status} />
      </Td>
      <Td>
        {l.examination
          ? `${l.examination.outcome}${l.examination.limitMinor ? `, limit ${formatMoney(l.examination.limitMinor, l.charge?.currency ?? "JPY")}` : ""} (${formatDate(l.examination.investigatedAt)})`
          : "—"}
      </Td>
      <Td>{l.charge ? `${formatMoney(l.charge.amountMinor, l.charge.currency)} ${l.charge.kind === "reissue_reload" ? "reissue" : "normal"}` : "—"}</Td>
      <Td>{l.loadedAt ? formatInstant(l.loadedAt) : "—"}</Td>
    </tr>
  ));
}

const HEAD = ["Message id", "Application", "Platform", "Kind", "Status", "Examination", "Charge", "Loaded"];

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePortal("provider", `/provider/customers/${id}`);
  const c = await getCustomer(actor, id);
  if (!c) notFound();
  const apps = applicationsOf(actor.providerCompanyId);
  const nameOf = (aid: string) => apps.find((a) => a.aid === aid)?.name ?? aid;
  return (
    <>
      <PageHeader title={c.fullName} description={`Customer ${c.customerNo}, since ${formatDate(c.createdAt)}.`} />
      <Panel title="User information" className="mb-6">
        <dl className="grid grid-cols-1 gap-x-8 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]" data-testid="customer">
          <dt className="text-slate-500">Customer number</dt>
          <dd className="font-mono">{c.customerNo}</dd>
          <dt className="text-slate-500">Born</dt>
          <dd>{c.birthDate ? formatDate(c.birthDate) : "—"}</dd>
          <dt className="text-slate-500">E-mail</dt>
          <dd>{c.email ?? "—"}</dd>
          <dt className="text-slate-500">Phone</dt>
          <dd>{c.phone ?? "—"}</dd>
          <dt className="text-slate-500">Address</dt>
          <dd>{c.address ?? "—"}</dd>
        </dl>
      </Panel>
      <Panel title="By card id (Fig. 14, platform-100 cards)" className="mb-6">
        {c.byCardId.length === 0 && <p className="text-sm text-slate-500">No platform-100 card: a platform-200 card never tells us its id.</p>}
        {c.byCardId.map((card) => (
          <div key={card.cardId} className="mb-4">
            <h3 className="mb-1 font-mono text-sm font-semibold">{card.cardId}</h3>
            <Table caption={`Loads on card ${card.cardId}`} head={HEAD}>
              <LoadRows loads={card.loads} nameOf={nameOf} />
            </Table>
          </div>
        ))}
      </Panel>
      <Panel title="By message id (Fig. 17, every load)" className="mb-6">
        <Table caption="Loads by message id" head={HEAD} empty="No loads.">
          <LoadRows loads={c.byMessageId} nameOf={nameOf} />
        </Table>
      </Panel>
      <Panel title="Examinations (credit investigations)">
        <Table
          caption="Examinations"
          head={["When", "Application", "Outcome", "Limit", "Declared income", "Existing limits", "Policy", "By"]}
          empty="No examination."
        >
          {c.examinations.map((e) => (
            <tr key={e.id}>
              <Td>{formatInstant(e.investigatedAt)}</Td>
              <Td>{nameOf(e.applicationAid)}</Td>
              <Td>
                <StatusBadge status={e.outcome} />
              </Td>
              <Td>{formatMoney(e.limitMinor, "JPY")}</Td>
              <Td>{formatMoney(e.declaredIncomeMinor, "JPY")}</Td>
              <Td>{formatMoney(e.existingLimitsMinor, "JPY")}</Td>
              <Td mono>{e.policyVersion}</Td>
              <Td>{e.investigatedBy}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
