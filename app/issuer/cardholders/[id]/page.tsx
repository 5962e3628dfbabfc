import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { IssueCardForm } from "@/components/issuer/issue-card-form";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatDate, formatMoney, groupSurfaceNumber, platformTypeShort } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { getCardholder } from "@/lib/server/data/issuer/cards";
import { SimpleForm } from "@/components/issuer/simple-form";
import { FormMessage } from "@/components/ui/field";
import { issueCardAction } from "../../cards/actions";
import { inviteCardholderAction } from "../actions";

export const metadata: Metadata = { title: "Cardholder" };

export default async function CardholderPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const created = (await searchParams).created;
  const actor = await requirePortal("issuer", `/issuer/cardholders/${id}`);
  const h = await getCardholder(actor, id);
  if (!h) notFound();
  return (
    <>
      <PageHeader
        title={h.fullName}
        description={`${h.holderNo} · cardholder since ${formatDate(h.createdAt)}`}
        actions={<LinkButton href="/issuer/cardholders">All cardholders</LinkButton>}
      />
      {typeof created === "string" && /^\d{4}$/.test(created) && (
        <div className="mb-6">
          <FormMessage tone="good">Cardholder created; their first card ending {created} was personalised and sent.</FormMessage>
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <Panel title="User information (Fig. 14)">
          <dl className="grid grid-cols-[10rem_1fr] gap-y-1 text-sm">
            {h.fullNameKana && (
              <>
                <dt className="text-slate-500">Reading</dt>
                <dd lang="ja">{h.fullNameKana}</dd>
              </>
            )}
            <dt className="text-slate-500">Notices in</dt>
            <dd>{h.locale === "ja" ? "Japanese" : "English"}</dd>
            <dt className="text-slate-500">Portal account</dt>
            <dd>{h.hasAccount ? <Badge tone="good">yes</Badge> : <Badge tone="warn">none yet</Badge>}</dd>
            <dt className="text-slate-500">Born</dt>
            <dd>{formatDate(h.birthDate)}</dd>
            <dt className="text-slate-500">Sex</dt>
            <dd>{h.sex}</dd>
            <dt className="text-slate-500">Occupation</dt>
            <dd>{h.occupation}</dd>
            <dt className="text-slate-500">Annual income</dt>
            <dd>{formatMoney(h.annualIncomeMinor, h.currency)}</dd>
            <dt className="text-slate-500">Address</dt>
            <dd>
              {h.postalCode} {h.address}
            </dd>
            <dt className="text-slate-500">Contact</dt>
            <dd>
              {h.email} · {h.phone}
            </dd>
            <dt className="text-slate-500">Identity</dt>
            <dd>{h.identityVerifiedAt ? `verified ${formatDate(h.identityVerifiedAt)}` : <Badge tone="warn">not verified</Badge>}</dd>
            <dt className="text-slate-500">Fraud flag</dt>
            <dd>{h.fraudFlag ? <Badge tone="bad">{h.fraudNote ?? "flagged"}</Badge> : "none"}</dd>
          </dl>
        </Panel>
        <div className="space-y-6">
          <Panel title="Issue a new card">
            <IssueCardForm action={issueCardAction.bind(null, h.id)} />
          </Panel>
          {!h.hasAccount && (
            <Panel title="Portal account">
              <p className="mb-3 text-sm text-slate-600">
                Invite the cardholder to the self-service portal: a one-time link, valid 7 days, where they choose their password.
              </p>
              <SimpleForm
                action={inviteCardholderAction.bind(null, h.id)}
                fields={[]}
                submitLabel="Create invitation link"
                ariaLabel="Invite to the portal"
                idPrefix="invite"
                variant="secondary"
              />
            </Panel>
          )}
        </div>
      </div>
      <Panel title="Cards" className="mt-6">
        <Table head={["Surface number", "Card id", "Platform", "Status", "Issued", "Gen.", "Apps"]} caption="The cardholder's cards">
          {h.cards.map((c) => (
            <tr key={c.id}>
              <Td mono>
                <Link className="underline" href={`/issuer/cards/${c.id}`}>
                  {groupSurfaceNumber(c.surfaceNumber)}
                </Link>
              </Td>
              <Td mono>{c.cardId}</Td>
              <Td>{platformTypeShort(c.platformType)}</Td>
              <Td>
                <StatusBadge status={c.status} />
              </Td>
              <Td>{formatDate(c.issuedAt)}</Td>
              <Td>{c.generation}</Td>
              <Td>{c._count.applications}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
