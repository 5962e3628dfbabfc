"use client";

import { useTranslations } from "next-intl";
import { toHex } from "@/lib/core/bytes";
import { formatStatusWord } from "@/lib/core/card/status-words";
import type { ApduTrace, TraceEntry } from "@/lib/reader";
import { useApduTrace, useStatusWordT } from "@/components/reader/use-reader";
import { traceEntryWords } from "@/lib/reader/status-word-words";
import { Badge } from "@/components/ui/badge";

/** One thing the desk did with the card, with the slice of the APDU trace it produced. */
export type CardOp = {
  id: string;
  /** The patent step it realises, e.g. "1801", "702–703", "709". */
  step: string;
  label: string;
  detail: string;
  outcome: "ok" | "refused" | "running";
  /** Trace entry ids [from, to] (inclusive), or null before the first APDU. */
  range: [number, number] | null;
};

/** Runs `work` and returns the trace ids of the APDUs it exchanged. */
export async function traced<T>(trace: ApduTrace, work: () => Promise<T>): Promise<{ value: T; range: [number, number] | null }> {
  const before = trace.getSnapshot().at(-1)?.id ?? 0;
  const value = await work();
  const after = trace.getSnapshot().filter((e) => e.id > before);
  return { value, range: after.length ? [after[0]!.id, after.at(-1)!.id] : null };
}

function Apdus({ entries }: { entries: readonly TraceEntry[] }) {
  const t = useTranslations("provider.ops");
  const sw = useStatusWordT();
  return (
    <ol className="mt-2 space-y-1 font-mono text-[11px] leading-snug text-slate-600">
      {entries.map((e) => (
        <li key={e.id} className="break-all">
          <span className="text-slate-400">→</span> {toHex(e.command).slice(0, 48)}
          {e.command.length > 24 ? "…" : ""} <span className="text-slate-400">←</span>{" "}
          {e.response ? toHex(e.response.subarray(0, Math.max(0, e.response.length - 2))).slice(0, 32) || "—" : "—"}
          {e.response && e.response.length > 18 ? "…" : ""}{" "}
          <span className={e.sw === 0x9000 ? "text-emerald-700" : "text-rose-700"}>{e.sw === null ? t("noAnswer") : formatStatusWord(e.sw)}</span>{" "}
          <span className="font-sans text-slate-500">{traceEntryWords(sw, e)}</span>
        </li>
      ))}
    </ol>
  );
}

/** The card operations of a flow, each with its APDUs (the same exchanges as the reader panel's trace). */
export function CardOps({ ops, trace }: { ops: readonly CardOp[]; trace: ApduTrace }) {
  const t = useTranslations("provider.ops");
  const entries = useApduTrace(trace);
  if (ops.length === 0) return null;
  return (
    <ol className="space-y-3" aria-label={t("label")}>
      {ops.map((op) => {
        const slice = op.range ? entries.filter((e) => e.id >= op.range![0] && e.id <= op.range![1]) : [];
        return (
          <li key={op.id} className="rounded-lg border border-slate-200 px-3 py-2" data-testid="card-op">
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <Badge tone="neutral">{op.step}</Badge>
              <span className="font-medium text-slate-800">{op.label}</span>
              <Badge tone={op.outcome === "ok" ? "good" : op.outcome === "refused" ? "bad" : "warn"}>{t("outcome", { outcome: op.outcome })}</Badge>
            </div>
            <p className="mt-1 text-sm text-slate-600">{op.detail}</p>
            {slice.length > 0 && (
              <details className="mt-1">
                <summary className="cursor-pointer text-xs text-slate-500">{t("apdus", { count: slice.length })}</summary>
                <Apdus entries={slice} />
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
