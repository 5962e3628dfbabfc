import type { ReactNode } from "react";

/**
 * Under a keyset-paginated list: "First page" when not on it, "Next" when there is more, and the CSV
 * download of the whole list as filtered and sorted (a route handler that checks the session itself).
 */
export function ListFooter({
  firstHref,
  nextHref,
  csvHref,
  words = { first: "First page", next: "Next", csv: "Download CSV", pages: "Pages" },
}: {
  firstHref: string | null;
  nextHref: string | null;
  csvHref?: string;
  words?: { first: ReactNode; next: ReactNode; csv: ReactNode; pages: string };
}) {
  if (!firstHref && !nextHref && !csvHref) return null;
  return (
    <div className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm">
      <nav className="flex gap-3" aria-label={words.pages}>
        {firstHref && (
          <a className="underline" href={firstHref}>
            {words.first}
          </a>
        )}
        {nextHref && (
          <a className="underline" href={nextHref}>
            {words.next}
          </a>
        )}
      </nav>
      {csvHref && (
        <a className="rounded-lg px-3 py-1.5 font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50" href={csvHref} download>
          {words.csv}
        </a>
      )}
    </div>
  );
}
