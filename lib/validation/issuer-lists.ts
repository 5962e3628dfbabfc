import { z } from "zod";
import { decodeKeysetCursor, parseSort, sortLinkParams, type SortState } from "@/lib/core/table/list-query";
import { parseSearchParam } from "./fields";
import { listParams, type ListParams } from "./list-params";

/**
 * The URL of the issuer's card list, read the same way by the page and its CSV export: filters,
 * sort (among the index-backed keys), and the keyset cursor, checked against the sort key's shape.
 */

export const CARD_LIST_SORT_KEYS = ["issued", "surface", "cardId"] as const;
export type CardListSortKey = (typeof CARD_LIST_SORT_KEYS)[number];
export const CARD_LIST_DEFAULT_SORT: SortState<CardListSortKey> = { key: "issued", dir: "desc" };

type Params = Record<string, string | string[] | undefined>;

const FilterSchema = z.object({
  q: z.string().max(64).optional().catch(undefined),
  status: z.enum(["active", "blocked", "terminated"]).optional().catch(undefined),
  platform: z.coerce
    .number()
    .pipe(z.union([z.literal(100), z.literal(200)]))
    .optional()
    .catch(undefined),
});

const CURSOR_VALUE: Record<CardListSortKey, RegExp> = {
  issued: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
  surface: /^\d{8,19}$/,
  cardId: /^[0-9A-F]{8,32}$/,
};

export type CardListParams = {
  filter: { query?: string; status?: "active" | "blocked" | "terminated"; platformType?: 100 | 200 };
  sort: SortState<CardListSortKey>;
  after: { value: string; id: string } | null;
  searchError: string | undefined;
  /** The list's own parameters as they should appear in links (no cursor). */
  query: Record<string, string | undefined>;
};

export function parseCardListParams(params: Params): CardListParams {
  // A search word with a control character (NUL…) is refused by the box, not sent to the database.
  const search = parseSearchParam(params.q, 64);
  const f = FilterSchema.parse({ q: search.query, status: first(params.status), platform: first(params.platform) });
  const sort = parseSort(params, CARD_LIST_SORT_KEYS, CARD_LIST_DEFAULT_SORT);
  return {
    filter: { query: f.q, status: f.status, platformType: f.platform },
    sort,
    after: decodeKeysetCursor(params.after, CURSOR_VALUE[sort.key]),
    searchError: search.error,
    query: {
      q: f.q,
      status: f.status,
      platform: f.platform ? String(f.platform) : undefined,
      ...sortLinkParams(sort, CARD_LIST_DEFAULT_SORT),
    },
  };
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The issuer's charges list (/issuer/charges and its CSV export): provider and month filters, sort by time or amount. */
export const CHARGE_LIST_SORT_KEYS = ["charged", "amount"] as const;
export type ChargeListSortKey = (typeof CHARGE_LIST_SORT_KEYS)[number];
export const CHARGE_LIST_DEFAULT_SORT: SortState<ChargeListSortKey> = { key: "charged", dir: "desc" };

const ChargeFilterSchema = z.object({
  provider: z.uuid().optional().catch(undefined),
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional()
    .catch(undefined),
});

const CHARGE_CURSOR_VALUE: Record<ChargeListSortKey, RegExp> = { charged: CURSOR_VALUE.issued, amount: /^\d{1,12}$/ };

export type ChargeListParams = {
  filter: { providerId?: string; period?: string };
  sort: SortState<ChargeListSortKey>;
  after: { value: string; id: string } | null;
  query: Record<string, string | undefined>;
};

export function parseChargeListParams(params: Params): ChargeListParams {
  const f = ChargeFilterSchema.parse({ provider: first(params.provider), period: first(params.period) });
  const sort = parseSort(params, CHARGE_LIST_SORT_KEYS, CHARGE_LIST_DEFAULT_SORT);
  return {
    filter: { providerId: f.provider, period: f.period },
    sort,
    after: decodeKeysetCursor(params.after, CHARGE_CURSOR_VALUE[sort.key]),
    query: { provider: f.provider, period: f.period, ...sortLinkParams(sort, CHARGE_LIST_DEFAULT_SORT) },
  };
}

const INSTANT = CURSOR_VALUE.issued;

/** The issuer's cardholders (/issuer/cardholders and its CSV): the search word, sort by number, name or registration. */
export const CARDHOLDER_LIST_SORT_KEYS = ["holderNo", "name", "created"] as const;
export type CardholderListSortKey = (typeof CARDHOLDER_LIST_SORT_KEYS)[number];
export const CARDHOLDER_LIST_DEFAULT_SORT: SortState<CardholderListSortKey> = { key: "holderNo", dir: "asc" };

const CARDHOLDER_CURSOR_VALUE: Record<CardholderListSortKey, RegExp> = {
  holderNo: /^[^\u0000-\u001f]{1,64}$/,
  name: /^[^\u0000-\u001f]{1,200}$/,
  created: INSTANT,
};

export type CardholderListParams = ListParams<CardholderListSortKey>;

export function parseCardholderListParams(params: Params): CardholderListParams {
  return listParams(params, CARDHOLDER_LIST_SORT_KEYS, CARDHOLDER_LIST_DEFAULT_SORT, CARDHOLDER_CURSOR_VALUE);
}

/** The issuer's loading permissions (/issuer/permissions and its CSV): status, kind, provider and message id filters; sort by decision time or message id. */
export const PERMISSION_LIST_SORT_KEYS = ["decided", "messageId"] as const;
export type PermissionListSortKey = (typeof PERMISSION_LIST_SORT_KEYS)[number];
export const PERMISSION_LIST_DEFAULT_SORT: SortState<PermissionListSortKey> = { key: "decided", dir: "desc" };

const PermissionFilterSchema = z.object({
  status: z.enum(["granted", "refused", "confirmed", "failed"]).optional().catch(undefined),
  kind: z.enum(["first_load", "reload"]).optional().catch(undefined),
  provider: z
    .string()
    .regex(/^[A-Z0-9]{4,12}$/)
    .optional()
    .catch(undefined),
});

const PERMISSION_CURSOR_VALUE: Record<PermissionListSortKey, RegExp> = { decided: INSTANT, messageId: /^[A-Za-z0-9-]{1,64}$/ };

export type PermissionListParams = {
  filter: { status?: "granted" | "refused" | "confirmed" | "failed"; kind?: "first_load" | "reload"; providerCompanyId?: string; messageId?: string };
  sort: SortState<PermissionListSortKey>;
  after: { value: string; id: string } | null;
  searchError: string | undefined;
  /** The list's own parameters as they appear in links (no cursor). */
  links: Record<string, string | undefined>;
};

export function parsePermissionListParams(params: Params): PermissionListParams {
  const search = parseSearchParam(params.q, 40);
  const f = PermissionFilterSchema.parse({ status: first(params.status), kind: first(params.kind), provider: first(params.provider) });
  const sort = parseSort(params, PERMISSION_LIST_SORT_KEYS, PERMISSION_LIST_DEFAULT_SORT);
  return {
    filter: { status: f.status, kind: f.kind, providerCompanyId: f.provider, messageId: search.query },
    sort,
    after: decodeKeysetCursor(params.after, PERMISSION_CURSOR_VALUE[sort.key]),
    searchError: search.error,
    links: {
      q: search.query,
      status: f.status,
      kind: f.kind,
      provider: f.provider,
      ...sortLinkParams(sort, PERMISSION_LIST_DEFAULT_SORT),
    },
  };
}
