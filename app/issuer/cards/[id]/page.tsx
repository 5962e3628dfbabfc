import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { ReportForm } from "@/components/cardholder/report-form";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { LinkButton } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import { AuditWhy, getAuditReasonWords } from "@/components/issuer/audit-why";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { groupSurfaceNumber } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { getCardDetail } from "@/lib/server/data/issuer/cards";
import { activateCardAtDeskAction, issuePermanentCardAction, reportOnBehalfAction, terminateChipAction, withdrawOnBehalfAction } from "../actions";
import { chipInHandState } from "@/lib/server/data/issuer/chip";
import { WithdrawReportForm } from "@/components/cardholder/withdraw-form";
import { SimpleForm } from "@/components/issuer/simple-form";
import { listIssuerCardKeys } from "@/lib/server/data/issuer/card-keys";
import { IssuerCardReader } from "./_components/card-reader";
import { FORMATS } from "@/lib/i18n/formats";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.card"))("metaTitle") };
}

/** Why a card is blocked: the report's reason code in words (older rows may hold other text: shown as stored). */
function blockedWords(reason: string, words: Awaited<ReturnType<typeof getTranslations<"issuer.words">>>): string {
  const code = /^(?:Reported )?(lost|stolen|damaged)$/.exec(reason)?.[1] as "lost" | "stolen" | "damaged" | undefined;
  return code ? words("reported", { reason: words(`reason.${code}`) }) : reason;
}

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
  const [t, words, format, reasonWords, audit] = await Promise.all([
    getTranslations("issuer.card"),
    getTranslations("issuer.words"),
    getFormatter(),
    getAuditReasonWords(),
    getTranslations("issuer.audit"),
  ]);
  const when = (d: Date | string) => format.dateTime(new Date(d), "dateTime");
  const platform =
    card.platformType === 100 || card.platformType === 200 ? words(`platform.${card.platformType}`) : words("platform.other", { type: card.platformType });
  const kind = (k: string) => (k === "first_load" || k === "reload" ? words(`permissionKind.${k}`) : words("permissionKind.other", { kind: k }));
  return (
    <>
      <PageHeader
        title={t("title", { number: groupSurfaceNumber(card.surfaceNumber) })}
        description={`${platform} · ${words("generation", { generation: card.generation })}`}
        actions={<LinkButton href="/issuer/cards">{t("allCards")}</LinkButton>}
      />
      {typeof reported === "string" && /^\d+$/.test(reported) && (
        <div className="mb-6">
          <FormMessage tone="good">{t("flash.reported", { requestNo: reported, blocked: blocked === "1" ? "yes" : "no" })}</FormMessage>
        </div>
      )}
      {permanent === "1" && card.previousCard && (
        <div className="mb-6">
          <FormMessage tone="good">{t("flash.permanent", { last4: card.previousCard.surfaceNumber.slice(-4) })}</FormMessage>
        </div>
      )}
      {activated === "1" && card.status === "active" && (
        <div className="mb-6">
          <FormMessage tone="good">
            {card.previousCard ? t("flash.activatedReplacing", { last4: card.previousCard.surfaceNumber.slice(-4) }) : t("flash.activated")}
          </FormMessage>
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title={t("facts.title")}>
          <dl className="grid grid-cols-[10rem_1fr] gap-y-1 text-sm" data-testid="card-facts">
            <Fact label={t("facts.status")}>
              <StatusBadge status={card.status} /> {card.temporary && <span className="text-xs font-medium text-amber-800">{t("facts.temporary")}</span>}
            </Fact>
            <Fact label={t("facts.cardId")}>
              <span className="font-mono" data-testid="card-id">
                {card.cardId}
              </span>
            </Fact>
            <Fact label={t("facts.cardholder")}>
              <Link className="underline" href={`/issuer/cardholders/${card.cardholder.id}`} translate="no">
                {card.cardholder.fullName}
              </Link>{" "}
              <span className="text-xs text-slate-500">{card.cardholder.holderNo}</span>{" "}
              {card.cardholder.fraudFlag && <Badge tone="bad">{t("facts.fraudFlag")}</Badge>}
            </Fact>
            <Fact label={t("facts.issued")}>{when(card.issuedAt)}</Fact>
            <Fact label={t("facts.validTo")}>{format.dateTime(new Date(card.expiresAt), "date")}</Fact>
            <Fact label={t("facts.keyVersion")}>
              <span className="font-mono" data-testid="card-issuer-key-version">
                {card.issuerKeyVersion.toString(16).toUpperCase()}
              </span>{" "}
              {currentKey && currentKey.version !== card.issuerKeyVersion && (
                <span className="text-xs text-amber-800">{t("facts.keyBehind", { version: currentKey.versionHex })}</span>
              )}
            </Fact>
            {card.blockedAt && (
              <Fact label={t("facts.blocked")}>{`${when(card.blockedAt)} — ${card.blockedReason ? blockedWords(card.blockedReason, words) : ""}`}</Fact>
            )}
            {card.terminatedAt && <Fact label={t("facts.terminated")}>{when(card.terminatedAt)}</Fact>}
          </dl>
        </Panel>
        <Panel title={t("lineage.title")}>
          <dl className="grid grid-cols-[10rem_1fr] gap-y-1 text-sm" data-testid="lineage">
            <Fact label={t("lineage.replaces")}>
              {card.previousCard ? (
                <Link className="font-mono underline" href={`/issuer/cards/${card.previousCard.id}`} data-testid="old-card-id">
                  {card.previousCard.cardId}
                </Link>
              ) : (
                t("lineage.firstCard")
              )}
            </Fact>
            {card.linkAsReissued && (
              <Fact label={t("lineage.reissued")}>
                {t("lineage.reissuedAfter", {
                  at: when(card.linkAsReissued.reissuedAt),
                  requestNo: card.linkAsReissued.request.requestNo,
                  reason: words(`reason.${card.linkAsReissued.request.reason}`),
                })}
              </Fact>
            )}
            <Fact label={t("lineage.replacedBy")}>
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

      <Panel title={t("apps.title")} className="mt-6">
        <Table
          head={[
            t("apps.col.application"),
            t("apps.col.aid"),
            t("apps.col.provider"),
            t("apps.col.loaded"),
            t("apps.col.messageId"),
            t("apps.col.kind"),
            t("apps.col.status"),
          ]}
          caption={t("apps.caption")}
          empty={t("apps.empty")}
        >
          {card.applications.map((a) => (
            <tr key={a.id}>
              <Td>{a.application.name}</Td>
              <Td mono>{a.application.aid}</Td>
              <Td>{a.application.provider.name}</Td>
              <Td>{when(a.loadedAt)}</Td>
              <Td mono>{a.permission.messageId}</Td>
              <Td>{kind(a.permission.kind)}</Td>
              <Td>
                <StatusBadge status={a.status} />
              </Td>
            </tr>
          ))}
        </Table>
      </Panel>

      <Panel title={t("permissions.title")} className="mt-6">
        <Table
          head={[
            t("permissions.col.messageId"),
            t("permissions.col.provider"),
            t("permissions.col.application"),
            t("permissions.col.kind"),
            t("permissions.col.status"),
            t("permissions.col.decided"),
            t("permissions.col.reason"),
          ]}
          caption={t("permissions.caption")}
          empty={t("permissions.empty")}
        >
          {card.permissions.map((p) => (
            <tr key={p.id}>
              <Td mono>{p.messageId}</Td>
              <Td>{p.provider.companyId}</Td>
              <Td>{p.application?.name ?? "—"}</Td>
              <Td>{kind(p.kind)}</Td>
              <Td>
                <StatusBadge status={p.status} />
              </Td>
              <Td>{when(p.decidedAt)}</Td>
              <Td className="max-w-xs truncate">
                {p.refusalCode ? p.refusalCode : p.originalMessageId ? t("permissions.reloadOf", { messageId: p.originalMessageId }) : "—"}
              </Td>
            </tr>
          ))}
        </Table>
      </Panel>

      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Panel title={t("requests.title")}>
          {card.reissueRequests.length === 0 ? (
            <p className="text-sm text-slate-500">{t("requests.none")}</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm">
              {card.reissueRequests.map((r) => (
                <li key={r.id} className="py-2">
                  <p className="flex items-center gap-2">
                    #{r.requestNo} · {words(`reason.${r.reason}`)} · <StatusBadge status={r.status} />{" "}
                    <span className="text-xs text-slate-500">{when(r.createdAt)}</span>
                  </p>
                  {r.statement && (
                    <p translate="no" className="text-xs text-slate-600">
                      “{r.statement}”
                    </p>
                  )}
                  {r.rejectionReason && (
                    <p className="text-xs text-rose-700">
                      {t("requests.rejected", { reason: "" })}
                      <span translate="no">{r.rejectionReason}</span>
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
          {pending && (
            <p className="mt-2 text-sm">
              <Link className="underline" href="/issuer/reissues">
                {t("requests.decide")}
              </Link>
            </p>
          )}
        </Panel>
        {card.status === "blocked" &&
          card.reissueRequests[0] &&
          (card.reissueRequests[0].status === "pending" || card.reissueRequests[0].status === "rejected") &&
          card.reissueRequests[0].reason !== "damaged" && (
            <Panel title={t("reinstate.title")}>
              <WithdrawReportForm
                action={withdrawOnBehalfAction.bind(null, card.reissueRequests[0].id)}
                last4={card.surfaceNumber.slice(-4)}
                requestNo={card.reissueRequests[0].requestNo}
                onBehalf
              />
            </Panel>
          )}
        {typeof withdrawn === "string" && /^\d+$/.test(withdrawn) && (
          <Panel title={t("reinstate.done")}>
            <p className="text-sm text-emerald-800" role="status">
              {t("reinstate.doneText", { requestNo: withdrawn })}
            </p>
          </Panel>
        )}
        {card.status === "issued" && (
          <Panel title={t("activation.title")}>
            <p className="mb-3 text-sm text-slate-600">
              {t("activation.text", {
                previous: card.previousCard ? (card.previousCard.status === "blocked" ? "blocked" : "works") : "none",
                last4: card.previousCard?.surfaceNumber.slice(-4) ?? "",
              })}
            </p>
            <SimpleForm
              action={activateCardAtDeskAction.bind(null, card.id)}
              fields={[]}
              submitLabel={t("activation.submit")}
              pendingLabel={t("activation.pending")}
              ariaLabel={t("activation.label")}
              idPrefix="activate"
              variant="good"
            />
          </Panel>
        )}
        {card.temporary && !card.nextCard && card.status !== "terminated" && (
          <Panel title={t("permanent.title")}>
            <p className="mb-3 text-sm text-slate-600">{t("permanent.text")}</p>
            <SimpleForm
              action={issuePermanentCardAction.bind(null, card.id)}
              fields={[]}
              submitLabel={t("permanent.submit")}
              pendingLabel={t("permanent.pending")}
              ariaLabel={t("permanent.submit")}
              idPrefix="permanent"
            />
          </Panel>
        )}
        <Panel title={t("report.title")}>
          {card.status === "terminated" ? (
            <p className="text-sm text-slate-500">{t("report.terminated")}</p>
          ) : pending ? (
            <p className="text-sm text-slate-500">{t("report.pending")}</p>
          ) : (
            <ReportForm action={reportOnBehalfAction.bind(null, card.id)} last4={card.surfaceNumber.slice(-4)} onBehalf />
          )}
        </Panel>
      </div>

      {chip && (
        <Panel title={t("chip.title")} className="mt-6">
          {chip === "terminated" ? (
            <p className="text-sm" data-testid="chip-state">
              {t("chip.terminated")}
            </p>
          ) : (
            <>
              <p className="mb-3 text-sm text-slate-700" data-testid="chip-state">
                {t("chip.held")}
              </p>
              <SimpleForm
                action={terminateChipAction.bind(null, card.id)}
                fields={[]}
                submitLabel={t("chip.submit")}
                pendingLabel={t("chip.pending")}
                ariaLabel={t("chip.submit")}
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
      <Panel title={t("audit.title")} className="mt-6">
        <p className="mb-2 text-xs text-slate-500">{t("audit.utc")}</p>
        <Table head={[t("audit.col.when"), t("audit.col.who"), t("audit.col.what"), t("audit.col.why")]} caption={t("audit.caption")} empty={t("audit.empty")}>
          {card.audit.map((a) => (
            <tr key={a.id}>
              <Td>{format.dateTime(new Date(a.at), { ...FORMATS.dateTime.dateTime, timeZone: "UTC" })}</Td>
              <Td data>{a.actorLabel}</Td>
              <Td mono>{a.action}</Td>
              <Td className="max-w-md whitespace-normal">
                <AuditWhy row={a} words={reasonWords} noteLabel={audit("note")} legacyLabel={audit("legacy")} />
              </Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
