import Link from "next/link";
import type { ReactNode } from "react";

/** One live figure on a dashboard. */
export function Stat({ label, value, hint, href, testId }: { label: string; value: ReactNode; hint?: ReactNode; href?: string; testId?: string }) {
  const body = (
    <>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-3xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </dd>
      {hint && <dd className="mt-1 text-xs text-slate-500">{hint}</dd>}
    </>
  );
  const cls = "block rounded-xl border border-slate-200 bg-white px-5 py-4 shadow-sm";
  return href ? (
    <Link href={href} className={`${cls} transition hover:border-slate-300 hover:shadow`}>
      <div>{body}</div>
    </Link>
  ) : (
    <div className={cls}>{body}</div>
  );
}

export function StatGrid({ children }: { children: ReactNode }) {
  return <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">{children}</dl>;
}
