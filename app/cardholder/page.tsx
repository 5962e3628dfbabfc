import type { Metadata } from "next";
import { CardVisual } from "@/components/card-visual";
import { CardAtDesk } from "@/components/cardholder/card-at-desk";
import { PresentCard } from "@/components/cardholder/present-card";
import { RequestStatus } from "@/components/cardholder/request-status";
import { WithdrawReportForm } from "@/components/cardholder/withdraw-form";
import { Badge } from "@/components/ui/badge";
import { LinkButton } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import { Panel, PageHeader } from "@/components/ui/panel";
import { describePlatformType, formatDate, formatMoney, maskSurfaceNumber } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { cardholderLeases } from "@/lib/server/data/card-lease";
import { listMyCards, type MyCard } from "@/lib/server/data/cardholder/cards";
import { SimpleForm } from "@/components/issuer/simple-form";
import { activateCardAction, endCardLeaseAction, presentCardAction, withdrawReportAction } from "./actions";

export const metadata: Metadata = { title: "My cards" };

function Applications({ card }: { card: MyCard }) {
  const live = card.applications.filter((a) => a.status === "loaded");
  if (live.length === 0) return <p className="text-sm text-slate-500">No applications on this card.</p>;
  return (
    <ul className="divide-y divide-slate-100" aria-label={`Applications on card ending ${card.surfaceNumber.slice(-4)}`}>
      {live.map((a) => (
        <li key={`${a.name}-${a.loadedAt.toISOString()}`} className="flex items-center justify-between py-2 text-sm">
          <span>
            <span className="font-medium">{a.name}</span> <span className="text-slate-500">by {a.providerName}</span>
            {a.carriedOver && (
              <span className="block text-xs text-emerald-800" data-testid="carried-over">
                {a.carriedOver.unit === "PTS" ? `${a.carriedOver.valueMinor.toLocaleString("en-US")} points` : formatMoney(a.carriedOver.valueMinor, a.carriedOver.unit)} carried over
                {a.carriedOver.fromCardLast4 ? ` from card …${a.carriedOver.fromCardLast4}` : ""}
              </span>
            )}
            {a.charge && (
              <span className="block text-xs text-slate-600" data-testid="user-charge">
                {a.charge.amountMinor === 0
                  ? `No fee charged by ${a.providerName}`
                  : `${a.providerName} charged ${formatMoney(a.charge.amountMinor, a.charge.currency)} (${a.charge.kind === "reissue_reload" ? "its reissue fee" : "its normal fee"})`}
              </span>
            )}
          </span>
          <span className="flex items-center gap-2 text-xs text-slate-500">
            <Badge tone="info">{a.kind}</Badge> since {formatDate(a.loadedAt)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** After a reissue: what was on the old card and where to have it reloaded (each provider's desk). */
function ReloadGuide({ card }: { card: MyCard }) {
  const guide = card.reloadGuide;
  if (!guide || guide.applications.length === 0) return null;
  const byProvider = new Map<string, typeof guide.applications>();
  for (const a of guide.applications) byProvider.set(a.providerName, [...(byProvider.get(a.providerName) ?? []), a]);
  return (
    <section aria-label="Applications to reload" className="mt-4 rounded-lg bg-sky-50 px-3 py-3 ring-1 ring-sky-200">
      <h3 className="text-sm font-semibold text-sky-900">Applications that were on your old card (ending {guide.oldCardLast4})</h3>
      <p className="mt-1 text-xs text-sky-900/80">
        {card.status === "issued" ? "Once you have activated this card, visit" : "Visit"} each provider&apos;s desk with it: they reload your application using your earlier examination, at their reissue fee instead of a new one.
      </p>
      <ul className="mt-2 space-y-1 text-sm">
        {[...byProvider.entries()].map(([provider, apps]) => (
          <li key={provider} className="flex flex-wrap items-center justify-between gap-2">
            <span>
              {apps.map((a) => (a.fromCardLast4 !== guide.oldCardLast4 ? `${a.name} (from card …${a.fromCardLast4})` : a.name)).join(", ")} — <span className="text-slate-600">reload at the {provider} desk</span>
            </span>
            {apps.every((a) => a.reloaded) ? <Badge tone="good">reloaded</Badge> : <Badge tone="warn">to reload</Badge>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default async function MyCardsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("cardholder", "/cardholder");
  const [{ current, earlier }, leases] = await Promise.all([listMyCards(actor), cardholderLeases(actor)]);
  const { reported, withdrawn, activated } = await searchParams;
  return (
    <>
      <PageHeader title={`Hello, ${actor.name.split(" ")[0]}`} description="Your cards, what is loaded on them, your reissue requests, and the cards they replaced." />
      {typeof reported === "string" && /^\d+$/.test(reported) && (
        <div className="mb-6">
          <FormMessage tone="good">Request #{reported} received. We examine it and tell you the decision here.</FormMessage>
        </div>
      )}
      {typeof withdrawn === "string" && /^\d+$/.test(withdrawn) && (
        <div className="mb-6">
          <FormMessage tone="good">Report #{withdrawn} withdrawn: your card is unblocked and works again.</FormMessage>
        </div>
      )}
      {typeof activated === "string" && /^\d{4}$/.test(activated) && (
        <div className="mb-6">
          <FormMessage tone="good">Your card ending {activated} is active. The card it replaces no longer works.</FormMessage>
        </div>
      )}
      <div className="grid grid-cols-1 gap-6">
        {current.map((card) => {
          const last4 = card.surfaceNumber.slice(-4);
          const pending = card.requests.some((r) => r.status === "pending");
          // A blocked card already replaced (its new card waits for activation): nothing left to report.
          const replaced = card.status === "blocked" && card.requests.some((r) => r.status === "approved");
          return (
            <Panel key={card.id} title={`Card ending ${last4}`}>
              <div className="grid gap-4 sm:grid-cols-[18rem_1fr]" data-testid={`card-${last4}`}>
                <div className="space-y-3">
                  <CardVisual surfaceNumber={card.surfaceNumber} status={card.status} platformType={card.platformType} expiresAt={card.expiresAt} />
                  <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs text-slate-600">
                    <dt>Number</dt>
                    <dd className="font-mono">{maskSurfaceNumber(card.surfaceNumber)}</dd>
                    <dt>Platform</dt>
                    <dd>{describePlatformType(card.platformType)}</dd>
                    <dt>Issued</dt>
                    <dd>{formatDate(card.issuedAt)}</dd>
                    {card.temporary && (
                      <>
                        <dt>Kind</dt>
                        <dd>Temporary card, valid to {formatDate(card.expiresAt)}: your permanent card follows</dd>
                      </>
                    )}
                  </dl>
                  <div className="flex flex-wrap gap-2">
                    {!pending && !replaced && <LinkButton href={`/cardholder/cards/${card.id}/report`}>Report lost, stolen or damaged</LinkButton>}
                  </div>
                  {card.walletState === "in_hand" && <PresentCard action={presentCardAction.bind(null, card.id)} last4={last4} />}
                  {leases
                    .filter((l) => l.surfaceNumber === card.surfaceNumber)
                    .map((l) => (
                      <CardAtDesk key={l.leaseId} action={endCardLeaseAction.bind(null, l.leaseId)} providerName={l.providerName} since={l.acquiredAt.toISOString()} until={l.expiresAt.toISOString()} last4={last4} />
                    ))}
                </div>
                <div>
                  {card.status === "issued" && (
                    <div className="mb-3 rounded-lg bg-amber-50 px-3 py-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="activate-card">
                      <p className="mb-2">
                        This new card is on its way. When you have it in hand, activate it:{" "}
                        {!card.replacedCardSurfaceNumber
                          ? "it works from then on."
                          : card.replacedCardStatus === "blocked"
                            ? `it works from then on, and the desks can reload your applications on it (not before). Your card ending ${card.replacedCardSurfaceNumber.slice(-4)} stays blocked.`
                            : `your card ending ${card.replacedCardSurfaceNumber.slice(-4)} keeps working until then, and stops when you activate.`}
                      </p>
                      <SimpleForm action={activateCardAction.bind(null, card.id)} fields={[]} submitLabel={`Activate card ending ${last4}`} ariaLabel={`Activate the card ending ${last4}`} idPrefix={`activate-${last4}`} variant="good" />
                    </div>
                  )}
                  {card.status === "blocked" && (
                    <p className="mb-3 rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800 ring-1 ring-rose-200">
                      Blocked{card.blockedReason ? `: ${card.blockedReason}` : ""}. Nothing can be loaded on it any more.
                      {replaced && " Its replacement is on its way: this card ends for good when you activate the new one."}
                    </p>
                  )}
                  {card.requests[0] && card.requests[0].status !== "approved" && card.requests[0].status !== "withdrawn" && <RequestStatus request={card.requests[0]} />}
                  {card.status === "blocked" && card.requests[0] && (card.requests[0].status === "pending" || card.requests[0].status === "rejected") && card.requests[0].reason !== "damaged" && (
                    <div className="mb-3">
                      <WithdrawReportForm action={withdrawReportAction.bind(null, card.requests[0].id)} last4={last4} requestNo={card.requests[0].requestNo} />
                    </div>
                  )}
                  {card.replacedCardSurfaceNumber && <p className="mb-2 text-xs text-slate-500">Reissued on {formatDate(card.issuedAt)} to replace the card ending {card.replacedCardSurfaceNumber.slice(-4)}.</p>}
                  <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Applications</h3>
                  <Applications card={card} />
                  <ReloadGuide card={card} />
                </div>
              </div>
            </Panel>
          );
        })}
        {current.length === 0 && <p className="text-sm text-slate-600">You have no card in use.</p>}
      </div>
      {earlier.length > 0 && (
        <Panel title="Earlier cards" className="mt-8">
          <ul className="divide-y divide-slate-100 text-sm" aria-label="Earlier cards">
            {earlier.map((card) => {
              const approved = card.requests.find((r) => r.status === "approved");
              return (
                <li key={card.id} className="flex flex-wrap justify-between gap-2 py-2">
                  <span>
                    <span className="font-mono">{maskSurfaceNumber(card.surfaceNumber)}</span>{" "}
                    <span className="text-slate-500">
                      issued {formatDate(card.issuedAt)}
                      {card.applications.length > 0 && ` · ${card.applications.map((a) => a.name).join(", ")}`}
                    </span>
                  </span>
                  <span className="text-slate-500">{approved ? `replaced ${formatDate(approved.decidedAt!)} (${approved.reason})` : "replaced"}</span>
                </li>
              );
            })}
          </ul>
        </Panel>
      )}
    </>
  );
}
