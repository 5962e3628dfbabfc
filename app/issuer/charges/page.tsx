import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { ChargesChart } from "@/components/issuer/charges-chart";
import { SimpleForm } from "@/components/issuer/simple-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Stat, StatGrid } from "@/components/ui/stat";
import { Table, Td } from "@/components/ui/table";
import { minorToMajor } from "@/lib/core/format";
import { ListFooter } from "@/components/table/list-footer";
import { sortHeader, sortWords } from "@/components/table/sort-header";
import { encodeCursor, listHref, type SortState } from "@/lib/core/table/list-query";
import { parseChargeListParams, type ChargeListSortKey } from "@/lib/validation/issuer-lists";
import { monthOf } from "@/lib/core/months";
import { requirePortal } from "@/lib/server/auth/session";
import { chargesByMonth, listCharges, listFeeSchedules, listStatements, pageOfCharges } from "@/lib/server/data/issuer/charges";
import { issueStatementAction, setFeeAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.charges"))("metaTitle") };
}

const PAGE_SIZE = 50;

/** Closed months, newest first (a statement covers a month that is over). */
function closedMonths(now: Date, count: number): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  for (let i = 0; i < count; i++) {
    d.setUTCMonth(d.getUTCMonth() - 1);
    out.push(monthOf(d));
  }
  return out;
}

export default async function ChargesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/charges");
  const list = parseChargeListParams(await searchParams);
  const f = { provider: list.filter.providerId, period: list.filter.period };
  const now = new Date();
  const [schedules, { totals }, page, months, statements, t, words, format, sw] = await Promise.all([
    listFeeSchedules(actor, now),
    listCharges(actor, list.filter, 0),
    pageOfCharges(actor, list.filter, { after: list.after, take: PAGE_SIZE, sort: list.sort }),
    chargesByMonth(actor, { providerId: f.provider }, 12, now),
    listStatements(actor),
    getTranslations("issuer.charges"),
    getTranslations("issuer.words"),
    getFormatter(),
    sortWords(),
  ]);
  const rows = page.rows;
  const providerOptions = schedules.map((p) => ({ value: p.id, label: `${p.name} (${p.companyId})` }));
  const cur = totals.currency;
  const money = (amount: number, currency: string) => format.number(minorToMajor(amount, currency), { style: "currency", currency });
  const when = (d: Date | string) => format.dateTime(new Date(d), "dateTime");
  const bySort = (sort: SortState<ChargeListSortKey>) => listHref(list.query, { sort: sort.key, dir: sort.dir });
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Panel>
        <form className="flex flex-wrap items-end gap-3" role="search" aria-label={t("filterLabel")}>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">{t("provider")}</span>
            <select name="provider" defaultValue={f.provider ?? ""} className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">
              <option value="">{t("allProviders")}</option>
              {providerOptions.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">{t("month")}</span>
            <input type="month" name="period" defaultValue={f.period} className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300" />
          </label>
          {list.query.sort && <input type="hidden" name="sort" value={list.query.sort} />}
          {list.query.dir && <input type="hidden" name="dir" value={list.query.dir} />}
          <Button type="submit">{t("show")}</Button>
        </form>
      </Panel>
      <div className="mt-6">
        <StatGrid>
          <Stat label={t("stats.normal")} value={money(totals.normal, cur)} hint={t("stats.charges", { count: totals.normalCount })} testId="total-normal" />
          <Stat
            label={t("stats.reissue")}
            value={money(totals.reissue, cur)}
            hint={t("stats.charges", { count: totals.reissueCount })}
            testId="total-reissue"
          />
          <Stat
            label={t("stats.total")}
            value={money(totals.normal + totals.reissue, cur)}
            hint={f.period ? t("stats.inPeriod", { period: f.period }) : t("stats.allTime")}
            testId="total-all"
          />
          <Stat label={t("stats.statements")} value={format.number(statements.length)} hint={t("stats.latest50")} />
        </StatGrid>
      </div>
      <Panel title={t("chartTitle")} className="mt-6">
        <ChargesChart months={months} currency={cur} />
      </Panel>

      <div className="mt-6 grid gap-6 lg:grid-cols-[1fr_24rem]">
        <Panel title={t("fees.title")}>
          <Table
            head={[t("fees.col.provider"), t("fees.col.application"), t("fees.col.normal"), t("fees.col.reissue"), t("fees.col.since"), t("fees.col.change")]}
            caption={t("fees.caption")}
          >
            {schedules.flatMap((p) =>
              p.applications.map((a) => (
                <tr key={a.id}>
                  <Td>{p.companyId}</Td>
                  <Td>
                    {a.name}{" "}
                    {a.status !== "approved" && (
                      <Badge tone="warn">{a.status === "pending" || a.status === "revoked" ? t(`fees.appStatus.${a.status}`) : a.status}</Badge>
                    )}
                  </Td>
                  <Td>
                    {a.current
                      ? money(a.current.normalLoadFeeMinor, a.current.currency)
                      : p.default
                        ? t("fees.default", { amount: money(p.default.normalLoadFeeMinor, p.default.currency) })
                        : "—"}
                  </Td>
                  <Td>
                    {a.current
                      ? money(a.current.reissueReloadFeeMinor, a.current.currency)
                      : p.default
                        ? t("fees.default", { amount: money(p.default.reissueReloadFeeMinor, p.default.currency) })
                        : "—"}
                  </Td>
                  <Td>{a.current ? format.dateTime(new Date(a.current.validFrom), "date") : "—"}</Td>
                  <Td className="whitespace-normal">
                    <details>
                      <summary className="cursor-pointer text-xs underline">{t("fees.change")}</summary>
                      <div className="mt-2 w-64">
                        <SimpleForm
                          action={setFeeAction.bind(null, p.id, a.id)}
                          idPrefix={`fee-${a.aid}`}
                          ariaLabel={t("fees.label", { name: a.name })}
                          submitLabel={t("fees.save")}
                          fields={[
                            {
                              kind: "number",
                              name: "normalLoadFeeMinor",
                              label: t("fees.normalFee"),
                              min: 0,
                              defaultValue: a.current?.normalLoadFeeMinor ?? 0,
                            },
                            {
                              kind: "number",
                              name: "reissueReloadFeeMinor",
                              label: t("fees.reissueFee"),
                              min: 0,
                              defaultValue: a.current?.reissueReloadFeeMinor ?? 0,
                            },
                            { kind: "textarea", name: "reason", label: t("fees.reason") },
                          ]}
                        />
                      </div>
                    </details>
                  </Td>
                </tr>
              )),
            )}
          </Table>
        </Panel>
        <Panel title={t("statement.title")}>
          <SimpleForm
            action={issueStatementAction}
            idPrefix="statement"
            ariaLabel={t("statement.label")}
            submitLabel={t("statement.submit")}
            pendingLabel={t("statement.pending")}
            fields={[
              { kind: "select", name: "providerId", label: t("provider"), options: [{ value: "", label: t("statement.choose") }, ...providerOptions] },
              {
                kind: "select",
                name: "period",
                label: t("month"),
                options: closedMonths(now, 18).map((m) => ({ value: m, label: m })),
                hint: t("statement.hint"),
              },
            ]}
          />
        </Panel>
      </div>

      <Panel title={t("statements.title")} className="mt-6">
        <Table
          head={[
            t("statements.col.month"),
            t("statements.col.provider"),
            t("statements.col.platform"),
            t("statements.col.normal"),
            t("statements.col.reissue"),
            t("statements.col.total"),
            t("statements.col.lines"),
            t("statements.col.messageId"),
            t("statements.col.sent"),
          ]}
          caption={t("statements.title")}
          empty={t("statements.empty")}
        >
          {statements.map((s) => (
            <tr key={s.id}>
              <Td>{s.period}</Td>
              <Td>{s.provider.companyId}</Td>
              <Td>{words("pfShort", { type: s.platformType })}</Td>
              <Td>{money(s.normalTotalMinor, s.currency)}</Td>
              <Td>{money(s.reissueTotalMinor, s.currency)}</Td>
              <Td>{money(s.totalMinor, s.currency)}</Td>
              <Td>{s._count.charges}</Td>
              <Td mono>{s.messageId ?? "—"}</Td>
              <Td>{when(s.issuedAt)}</Td>
            </tr>
          ))}
        </Table>
      </Panel>

      <Panel title={f.period ? t("list.titleIn", { period: f.period }) : t("list.title")} className="mt-6">
        <Table
          head={[
            sortHeader(t("list.col.when"), "charged", list.sort, bySort, sw),
            t("list.col.provider"),
            t("list.col.application"),
            t("list.col.permission"),
            t("list.col.kind"),
            sortHeader(t("list.col.amount"), "amount", list.sort, bySort, sw),
            t("list.col.statement"),
          ]}
          caption={t("list.caption")}
          empty={t("list.empty")}
        >
          {rows.map((c) => (
            <tr key={c.id}>
              <Td>{when(c.chargedAt)}</Td>
              <Td>{c.provider.companyId}</Td>
              <Td>{c.permission.application?.name ?? "—"}</Td>
              <Td mono>{c.permission.messageId}</Td>
              <Td>{c.kind === "reissue_reload" ? <Badge tone="warn">{t("list.reissue")}</Badge> : <Badge>{t("list.normal")}</Badge>}</Td>
              <Td>{money(c.amountMinor, c.currency)}</Td>
              <Td>{c.statement ? c.statement.period : "—"}</Td>
            </tr>
          ))}
        </Table>
        <ListFooter
          firstHref={list.after ? listHref(list.query, {}) : null}
          nextHref={page.next ? listHref(list.query, { after: encodeCursor([page.next.value, page.next.id]) }) : null}
          csvHref={listHref(list.query, {}, "/issuer/charges/export")}
        />
      </Panel>
    </>
  );
}
