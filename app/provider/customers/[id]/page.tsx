import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { notFound } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatMoney } from "@/lib/core/format";
import { describeExaminationNote, type WordsT } from "@/lib/core/workflows/reload-words";
import { requirePortal } from "@/lib/server/auth/session";
import { applicationsOf } from "@/lib/server/data/provider/catalog";
import { getCustomer, type CustomerLoad } from "@/lib/server/data/provider/customers";
import { StoredSentence } from "@/components/ui/stored-sentence";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.customer"))("metaTitle") };
}

type Words = Awaited<ReturnType<typeof getTranslations<"provider.customer">>>;
type Fmt = { money: (minor: number, currency: string) => string; when: (d: Date) => string; day: (d: Date) => string };

function LoadRows({ loads, nameOf, t, f }: { loads: CustomerLoad[]; nameOf: (aid: string) => string; t: Words; f: Fmt }) {
  return loads.map((l) => (
    <tr key={l.id}>
      <Td mono>
        <Link className="underline" href={`/provider/records/${l.id}`} translate="no">
          {l.messageId}
        </Link>
      </Td>
      <Td>{nameOf(l.applicationAid)}</Td>
      <Td>{t("platform", { platformType: l.platformType })}</Td>
      <Td>
        {l.kind === "reload" ? <Badge tone="info">{t("reload")}</Badge> : t("firstLoad")}
        {l.previousMessageId ? (
          <span className="ml-1 font-mono text-xs text-slate-500">
            {t("of")} <span translate="no">{l.previousMessageId}</span>
          </span>
        ) : null}
      </Td>
      <Td>
        <StatusBadge status={l.status} />
      </Td>
      <Td>
        {l.examination
          ? t("examination", {
              outcome: l.examination.outcome,
              limit: l.examination.limitMinor ? f.money(l.examination.limitMinor, l.charge?.currency ?? "JPY") : "",
              hasLimit: l.examination.limitMinor ? "yes" : "no",
              at: f.day(l.examination.investigatedAt),
            })
          : "—"}
      </Td>
      <Td>{l.charge ? t("charge", { amount: f.money(l.charge.amountMinor, l.charge.currency), kind: l.charge.kind }) : "—"}</Td>
      <Td>{l.loadedAt ? f.when(l.loadedAt) : "—"}</Td>
    </tr>
  ));
}

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePortal("provider", `/provider/customers/${id}`);
  const c = await getCustomer(actor, id);
  if (!c) notFound();
  const apps = applicationsOf(actor.providerCompanyId);
  const nameOf = (aid: string) => apps.find((a) => a.aid === aid)?.name ?? aid;
  const t = await getTranslations("provider.customer");
  const wordsT = await getTranslations("provider.words");
  const words: WordsT = (key, values) => wordsT(key as never, values as never);
  const format = await getFormatter();
  const locale = await getLocale();
  const f: Fmt = {
    money: (minor, currency) => formatMoney(minor, currency, locale),
    when: (d) => format.dateTime(d, "dateTime"),
    day: (d) => format.dateTime(d, "date"),
  };
  const born = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeZone: "UTC" });
  const head = [
    t("head.messageId"),
    t("head.application"),
    t("head.platform"),
    t("head.kind"),
    t("head.status"),
    t("head.examination"),
    t("head.charge"),
    t("head.loaded"),
  ];
  return (
    <>
      <PageHeader title={<span translate="no">{c.fullName}</span>} description={t("description", { customerNo: c.customerNo, since: f.day(c.createdAt) })} />
      <Panel title={t("userInformation")} className="mb-6">
        <dl className="grid grid-cols-1 gap-x-8 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]" data-testid="customer">
          <dt className="text-slate-500">{t("customerNo")}</dt>
          <dd className="font-mono" translate="no">
            {c.customerNo}
          </dd>
          <dt className="text-slate-500">{t("born")}</dt>
          <dd>{c.birthDate ? born(c.birthDate) : "—"}</dd>
          <dt className="text-slate-500">{t("email")}</dt>
          <dd>{c.email ?? "—"}</dd>
          <dt className="text-slate-500">{t("phone")}</dt>
          <dd>{c.phone ?? "—"}</dd>
          <dt className="text-slate-500">{t("address")}</dt>
          <dd translate="no">{c.address ?? "—"}</dd>
        </dl>
      </Panel>
      <Panel title={t("byCardId")} className="mb-6">
        {c.byCardId.length === 0 && <p className="text-sm text-slate-500">{t("noCard100")}</p>}
        {c.byCardId.map((card) => (
          <div key={card.cardId} className="mb-4">
            <h3 className="mb-1 font-mono text-sm font-semibold" translate="no">
              {card.cardId}
            </h3>
            <Table caption={t("loadsOnCard", { cardId: card.cardId })} head={head}>
              <LoadRows loads={card.loads} nameOf={nameOf} t={t} f={f} />
            </Table>
          </div>
        ))}
      </Panel>
      <Panel title={t("byMessageId")} className="mb-6">
        <Table caption={t("loadsByMessageId")} head={head} empty={t("noLoads")}>
          <LoadRows loads={c.byMessageId} nameOf={nameOf} t={t} f={f} />
        </Table>
      </Panel>
      <Panel title={t("examinations")}>
        <Table
          caption={t("examinationsCaption")}
          head={[
            t("head.when"),
            t("head.application"),
            t("head.outcome"),
            t("head.limit"),
            t("head.declaredIncome"),
            t("head.existingLimits"),
            t("head.policy"),
            t("head.by"),
            t("head.notes"),
          ]}
          empty={t("noExamination")}
        >
          {c.examinations.map((e) => (
            <tr key={e.id}>
              <Td>{f.when(e.investigatedAt)}</Td>
              <Td>{nameOf(e.applicationAid)}</Td>
              <Td>
                <StatusBadge status={e.outcome} />
              </Td>
              <Td>{f.money(e.limitMinor, "JPY")}</Td>
              <Td>{f.money(e.declaredIncomeMinor, "JPY")}</Td>
              <Td>{f.money(e.existingLimitsMinor, "JPY")}</Td>
              <Td mono>{e.policyVersion}</Td>
              <Td>
                <span translate="no">{e.investigatedBy}</span>
              </Td>
              <Td className="max-w-md whitespace-normal text-xs">
                {e.notes.length > 0 ? (
                  <span data-testid="examination-notes">{e.notes.map((n) => describeExaminationNote(n, { t: words, money: f.money })).join(" ")}</span>
                ) : e.legacyNotes ? (
                  /* Written before the codes: the English notes as stored (data, not page words). */
                  <StoredSentence>{e.legacyNotes}</StoredSentence>
                ) : (
                  "—"
                )}
              </Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
