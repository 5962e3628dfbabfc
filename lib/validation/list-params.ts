import { decodeKeysetCursor, parseSort, sortLinkParams, type SortState } from "@/lib/core/table/list-query";
import { parseSearchParam } from "./fields";

/**
 * A list URL with a search word, a sort among index-backed keys and a keyset cursor, read the same way by
 * a page and its CSV export (the issuer's cardholders, the provider's lists). A cursor that does not fit
 * the sort is ignored: the first page.
 */

type Params = Record<string, string | string[] | undefined>;

export type ListParams<K extends string> = {
  query: string | undefined;
  sort: SortState<K>;
  after: { value: string; id: string } | null;
  searchError: string | undefined;
  /** The list's own parameters as they appear in links (no cursor). */
  links: Record<string, string | undefined>;
};

export function listParams<K extends string>(params: Params, keys: readonly K[], fallback: SortState<K>, cursorValue: Record<K, RegExp>): ListParams<K> {
  // A search word with a control character (NUL…) is refused by the box, not sent to the database.
  const search = parseSearchParam(params.q, 64);
  const sort = parseSort(params, keys, fallback);
  return {
    query: search.query,
    sort,
    after: decodeKeysetCursor(params.after, cursorValue[sort.key]),
    searchError: search.error,
    links: { q: search.query, ...sortLinkParams(sort, fallback) },
  };
}
