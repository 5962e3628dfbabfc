import { useTranslations } from "next-intl";
import type { ReactNode } from "react";

/**
 * Under a keyset-paginated list: "First page" when not on it, "Next" when there is more, and the CSV
 * download of the whole list as filtered and sorted (a route handler that checks the session itself).
 */
export function ListFooter({
  firstHref,
  nextHref,
  csvHref,
  words,
}: {
  firstHref: string | null;
  nextHref: string | null;
  csvHref?: string;
  words?: { first: ReactNode; next: ReactNode; csv: ReactNode; pages: string };
}) {
  const t = useTranslations("common.table");
  if (!firstHref && !nextHref && !csvHref) return null;
  const w = words ?? { first: t("first"), next: t("next"), csv: t("csv"), pages: t("pages") };
  return (
    <div className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm">
      <nav className="flex gap-3" aria-label={w.pages}>
        {firstHref && (
          <a className="underline" href={firstHref}>
            {w.first}
          </a>
        )}
        {nextHref && (
          <a className="underline" href={nextHref}>
            {w.next}
          </a>
        )}
      </nav>
      {csvHref && (
        <a className="rounded-lg px-3 py-1.5 font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50" href={csvHref} download>
          {w.csv}
        </a>
      )}
    </div>
  );
}
