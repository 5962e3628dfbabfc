import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { ChargesChart } from "@/components/provider/charges-chart";
import { Badge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Stat, StatGrid } from "@/components/ui/stat";
import { Table, Td } from "@/components/ui/table";
import { ListFooter } from "@/components/table/list-footer";
import { sortHeader, sortWords } from "@/components/table/sort-header";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { formatMoney } from "@/lib/core/format";
import { encodeCursor, listHref, type SortState } from "@/lib/core/table/list-query";
import { requirePortal } from "@/lib/server/auth/session";
import { applicationsOf } from "@/lib/server/data/provider/catalog";
import { getChargesOverview, listChargeStatements, pageOfUserCharges } from "@/lib/server/data/provider/charges";
import { parseUserChargeListParams, type UserChargeSortKey } from "@/lib/validation/provider-lists";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.charges"))("title") };
}

const PAGE_SIZE = 50;

export default async function ChargesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("provider", "/provider/charges");
  const list = parseUserChargeListParams(await searchParams);
  const filter = list.kind;
  const [overview, statements, page, sw] = await Promise.all([
    getChargesOverview(actor),
    listChargeStatements(actor),
    pageOfUserCharges(actor, { kind: list.kind, sort: list.sort, after: list.after, take: PAGE_SIZE }),
    sortWords(),
  ]);
  const bySort = (sort: SortState<UserChargeSortKey>) => listHref(list.links, { sort: sort.key, dir: sort.dir });
  const { currency, totals } = overview;
  const apps = applicationsOf(actor.providerCompanyId);
  const nameOf = (aid: string) => apps.find((a) => a.aid === aid)?.name ?? aid;
  const t = await getTranslations("provider.charges");
  const format = await getFormatter();
  const locale = await getLocale();
  const money = (minor: number, cur: string) => formatMoney(minor, cur, locale);
  const when = (at: Date) => format.dateTime(at, "dateTime");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <StatGrid>
        <Stat label={t("normalFees")} value={money(totals.normalMinor, currency)} hint={t("firstLoads", { count: totals.normalCount })} testId="total-normal" />
        <Stat
          label={t("reissueFees")}
          value={money(totals.reissueMinor, currency)}
          hint={t("reloads", { count: totals.reissueCount })}
          testId="total-reissue"
        />
        <Stat label={t("allCharges")} value={money(totals.normalMinor + totals.reissueMinor, currency)} testId="total-all" />
      </StatGrid>
      <Panel title={t("byMonth")} className="mt-6">
        <ChargesChart months={overview.months} currency={currency} />
        <details className="mt-3">
          <summary className="cursor-pointer text-sm text-slate-600">{t("asTable")}</summary>
          <Table caption={t("monthCaption")} head={[t("head.month"), t("normalFees"), t("reissueFees"), t("head.total")]}>
            {overview.months.map((m) => (
              <tr key={m.month}>
                <Td>{format.dateTime(new Date(`${m.month}-01T00:00:00Z`), { year: "numeric", month: "long", timeZone: "UTC" })}</Td>
                <Td className="text-right tabular-nums">{money(m.normalMinor, currency)}</Td>
                <Td className="text-right tabular-nums">{money(m.reissueMinor, currency)}</Td>
                <Td className="text-right tabular-nums">{money(m.normalMinor + m.reissueMinor, currency)}</Td>
              </tr>
            ))}
          </Table>
        </details>
      </Panel>
      <Panel
        title={t("toUsers")}
        className="mt-6"
        actions={
          <nav aria-label={t("filter")} className="flex gap-1 text-sm">
            {(["all", "normal", "reissue"] as const).map((k) => (
              <Link
                key={k}
                href={listHref(list.links, { kind: k === "all" ? undefined : k }, "/provider/charges")}
                aria-current={filter === k ? "page" : undefined}
                className={`rounded-md px-2.5 py-1 ${filter === k ? "bg-slate-900 text-white" : "text-slate-600 ring-1 ring-slate-200"}`}
              >
                {t("filterKind", { kind: k })}
              </Link>
            ))}
          </nav>
        }
      >
        <Table
          caption={t("toUsers")}
          head={[
            sortHeader(t("head.charged"), "charged", list.sort, bySort, sw),
            t("head.customer"),
            t("head.application"),
            t("head.kind"),
            sortHeader(t("head.amount"), "amount", list.sort, bySort, sw),
            t("head.load"),
          ]}
          empty={t("empty")}
        >
          {page.rows.map((c) => (
            <tr key={c.id}>
              <Td>{when(c.chargedAt)}</Td>
              <Td>
                {c.customerName}{" "}
                <span className="font-mono text-xs text-slate-500" translate="no">
                  {c.customerNo}
                </span>
              </Td>
              <Td>{nameOf(c.applicationAid)}</Td>
              <Td>{c.kind === "reissue_reload" ? <Badge tone="good">{t("kindReissue")}</Badge> : <Badge>{t("kindNormal")}</Badge>}</Td>
              <Td className="text-right tabular-nums">{money(c.amountMinor, c.currency)}</Td>
              <Td mono>
                <Link className="underline" href={`/provider/records/${c.loadRecordId}`}>
                  {c.messageId}
                </Link>
              </Td>
            </tr>
          ))}
        </Table>
        <ListFooter
          firstHref={list.after ? listHref(list.links, {}) : null}
          nextHref={page.next ? listHref(list.links, { after: encodeCursor([page.next.value, page.next.id]) }) : null}
          csvHref={listHref(list.links, {}, "/provider/charges/export")}
        />
      </Panel>
      <Panel title={t("statements")} className="mt-6">
        <Table
          caption={t("statementsCaption")}
          head={[
            t("head.period"),
            t("head.platform"),
            t("head.normalLoads"),
            t("head.reissueReloads"),
            t("head.total"),
            t("head.lines"),
            t("head.message"),
            t("head.received"),
          ]}
          empty={t("noStatement")}
        >
          {statements.map((s) => (
            <tr key={s.id}>
              <Td>{s.period}</Td>
              <Td>{t("platform", { platformType: s.platformType })}</Td>
              <Td className="text-right tabular-nums">{money(s.normalTotalMinor, s.currency)}</Td>
              <Td className="text-right tabular-nums">{money(s.reissueTotalMinor, s.currency)}</Td>
              <Td className="text-right tabular-nums">{money(s.totalMinor, s.currency)}</Td>
              <Td className="text-right tabular-nums">{s.lineCount}</Td>
              <Td mono>{s.messageId}</Td>
              <Td>{when(s.receivedAt)}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
