import { decodeKeysetCursor, type SortState } from "@/lib/core/table/list-query";
import { listParams, type ListParams } from "./list-params";

/**
 * The URLs of the provider's growing lists (load records, customers), read the same way by the page and
 * its CSV export: the search word, the sort among index-backed keys, and the keyset cursor, checked
 * against the sort key's shape (a cursor that does not fit the sort is ignored: the first page).
 */

type Params = Record<string, string | string[] | undefined>;

const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export const RECORD_SORT_KEYS = ["created", "messageId"] as const;
export type RecordSortKey = (typeof RECORD_SORT_KEYS)[number];
export const RECORD_DEFAULT_SORT: SortState<RecordSortKey> = { key: "created", dir: "desc" };

export function parseRecordListParams(params: Params): ListParams<RecordSortKey> {
  return listParams(params, RECORD_SORT_KEYS, RECORD_DEFAULT_SORT, { created: INSTANT, messageId: /^[A-Za-z0-9-]{1,64}$/ });
}

export const CUSTOMER_SORT_KEYS = ["created", "customerNo", "name"] as const;
export type CustomerSortKey = (typeof CUSTOMER_SORT_KEYS)[number];
export const CUSTOMER_DEFAULT_SORT: SortState<CustomerSortKey> = { key: "created", dir: "desc" };

export function parseCustomerListParams(params: Params): ListParams<CustomerSortKey> {
  return listParams(params, CUSTOMER_SORT_KEYS, CUSTOMER_DEFAULT_SORT, {
    created: INSTANT,
    customerNo: /^[^\u0000-\u001f]{1,64}$/,
    name: /^[^\u0000-\u001f]{1,200}$/,
  });
}

/** Charges to users (/provider/charges and its CSV): the kind filter (all, normal, reissue), sort by time or amount. */
export const USER_CHARGE_SORT_KEYS = ["charged", "amount"] as const;
export type UserChargeSortKey = (typeof USER_CHARGE_SORT_KEYS)[number];
export const USER_CHARGE_DEFAULT_SORT: SortState<UserChargeSortKey> = { key: "charged", dir: "desc" };
export type UserChargeKindFilter = "all" | "normal" | "reissue";

export function parseUserChargeListParams(params: Params): ListParams<UserChargeSortKey> & { kind: UserChargeKindFilter } {
  const list = listParams({ ...params, q: undefined }, USER_CHARGE_SORT_KEYS, USER_CHARGE_DEFAULT_SORT, { charged: INSTANT, amount: /^\d{1,12}$/ });
  const raw = Array.isArray(params.kind) ? params.kind[0] : params.kind;
  const kind: UserChargeKindFilter = raw === "normal" || raw === "reissue" ? raw : "all";
  return { ...list, kind, links: { kind: kind === "all" ? undefined : kind, sort: list.links.sort, dir: list.links.dir } };
}

/**
 * Reissuance information (/provider/reissuance and its CSV): the search word, the pairs' sort (when
 * received, or by reissued card id), the pairs' cursor `after`, and the inquiries' own cursor `inquiries`
 * (they page newest first, on their own).
 */
export const REISSUE_NOTICE_SORT_KEYS = ["received", "reissuedCardId"] as const;
export type ReissueNoticeSortKey = (typeof REISSUE_NOTICE_SORT_KEYS)[number];
export const REISSUE_NOTICE_DEFAULT_SORT: SortState<ReissueNoticeSortKey> = { key: "received", dir: "desc" };

export function parseReissuanceListParams(params: Params): ListParams<ReissueNoticeSortKey> & { inquiriesAfter: { value: string; id: string } | null } {
  const list = listParams(params, REISSUE_NOTICE_SORT_KEYS, REISSUE_NOTICE_DEFAULT_SORT, { received: INSTANT, reissuedCardId: /^[0-9A-F]{1,64}$/ });
  return { ...list, inquiriesAfter: decodeKeysetCursor(params.inquiries, INSTANT) };
}
