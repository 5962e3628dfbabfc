import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { ListFooter } from "@/components/table/list-footer";
import { sortHeader, sortWords } from "@/components/table/sort-header";
import { encodeCursor, listHref, type SortState } from "@/lib/core/table/list-query";
import { requirePortal } from "@/lib/server/auth/session";
import { pageOfCardInquiries, pageOfReissueNotices } from "@/lib/server/data/provider/reissuance";
import { FieldErrors } from "@/components/ui/field";
import { parseReissuanceListParams, type ReissueNoticeSortKey } from "@/lib/validation/provider-lists";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.reissuance"))("title") };
}

const NG_REASONS = ["attribute-data-invalid", "card-not-found", "not-a-reissued-card", "application-not-on-old-card", "old-load-not-successful"] as const;
const isNgReason = (r: string | null): r is (typeof NG_REASONS)[number] => NG_REASONS.some((x) => x === r);

const PAGE_SIZE = 50;

/**
 * Reissuance information received: the Fig. 13 pairs, 50 a page in an index-backed order (newest first by
 * default), with the CSV of the whole list; below, the Fig. 16 inquiries, 50 a page newest first, with
 * their own cursor (`inquiries`), so each list pages without moving the other.
 */
export default async function ReissuancePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("provider", "/provider/reissuance");
  const list = parseReissuanceListParams(await searchParams);
  const query = list.query;
  const [notices, inquiries, t, v, common, format, sw] = await Promise.all([
    pageOfReissueNotices(actor, { query, sort: list.sort, after: list.after, take: PAGE_SIZE }),
    pageOfCardInquiries(actor, { query, after: list.inquiriesAfter, take: PAGE_SIZE }),
    getTranslations("provider.reissuance"),
    getTranslations("provider.validation"),
    getTranslations("common.table"),
    getFormatter(),
    sortWords(),
  ]);
  const when = (d: Date) => format.dateTime(d, "dateTime");
  const bySort = (sort: SortState<ReissueNoticeSortKey>) => listHref(list.links, { sort: sort.key, dir: sort.dir });
  // Each list's links keep the other list's page.
  const pairsAt = { ...list.links, after: list.after ? encodeCursor([list.after.value, list.after.id]) : undefined };
  const inquiriesAt = { ...list.links, inquiries: list.inquiriesAfter ? encodeCursor([list.inquiriesAfter.value, list.inquiriesAfter.id]) : undefined };
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <form className="mb-6 flex gap-2" role="search" aria-label={t("search")}>
        <input
          type="search"
          name="q"
          defaultValue={query}
          aria-label={t("searchLabel")}
          placeholder={t("searchPlaceholder")}
          className="w-96 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
          aria-describedby="q-error"
        />
        <FieldErrors id="q-error" errors={list.searchError ? [v("control")] : undefined} />
        {list.links.sort && <input type="hidden" name="sort" value={list.links.sort} />}
        {list.links.dir && <input type="hidden" name="dir" value={list.links.dir} />}
        <button className="rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">{t("searchButton")}</button>
      </form>
      <Panel title={t("pairs")} className="mb-6">
        <Table
          caption={t("pairsCaption")}
          head={[
            sortHeader(t("head.reissuedCardId"), "reissuedCardId", list.sort, bySort, sw),
            t("head.oldCardId"),
            t("head.reissued"),
            sortHeader(t("head.received"), "received", list.sort, bySort, sw),
            t("head.how"),
            t("head.message"),
          ]}
          empty={query ? t("noPairMatch") : t("noPairs")}
        >
          {notices.rows.map((n) => (
            <tr key={n.id}>
              <Td mono>{n.reissuedCardId}</Td>
              <Td mono>{n.oldCardId}</Td>
              <Td>{when(n.reissuedAt)}</Td>
              <Td>{when(n.receivedAt)}</Td>
              <Td>
                <Badge tone={n.via === "push" ? "info" : "warn"}>{t("via", { via: n.via })}</Badge>
              </Td>
              <Td mono>{n.sourceMessageId}</Td>
            </tr>
          ))}
        </Table>
        <ListFooter
          firstHref={list.after ? listHref(inquiriesAt, {}) : null}
          nextHref={notices.next ? listHref(inquiriesAt, { after: encodeCursor([notices.next.value, notices.next.id]) }) : null}
          csvHref={listHref(list.links, {}, "/provider/reissuance/export")}
          words={{ first: common("first"), next: common("next"), csv: common("csv"), pages: t("pairsPages") }}
        />
      </Panel>
      <Panel title={t("inquiries")}>
        <Table
          caption={t("inquiriesCaption")}
          head={[t("head.asked"), t("head.application"), t("head.inquiry"), t("head.reissue"), t("head.originalMessageId"), t("head.answer")]}
          empty={query ? t("noInquiryMatch") : t("noInquiries")}
        >
          {inquiries.rows.map((i) => (
            <tr key={i.id}>
              <Td>{when(i.askedAt)}</Td>
              <Td mono>{i.applicationAid}</Td>
              <Td mono>{i.requestMessageId}</Td>
              <Td>
                {i.reissueOk === null ? (
                  <Badge tone="warn">{t("noAnswer")}</Badge>
                ) : i.reissueOk ? (
                  <Badge tone="good">OK</Badge>
                ) : (
                  <Badge tone="bad">{t("ng", { reason: isNgReason(i.ngReason) ? t(`ngReasons.${i.ngReason}`) : (i.ngReason ?? "?") })}</Badge>
                )}
              </Td>
              <Td mono>{i.originalMessageId ?? "—"}</Td>
              <Td mono>{i.replyMessageId ?? "—"}</Td>
            </tr>
          ))}
        </Table>
        <ListFooter
          firstHref={list.inquiriesAfter ? listHref(pairsAt, {}) : null}
          nextHref={inquiries.next ? listHref(pairsAt, { inquiries: encodeCursor([inquiries.next.value, inquiries.next.id]) }) : null}
          words={{ first: common("first"), next: common("next"), csv: common("csv"), pages: t("inquiriesPages") }}
        />
      </Panel>
    </>
  );
}
