import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ReportForm } from "@/components/cardholder/report-form";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { LinkButton } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { describePlatformType, formatDate, formatInstant, groupSurfaceNumber } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { getCardDetail } from "@/lib/server/data/issuer/cards";
import { activateCardAtDeskAction, issuePermanentCardAction, reportOnBehalfAction, terminateChipAction, withdrawOnBehalfAction } from "../actions";
import { chipInHandState } from "@/lib/server/data/issuer/chip";
import { WithdrawReportForm } from "@/components/cardholder/withdraw-form";
import { SimpleForm } from "@/components/issuer/simple-form";
import { listIssuerCardKeys } from "@/lib/server/data/issuer/card-keys";
import { IssuerCardReader } from "./_components/card-reader";

export const metadata: Metadata = { title: "Card" };

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-500">{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

export default async function CardPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const { reported, blocked, withdrawn, permanent, activated } = await searchParams;
  const actor = await requirePortal("issuer", `/issuer/cards/${id}`);
  const card = await getCardDetail(actor, id);
  if (!card) notFound();
  const pending = card.reissueRequests.some((r) => r.status === "pending");
  const [chip, keys] = await Promise.all([chipInHandState(card.id), listIssuerCardKeys(actor)]);
  const currentKey = keys.find((k) => k.state === "current");
  return (
    <>
      <PageHeader
        title={`Card ${groupSurfaceNumber(card.surfaceNumber)}`}
        description={`${describePlatformType(card.platformType)} · generation ${card.generation}`}
        actions={<LinkButton href="/issuer/cards">All cards</LinkButton>}
      />
      {typeof reported === "string" && /^\d+$/.test(reported) && (
        <div className="mb-6">
          <FormMessage tone="good">
            Request #{reported} filed{blocked === "1" ? "; the card is blocked" : ""}. It waits in the reissue queue.
          </FormMessage>
        </div>
      )}
      {permanent === "1" && card.previousCard && (
        <div className="mb-6">
          <FormMessage tone="good">
            Permanent card made and sent. It waits for the cardholder&apos;s activation; the temporary card ending {card.previousCard.surfaceNumber.slice(-4)}{" "}
            works until then.
          </FormMessage>
        </div>
      )}
      {activated === "1" && card.status === "active" && (
        <div className="mb-6">
          <FormMessage tone="good">
            Card activated at the desk{card.previousCard ? `; the card ending ${card.previousCard.surfaceNumber.slice(-4)} it replaces no longer works` : ""}.
          </FormMessage>
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Card">
          <dl className="grid grid-cols-[10rem_1fr] gap-y-1 text-sm" data-testid="card-facts">
            <Fact label="Status">
              <StatusBadge status={card.status} /> {card.temporary && <span className="text-xs font-medium text-amber-800">temporary card</span>}
            </Fact>
            <Fact label="Card id">
              <span className="font-mono" data-testid="card-id">
                {card.cardId}
              </span>
            </Fact>
            <Fact label="Cardholder">
              <Link className="underline" href={`/issuer/cardholders/${card.cardholder.id}`}>
                {card.cardholder.fullName}
              </Link>{" "}
              <span className="text-xs text-slate-500">{card.cardholder.holderNo}</span> {card.cardholder.fraudFlag && <Badge tone="bad">fraud flag</Badge>}
            </Fact>
            <Fact label="Issued">{formatInstant(card.issuedAt)}</Fact>
            <Fact label="Valid to">{formatDate(card.expiresAt)}</Fact>
            <Fact label="Issuer key version">
              <span className="font-mono" data-testid="card-issuer-key-version">
                {card.issuerKeyVersion.toString(16).toUpperCase()}
              </span>{" "}
              {currentKey && currentKey.version !== card.issuerKeyVersion && (
                <span className="text-xs text-amber-800">
                  behind the current version {currentKey.versionHex}: learned at its next desk visit or issuer contact
                </span>
              )}
            </Fact>
            {card.blockedAt && <Fact label="Blocked">{`${formatInstant(card.blockedAt)} — ${card.blockedReason ?? ""}`}</Fact>}
            {card.terminatedAt && <Fact label="Terminated">{formatInstant(card.terminatedAt)}</Fact>}
          </dl>
        </Panel>
        <Panel title="Reissue lineage (Fig. 13)">
          <dl className="grid grid-cols-[10rem_1fr] gap-y-1 text-sm" data-testid="lineage">
            <Fact label="Replaces">
              {card.previousCard ? (
                <Link className="font-mono underline" href={`/issuer/cards/${card.previousCard.id}`} data-testid="old-card-id">
                  {card.previousCard.cardId}
                </Link>
              ) : (
                "— (a first card)"
              )}
            </Fact>
            {card.linkAsReissued && (
              <Fact label="Reissued">
                {formatInstant(card.linkAsReissued.reissuedAt)} after request #{card.linkAsReissued.request.requestNo} ({card.linkAsReissued.request.reason})
              </Fact>
            )}
            <Fact label="Replaced by">
              {card.nextCard ? (
                <Link className="font-mono underline" href={`/issuer/cards/${card.nextCard.id}`} data-testid="new-card-id">
                  {card.nextCard.cardId}
                </Link>
              ) : (
                "—"
              )}
            </Fact>
          </dl>
        </Panel>
      </div>

      <Panel title="Applications on the card (Fig. 14)" className="mt-6">
        <Table
          head={["Application", "AID", "Provider", "Loaded", "Message id", "Kind", "Status"]}
          caption="Applications on the card"
          empty="Nothing loaded (only verified receipts count)."
        >
          {card.applications.map((a) => (
            <tr key={a.id}>
              <Td>{a.application.name}</Td>
              <Td mono>{a.application.aid}</Td>
              <Td>{a.application.provider.name}</Td>
              <Td>{formatInstant(a.loadedAt)}</Td>
              <Td mono>{a.permission.messageId}</Td>
              <Td>{a.permission.kind.replace("_", " ")}</Td>
              <Td>
                <StatusBadge status={a.status} />
              </Td>
            </tr>
          ))}
        </Table>
      </Panel>

      <Panel title="Loading permissions (Fig. 17)" className="mt-6">
        <Table
          head={["Message id", "Provider", "Application", "Kind", "Status", "Decided", "Reason / original"]}
          caption="Loading permissions for the card"
          empty="No permission asked for this card."
        >
          {card.permissions.map((p) => (
            <tr key={p.id}>
              <Td mono>{p.messageId}</Td>
              <Td>{p.provider.companyId}</Td>
              <Td>{p.application?.name ?? "—"}</Td>
              <Td>{p.kind.replace("_", " ")}</Td>
              <Td>
                <StatusBadge status={p.status} />
              </Td>
              <Td>{formatInstant(p.decidedAt)}</Td>
              <Td className="max-w-xs truncate">
                {p.refusalCode ? `${p.refusalCode}: ${p.refusalReason}` : p.originalMessageId ? `reload of ${p.originalMessageId}` : "—"}
              </Td>
            </tr>
          ))}
        </Table>
      </Panel>

      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Panel title="Reissue requests">
          {card.reissueRequests.length === 0 ? (
            <p className="text-sm text-slate-500">None.</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm">
              {card.reissueRequests.map((r) => (
                <li key={r.id} className="py-2">
                  <p className="flex items-center gap-2">
                    #{r.requestNo} · {r.reason} · <StatusBadge status={r.status} /> <span className="text-xs text-slate-500">{formatInstant(r.createdAt)}</span>
                  </p>
                  {r.statement && <p className="text-xs text-slate-600">“{r.statement}”</p>}
                  {r.rejectionReason && <p className="text-xs text-rose-700">Rejected: {r.rejectionReason}</p>}
                </li>
              ))}
            </ul>
          )}
          {pending && (
            <p className="mt-2 text-sm">
              <Link className="underline" href="/issuer/reissues">
                Decide it in the reissue queue
              </Link>
            </p>
          )}
        </Panel>
        {card.status === "blocked" &&
          card.reissueRequests[0] &&
          (card.reissueRequests[0].status === "pending" || card.reissueRequests[0].status === "rejected") &&
          card.reissueRequests[0].reason !== "damaged" && (
            <Panel title="Reinstate the card">
              <WithdrawReportForm
                action={withdrawOnBehalfAction.bind(null, card.reissueRequests[0].id)}
                last4={card.surfaceNumber.slice(-4)}
                requestNo={card.reissueRequests[0].requestNo}
                onBehalf
              />
            </Panel>
          )}
        {typeof withdrawn === "string" && /^\d+$/.test(withdrawn) && (
          <Panel title="Reinstated">
            <p className="text-sm text-emerald-800" role="status">
              Report #{withdrawn} withdrawn: the card is active again and the providers were told (card-unblocked).
            </p>
          </Panel>
        )}
        {card.status === "issued" && (
          <Panel title="Activation">
            <p className="mb-3 text-sm text-slate-600">
              The card waits for the cardholder&apos;s activation (in the portal); nothing is loaded or reloaded on it before
              {card.previousCard
                ? card.previousCard.status === "blocked"
                  ? `. The card ending ${card.previousCard.surfaceNumber.slice(-4)} it replaces stays blocked and is terminated then`
                  : `. The card ending ${card.previousCard.surfaceNumber.slice(-4)} it replaces works until then`
                : ""}
              . When the cardholder is at the desk with this card in hand, activate it here.
            </p>
            <SimpleForm
              action={activateCardAtDeskAction.bind(null, card.id)}
              fields={[]}
              submitLabel="Activate at the desk (card present)"
              ariaLabel="Activate the card at the desk"
              idPrefix="activate"
              variant="good"
            />
          </Panel>
        )}
        {card.temporary && !card.nextCard && card.status !== "terminated" && (
          <Panel title="Permanent card">
            <p className="mb-3 text-sm text-slate-600">
              Replace this temporary card by a permanent one, by the same methods: providers that reloaded on it are told (platform 100) or ask (platform 200).
            </p>
            <SimpleForm
              action={issuePermanentCardAction.bind(null, card.id)}
              fields={[]}
              submitLabel="Issue the permanent card"
              ariaLabel="Issue the permanent card"
              idPrefix="permanent"
            />
          </Panel>
        )}
        <Panel title="Report on the cardholder's behalf (steps 401/801)">
          {card.status === "terminated" ? (
            <p className="text-sm text-slate-500">A terminated card cannot be reported.</p>
          ) : pending ? (
            <p className="text-sm text-slate-500">A request is already pending for this card.</p>
          ) : (
            <ReportForm action={reportOnBehalfAction.bind(null, card.id)} last4={card.surfaceNumber.slice(-4)} onBehalf />
          )}
        </Panel>
      </div>

      {chip && (
        <Panel title="Chip handed in" className="mt-6">
          {chip === "terminated" ? (
            <p className="text-sm" data-testid="chip-state">
              The chip of this card is terminated: it answers 6A81 to every command.
            </p>
          ) : (
            <>
              <p className="mb-3 text-sm text-slate-700" data-testid="chip-state">
                The issuer holds this card (handed in when it was replaced). Terminating its chip at the reader (SET STATUS TERMINATED with a card-bound
                life-cycle token) makes it refuse every application for good.
              </p>
              <SimpleForm
                action={terminateChipAction.bind(null, card.id)}
                fields={[]}
                submitLabel="Terminate the chip"
                ariaLabel="Terminate the chip"
                idPrefix="chip"
                variant="danger"
              />
            </>
          )}
        </Panel>
      )}
      {card.status !== "terminated" && currentKey && (
        <IssuerCardReader cardUuid={card.id} last4={card.surfaceNumber.slice(-4)} currentVersion={currentKey.version} />
      )}
      <Panel title="Audit trail" className="mt-6">
        <Table head={["When", "Who", "What", "Why"]} caption="Audit trail of the card" empty="No decisions recorded.">
          {card.audit.map((a) => (
            <tr key={a.id}>
              <Td>{formatInstant(a.at)}</Td>
              <Td>{a.actorLabel}</Td>
              <Td>{a.action}</Td>
              <Td className="max-w-md truncate">{a.reason ?? "—"}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
