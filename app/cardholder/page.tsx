import type { Metadata } from "next";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { CardVisual } from "@/components/card-visual";
import { CardAtDesk } from "@/components/cardholder/card-at-desk";
import { PresentCard } from "@/components/cardholder/present-card";
import { RequestStatus } from "@/components/cardholder/request-status";
import { WithdrawReportForm } from "@/components/cardholder/withdraw-form";
import { Badge } from "@/components/ui/badge";
import { LinkButton } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import { Panel, PageHeader } from "@/components/ui/panel";
import { formatMoney, maskSurfaceNumber } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { cardholderLeases } from "@/lib/server/data/card-lease";
import { PersonName } from "@/components/ui/person-name";
import { getMyName, listMyCards, type MyCard } from "@/lib/server/data/cardholder/cards";
import { SimpleForm } from "@/components/issuer/simple-form";
import { activateCardAction, endCardLeaseAction, presentCardAction, withdrawReportAction } from "./actions";
import { platformWords, reasonWord } from "@/components/cardholder/words";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("cardholder.page");
  return { title: t("metaTitle") };
}

async function Applications({ card }: { card: MyCard }) {
  const t = await getTranslations("cardholder.apps");
  const tKind = await getTranslations("cardholder.appKind");
  const format = await getFormatter();
  const locale = await getLocale();
  const live = card.applications.filter((a) => a.status === "loaded");
  if (live.length === 0) return <p className="text-sm text-slate-500">{t("none")}</p>;
  return (
    <ul className="divide-y divide-slate-100" aria-label={t("listLabel", { last4: card.surfaceNumber.slice(-4) })}>
      {live.map((a) => {
        const carried = a.carriedOver
          ? a.carriedOver.unit === "PTS"
            ? t("points", { count: a.carriedOver.valueMinor })
            : formatMoney(a.carriedOver.valueMinor, a.carriedOver.unit, locale)
          : null;
        return (
          <li key={`${a.name}-${a.loadedAt.toISOString()}`} className="flex items-center justify-between py-2 text-sm">
            <span>
              <span className="font-medium">{a.name}</span> <span className="text-slate-500">{t("by", { provider: a.providerName })}</span>
              {a.carriedOver && carried && (
                <span className="block text-xs text-emerald-800" data-testid="carried-over">
                  {a.carriedOver.fromCardLast4 ? t("carriedFrom", { value: carried, last4: a.carriedOver.fromCardLast4 }) : t("carried", { value: carried })}
                </span>
              )}
              {a.charge && (
                <span className="block text-xs text-slate-600" data-testid="user-charge">
                  {a.charge.amountMinor === 0
                    ? t("noFee", { provider: a.providerName })
                    : t("charged", {
                        provider: a.providerName,
                        amount: formatMoney(a.charge.amountMinor, a.charge.currency, locale),
                        kind: a.charge.kind === "reissue_reload" ? "reissue" : "normal",
                      })}
                </span>
              )}
            </span>
            <span className="flex items-center gap-2 text-xs text-slate-500">
              <Badge tone="info">{tKind.has(a.kind as "transit") ? tKind(a.kind as "transit") : a.kind}</Badge>{" "}
              {t("since", { date: format.dateTime(a.loadedAt, "date") })}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** After a reissue: what was on the old card and where to have it reloaded (each provider's desk). */
async function ReloadGuide({ card }: { card: MyCard }) {
  const t = await getTranslations("cardholder.guide");
  const guide = card.reloadGuide;
  if (!guide || guide.applications.length === 0) return null;
  const byProvider = new Map<string, typeof guide.applications>();
  for (const a of guide.applications) byProvider.set(a.providerName, [...(byProvider.get(a.providerName) ?? []), a]);
  return (
    <section aria-label={t("label")} className="mt-4 rounded-lg bg-sky-50 px-3 py-3 ring-1 ring-sky-200">
      <h3 className="text-sm font-semibold text-sky-900">{t("title", { last4: guide.oldCardLast4 })}</h3>
      <p className="mt-1 text-xs text-sky-900/80">{card.status === "issued" ? t("textIssued") : t("text")}</p>
      <ul className="mt-2 space-y-1 text-sm">
        {[...byProvider.entries()].map(([provider, apps]) => (
          <li key={provider} className="flex flex-wrap items-center justify-between gap-2">
            <span>
              {apps.map((a) => (a.fromCardLast4 !== guide.oldCardLast4 ? t("fromCard", { name: a.name, last4: a.fromCardLast4 }) : a.name)).join(", ")} —{" "}
              <span className="text-slate-600">{t("reloadAt", { provider })}</span>
            </span>
            {apps.every((a) => a.reloaded) ? <Badge tone="good">{t("reloaded")}</Badge> : <Badge tone="warn">{t("toReload")}</Badge>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default async function MyCardsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("cardholder", "/cardholder");
  const [{ current, earlier }, leases, name] = await Promise.all([listMyCards(actor), cardholderLeases(actor), getMyName(actor)]);
  const { reported, withdrawn, activated } = await searchParams;
  const t = await getTranslations("cardholder.page");
  const tCard = await getTranslations("cardholder");
  const format = await getFormatter();
  const date = (d: Date) => format.dateTime(d, "date");
  return (
    <>
      <PageHeader title={t.rich("hello", { name: () => <PersonName name={name.fullName} kana={name.fullNameKana} /> })} description={t("description")} />
      {typeof reported === "string" && /^\d+$/.test(reported) && (
        <div className="mb-6">
          <FormMessage tone="good">{t("flash.reported", { requestNo: reported })}</FormMessage>
        </div>
      )}
      {typeof withdrawn === "string" && /^\d+$/.test(withdrawn) && (
        <div className="mb-6">
          <FormMessage tone="good">{t("flash.withdrawn", { requestNo: withdrawn })}</FormMessage>
        </div>
      )}
      {typeof activated === "string" && /^\d{4}$/.test(activated) && (
        <div className="mb-6">
          <FormMessage tone="good">{t("flash.activated", { last4: activated })}</FormMessage>
        </div>
      )}
      <div className="grid grid-cols-1 gap-6">
        {current.map((card) => {
          const last4 = card.surfaceNumber.slice(-4);
          const pending = card.requests.some((r) => r.status === "pending");
          // A blocked card already replaced (its new card waits for activation): nothing left to report.
          const replaced = card.status === "blocked" && card.requests.some((r) => r.status === "approved");
          const oldLast4 = card.replacedCardSurfaceNumber?.slice(-4);
          // Stored as "Reported lost" by the report (lib/server/data/issuer/reissue.ts); other reasons as they are.
          const reported = /^Reported (lost|stolen|damaged)$/.exec(card.blockedReason ?? "")?.[1] as "lost" | "stolen" | "damaged" | undefined;
          return (
            <Panel key={card.id} title={tCard("card.ending", { last4 })}>
              <div className="grid gap-4 sm:grid-cols-[18rem_1fr]" data-testid={`card-${last4}`}>
                <div className="space-y-3">
                  <CardVisual surfaceNumber={card.surfaceNumber} status={card.status} platformType={card.platformType} expiresAt={card.expiresAt} />
                  <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs text-slate-600">
                    <dt>{t("facts.number")}</dt>
                    <dd className="font-mono">{maskSurfaceNumber(card.surfaceNumber)}</dd>
                    <dt>{t("facts.platform")}</dt>
                    <dd>{platformWords(tCard, card.platformType)}</dd>
                    <dt>{t("facts.issued")}</dt>
                    <dd>{date(card.issuedAt)}</dd>
                    {card.temporary && (
                      <>
                        <dt>{t("facts.kind")}</dt>
                        <dd>{t("facts.temporary", { date: date(card.expiresAt) })}</dd>
                      </>
                    )}
                  </dl>
                  <div className="flex flex-wrap gap-2">
                    {!pending && !replaced && <LinkButton href={`/cardholder/cards/${card.id}/report`}>{t("report")}</LinkButton>}
                  </div>
                  {card.walletState === "in_hand" && <PresentCard action={presentCardAction.bind(null, card.id)} last4={last4} />}
                  {leases
                    .filter((l) => l.surfaceNumber === card.surfaceNumber)
                    .map((l) => (
                      <CardAtDesk
                        key={l.leaseId}
                        action={endCardLeaseAction.bind(null, l.leaseId)}
                        providerName={l.providerName}
                        since={l.acquiredAt.toISOString()}
                        until={l.expiresAt.toISOString()}
                        last4={last4}
                      />
                    ))}
                </div>
                <div>
                  {card.status === "issued" && (
                    <div className="mb-3 rounded-lg bg-amber-50 px-3 py-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="activate-card">
                      <p className="mb-2">
                        {t("activate.intro")}{" "}
                        {!oldLast4
                          ? t("activate.worksFromThen")
                          : card.replacedCardStatus === "blocked"
                            ? t("activate.oldBlocked", { last4: oldLast4 })
                            : t("activate.oldWorks", { last4: oldLast4 })}
                      </p>
                      <SimpleForm
                        action={activateCardAction.bind(null, card.id)}
                        fields={[]}
                        submitLabel={t("activate.submit", { last4 })}
                        pendingLabel={t("activate.pending")}
                        ariaLabel={t("activate.formLabel", { last4 })}
                        idPrefix={`activate-${last4}`}
                        variant="good"
                      />
                    </div>
                  )}
                  {card.status === "blocked" && (
                    <p className="mb-3 rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800 ring-1 ring-rose-200">
                      {reported
                        ? t("blockedReported", { reason: reasonWord(tCard, reported) })
                        : card.blockedReason
                          ? t("blockedOther", { reason: card.blockedReason })
                          : t("blocked")}
                      {replaced && ` ${t("replacementOnItsWay")}`}
                    </p>
                  )}
                  {card.requests[0] && card.requests[0].status !== "approved" && card.requests[0].status !== "withdrawn" && (
                    <RequestStatus request={card.requests[0]} />
                  )}
                  {card.status === "blocked" &&
                    card.requests[0] &&
                    (card.requests[0].status === "pending" || card.requests[0].status === "rejected") &&
                    card.requests[0].reason !== "damaged" && (
                      <div className="mb-3">
                        <WithdrawReportForm
                          action={withdrawReportAction.bind(null, card.requests[0].id)}
                          last4={last4}
                          requestNo={card.requests[0].requestNo}
                        />
                      </div>
                    )}
                  {oldLast4 && <p className="mb-2 text-xs text-slate-500">{t("reissuedToReplace", { date: date(card.issuedAt), last4: oldLast4 })}</p>}
                  <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{t("applications")}</h3>
                  <Applications card={card} />
                  <ReloadGuide card={card} />
                </div>
              </div>
            </Panel>
          );
        })}
        {current.length === 0 && <p className="text-sm text-slate-600">{t("noCard")}</p>}
      </div>
      {earlier.length > 0 && (
        <Panel title={t("earlier.title")} className="mt-8">
          <ul className="divide-y divide-slate-100 text-sm" aria-label={t("earlier.title")}>
            {earlier.map((card) => {
              const approved = card.requests.find((r) => r.status === "approved");
              return (
                <li key={card.id} className="flex flex-wrap justify-between gap-2 py-2">
                  <span>
                    <span className="font-mono">{maskSurfaceNumber(card.surfaceNumber)}</span>{" "}
                    <span className="text-slate-500">
                      {t("earlier.issued", { date: date(card.issuedAt) })}
                      {card.applications.length > 0 && ` · ${card.applications.map((a) => a.name).join(", ")}`}
                    </span>
                  </span>
                  <span className="text-slate-500">
                    {approved
                      ? t("earlier.replacedOn", { date: date(approved.decidedAt!), reason: reasonWord(tCard, approved.reason) })
                      : t("earlier.replaced")}
                  </span>
                </li>
              );
            })}
          </ul>
        </Panel>
      )}
    </>
  );
}
