import { Link } from "@/components/ui/link";
import type { ReactNode } from "react";

/** One live figure on a dashboard; with `href` the whole tile links to the figure's list. */
export function Stat({ label, value, hint, href, testId }: { label: string; value: ReactNode; hint?: ReactNode; href?: string; testId?: string }) {
  return (
    <div
      className={`relative rounded-xl border border-slate-200 bg-white px-5 py-4 shadow-sm ${href ? "transition focus-within:ring-2 focus-within:ring-indigo-600 hover:border-slate-300 hover:shadow" : ""}`}
    >
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-3xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {href ? (
          // The link's box covers the tile (after:inset-0), so the dl keeps only dt/dd inside its div.
          <Link href={href} className="after:absolute after:inset-0 focus:outline-none">
            {value}
          </Link>
        ) : (
          value
        )}
      </dd>
      {hint && <dd className="mt-1 text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}

export function StatGrid({ children }: { children: ReactNode }) {
  return <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">{children}</dl>;
}
