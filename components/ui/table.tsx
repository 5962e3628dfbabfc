import { isValidElement, type ReactNode } from "react";

/** A header cell with its sort state (components/table/sort-header.tsx makes these). */
export type HeadCell = { content: ReactNode; ariaSort: "ascending" | "descending" | "none" };

function isHeadCell(h: ReactNode | HeadCell): h is HeadCell {
  return typeof h === "object" && h !== null && !isValidElement(h) && "ariaSort" in h;
}

/** A plain data table; columns are given as header cells, rows as children. */
export function Table({ head, children, empty, caption }: { head: (ReactNode | HeadCell)[]; children: ReactNode; empty?: ReactNode; caption?: string }) {
  const hasRows = Array.isArray(children) ? children.length > 0 : Boolean(children);
  return (
    // Focusable so a keyboard can scroll a wide table (WCAG 2.1.1); named after the table.
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={caption ?? "Table"}>
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr>
            {head.map((h, i) => (
              <th
                key={i}
                scope="col"
                aria-sort={isHeadCell(h) ? h.ariaSort : undefined}
                className="whitespace-nowrap px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500"
              >
                {isHeadCell(h) ? h.content : h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {hasRows ? (
            children
          ) : (
            <tr>
              <td colSpan={head.length} className="px-3 py-6 text-center text-slate-500">
                {empty ?? "Nothing here yet."}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A data cell. `mono` (ids, codes) and `data` (text as stored: reasons, addresses) are marked
 * translate="no": data, not words of the page (e2e/fixtures/english-leftovers.ts, browser translators).
 */
export function Td({ children, className = "", mono = false, data = false }: { children: ReactNode; className?: string; mono?: boolean; data?: boolean }) {
  return (
    <td className={`whitespace-nowrap px-3 py-2 ${mono ? "font-mono text-xs" : ""} ${className}`} translate={mono || data ? "no" : undefined}>
      {children}
    </td>
  );
}
