import { useTranslations } from "next-intl";
import type { ReactNode } from "react";

const TONES = {
  neutral: "bg-slate-100 text-slate-700 ring-slate-200",
  good: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  warn: "bg-amber-50 text-amber-800 ring-amber-200",
  bad: "bg-rose-50 text-rose-700 ring-rose-200",
  info: "bg-sky-50 text-sky-700 ring-sky-200",
} as const;

export type Tone = keyof typeof TONES;

export function Badge({ tone = "neutral", children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>{children}</span>;
}

const STATUS_TONES: Record<string, Tone> = {
  active: "good",
  approved: "good",
  loaded: "good",
  confirmed: "good",
  processed: "good",
  delivered: "good",
  reloaded: "good",
  granted: "info",
  pending: "warn",
  in_progress: "warn",
  blocked: "bad",
  suspended: "warn",
  rejected: "bad",
  refused: "bad",
  failed: "bad",
  dead: "bad",
  terminated: "neutral",
  revoked: "neutral",
  deleted: "neutral",
};

/** A status word in the colour of what it means, in the reader's language (common.status). */
export function StatusBadge({ status }: { status: string }) {
  const t = useTranslations("common.status");
  const key = status as Parameters<typeof t>[0];
  return <Badge tone={STATUS_TONES[status] ?? "neutral"}>{t.has(key) ? t(key) : status.replace(/_/g, " ")}</Badge>;
}
