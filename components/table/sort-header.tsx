import { Link } from "@/components/ui/link";
import { getTranslations } from "next-intl/server";
import type { HeadCell } from "@/components/ui/table";
import type { SortDirection, SortState } from "@/lib/core/table/list-query";

/** Words of a sortable column header (the caller passes them translated: `sortWords()` or common.table.sort). */
export type SortWords = { ascending: string; descending: string; sortBy: string };

/** The sort words in the reader's language, for server pages. */
export async function sortWords(): Promise<SortWords> {
  const t = await getTranslations("common.table.sort");
  return { ascending: t("ascending"), descending: t("descending"), sortBy: t("sortBy") };
}

const ENGLISH: SortWords = { ascending: "sorted ascending", descending: "sorted descending", sortBy: "sort" };

/**
 * A sortable column's header cell for components/ui/table: a link to the same list sorted by this
 * column (the other direction when it is already the sort), with `aria-sort` on the header. `href`
 * builds the list's URL for a sort and must drop the page cursor.
 */
export function sortHeader<K extends string>(
  label: string,
  key: K,
  current: SortState<K>,
  href: (sort: SortState<K>) => string,
  words: SortWords = ENGLISH,
): HeadCell {
  const active = current.key === key;
  const next: SortDirection = active ? (current.dir === "asc" ? "desc" : "asc") : "asc";
  return {
    ariaSort: active ? (current.dir === "asc" ? "ascending" : "descending") : "none",
    content: (
      <Link href={href({ key, dir: next })} className="inline-flex items-center gap-1 hover:text-slate-900 hover:underline" prefetch={false}>
        {label}
        <span aria-hidden className={active ? "text-slate-900" : "text-slate-300"}>
          {active ? (current.dir === "asc" ? "▲" : "▼") : "↕"}
        </span>
        <span className="sr-only">{active ? `, ${current.dir === "asc" ? words.ascending : words.descending}` : `, ${words.sortBy}`}</span>
      </Link>
    ),
  };
}
