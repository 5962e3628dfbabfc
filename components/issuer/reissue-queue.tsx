"use client";
import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useRef, useState, useTransition, type FormEvent } from "react";
import type { DecisionState } from "@/components/issuer/decision-outcome";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FieldErrors, FormMessage } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { groupSurfaceNumber } from "@/lib/core/format";
import type { ExaminationCheck } from "@/lib/core/workflows/reissue";
import type { QueueItem } from "@/lib/server/data/issuer/reissue";

export type QueueData = {
  pending: QueueItem[];
  pendingTotal: number;
  decided: QueueItem[];
  policy: { maxReissuesPerYear: number; requireIdentityVerified: boolean; rejectOnFraudFlag: boolean };
};

/** The live queue: polled every few seconds and refreshed after each decision (STYLE.md 10). */
export const reissueQueueQuery = queryOptions({
  queryKey: ["issuer", "reissue-queue"],
  queryFn: async (): Promise<QueueData> => {
    const response = await fetch("/issuer/reissues/feed", { cache: "no-store" });
    if (!response.ok) throw new Error(`the queue could not be loaded (HTTP ${response.status})`);
    return (await response.json()) as QueueData;
  },
  refetchInterval: 5_000,
});

type QueueWords = ReturnType<typeof useTranslations<"issuer.reissues">>;

/** A check's outcome in words: from its note code (English `detail` only for examinations stored before notes). */
function checkDetail(c: ExaminationCheck, t: QueueWords): string {
  if (!c.note) return c.detail;
  return c.note === "reissues-count" ? t("check.notes.reissues-count", { count: c.params?.count ?? 0, max: c.params?.max ?? 0 }) : t(`check.notes.${c.note}`);
}

function Checklist({ item }: { item: QueueItem }) {
  const t = useTranslations("issuer.reissues");
  return (
    <ul className="space-y-1 text-sm" aria-label={t("check.label")}>
      {item.examination.checks.map((c) => (
        <li key={c.id} className="flex gap-2">
          <span aria-hidden className={c.passed ? "text-emerald-600" : "text-rose-600"}>
            {c.passed ? "✓" : "✗"}
          </span>
          <span>
            <span className="font-medium">{t(`check.ids.${c.id}`)}</span>
            <span className="sr-only">{c.passed ? t("check.passedSr") : t("check.failedSr")}</span>{" "}
            <span className="text-slate-500">— {checkDetail(c, t)}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

type BoundDecide = (requestId: string, prev: DecisionState, formData: FormData) => Promise<DecisionState>;
type Kind = "approve" | "reject";
type Results = Partial<Record<Kind, DecisionState>>;
type Decide = (item: QueueItem, kind: Kind, formData: FormData) => Promise<void>;

/** A textarea with a label, hint and error slot whose ids are unique per request (several on one page). */
function Area({ id, name, label, hint, errors }: { id: string; name: string; label: string; hint: string; errors?: string[] }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={2}
        maxLength={500}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={`${id}-hint ${id}-error`}
        className={`mt-1 block w-full rounded-lg border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ${errors?.length ? "ring-rose-400" : "ring-slate-300"}`}
      />
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
        {hint}
      </p>
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
}

/** A refusal shown beside the form that caused it (the request is still pending: it stays in the list). */
function inlineRefusal(state: DecisionState | undefined): string | null {
  if (!state?.refusal) return state?.message ?? null; // a refused session: the answer's own message
  if (state.refusal.decided || state.refusal.code === "unreachable") return null;
  return state.refusal.message;
}

/**
 * The two decision forms of one pending request. The decision itself runs in the queue (`decide`),
 * not here: the live queue may drop this request (a poll after the decision committed) before the
 * answer arrives, and the outcome must still be announced.
 */
function DecisionForms({ item, results, decide }: { item: QueueItem; results: Results | undefined; decide: Decide }) {
  const [approving, startApprove] = useTransition();
  const [rejecting, startReject] = useTransition();
  const t = useTranslations("issuer.reissues.forms");
  const approved = results?.approve;
  const rejected = results?.reject;
  const done = Boolean(approved?.ok || rejected?.ok || approved?.refusal?.decided || rejected?.refusal?.decided);
  // Submitted without React's automatic form reset, so a refused decision keeps what was typed.
  const submit = (kind: Kind, start: typeof startApprove) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    start(() => decide(item, kind, formData));
  };
  const busy = approving || rejecting || done;
  const prefix = `r${item.requestNo}`;
  const approveRefusal = inlineRefusal(approved);
  const rejectRefusal = inlineRefusal(rejected);
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <form onSubmit={submit("approve", startApprove)} className="space-y-2" aria-label={t("approveLabel", { requestNo: item.requestNo })}>
        {!item.examination.passed && (
          <Area id={`${prefix}-override`} name="overrideReason" label={t("override")} errors={approved?.fieldErrors?.overrideReason} hint={t("overrideHint")} />
        )}
        {(item.reason === "lost" || item.reason === "stolen") && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="temporary" value="yes" /> {t("temporary")}
          </label>
        )}
        <Button type="submit" variant="good" disabled={busy}>
          {approving ? t("approving") : item.examination.passed ? t("approve") : t("approveOverride")}
        </Button>
        {approveRefusal && <FormMessage tone="bad">{approveRefusal}</FormMessage>}
      </form>
      <form onSubmit={submit("reject", startReject)} className="space-y-2" aria-label={t("rejectLabel", { requestNo: item.requestNo })}>
        <Area id={`${prefix}-reason`} name="reason" label={t("rejectReason")} errors={rejected?.fieldErrors?.reason} hint={t("rejectHint")} />
        <Button type="submit" variant="danger" disabled={busy}>
          {rejecting ? t("rejecting") : t("reject")}
        </Button>
        {rejectRefusal && <FormMessage tone="bad">{rejectRefusal}</FormMessage>}
      </form>
    </div>
  );
}

function PendingRequest({ item, results, decide }: { item: QueueItem; results: Results | undefined; decide: Decide }) {
  const t = useTranslations("issuer.reissues.request");
  const words = useTranslations("issuer.words");
  const format = useFormatter();
  return (
    <article
      aria-label={t("label", { requestNo: item.requestNo, cardholder: item.cardholder.name })}
      className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
    >
      <header className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-base font-semibold text-slate-900">
          #{item.requestNo} · {item.cardholder.name} <span className="text-xs font-normal text-slate-500">{item.cardholder.holderNo}</span>
        </h3>
        <div className="flex items-center gap-2">
          <Badge tone={item.reason === "damaged" ? "warn" : "bad"}>{words(`reason.${item.reason}`)}</Badge>
          <Badge tone={item.examination.passed ? "good" : "bad"}>{item.examination.passed ? t("passed") : t("failed")}</Badge>
        </div>
      </header>
      <div className="mt-3 grid gap-4 lg:grid-cols-3">
        <div className="text-sm">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("oldCard")}</h4>
          <p className="mt-1 font-mono text-xs">
            <Link className="underline" href={`/issuer/cards/${item.oldCard.id}`}>
              {groupSurfaceNumber(item.oldCard.surfaceNumber)}
            </Link>
          </p>
          <p className="text-xs text-slate-500">
            {words("pfShort", { type: item.oldCard.platformType })} · {words("generation", { generation: item.oldCard.generation })} ·{" "}
            <StatusBadge status={item.oldCard.status} />
          </p>
          <p className="mt-2 text-xs text-slate-500">{t("reported", { at: format.dateTime(new Date(item.createdAt), "dateTime") })}</p>
          {item.statement && (
            <blockquote translate="no" className="mt-2 border-l-2 border-slate-200 pl-2 text-xs text-slate-600">
              “{item.statement}”
            </blockquote>
          )}
        </div>
        <div className="text-sm">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("applications")}</h4>
          {item.applications.length === 0 ? (
            <p className="mt-1 text-xs text-slate-500">{t("none")}</p>
          ) : (
            <ul className="mt-1 space-y-0.5 text-xs">
              {item.applications.map((a) => (
                <li key={a.aid}>
                  {a.name} <span className="text-slate-500">({a.providerName})</span>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-2 text-xs text-slate-500">{item.oldCard.platformType === 100 ? t("notify100") : t("notify200")}</p>
        </div>
        <div>
          <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{t("examination")}</h4>
          <Checklist item={item} />
          {item.cardholder.fraudNote && (
            <p translate="no" className="mt-1 text-xs text-rose-700">
              {item.cardholder.fraudNote}
            </p>
          )}
        </div>
      </div>
      <div className="mt-4 border-t border-slate-100 pt-4">
        <DecisionForms item={item} results={results} decide={decide} />
      </div>
    </article>
  );
}

/** One announced outcome: the decision made, a decision someone else made first, or no answer. */
type Announcement = { key: number; requestNo: number; cardholder: string; state: DecisionState };

type Words = ReturnType<typeof useTranslations<"issuer.reissues.decisions">>;
type Format = ReturnType<typeof useFormatter>;

/** The outcome worded for the operator in their language, from the codes and parameters the action returned. */
function announcementWords({ requestNo, cardholder, state }: Announcement, t: Words, format: Format): { tone: "good" | "warn" | "bad"; text: string } {
  const o = state.outcome;
  if (o?.code === "rejected") return { tone: "good", text: t("rejected", { requestNo, cardholder }) };
  if (o?.code === "approved") {
    const first = t("approved", { requestNo, cardholder, temporary: o.temporary ? "yes" : "no", last4: o.last4 });
    if (o.reloaders.length === 0) return { tone: "good", text: `${first} ${t("nothingToReload")}` };
    const names = (learns: string) => o.reloaders.filter((r) => r.learns === learns).map((r) => r.name);
    const list = (companies: string[]) => format.list(companies, { type: "conjunction" });
    const all = o.reloaders.map((r) => r.name);
    const [told, asks, inquire] = [names("told-now"), names("asks-at-visit"), names("inquiry-at-visit")];
    const parts = [first, t("willReload", { companies: list(all), count: all.length, cardholder: o.cardholder })];
    if (told.length) parts.push(t("toldNow", { companies: list(told), count: told.length }));
    if (asks.length) parts.push(t("asksAtVisit", { companies: list(asks) }));
    if (inquire.length) parts.push(t("inquiry", { count: inquire.length }));
    return { tone: "good", text: parts.join(" ") };
  }
  const decided = state.refusal?.decided;
  if (decided) {
    const at = decided.at ? format.dateTime(new Date(decided.at), "dateTime") : "none";
    return { tone: "warn", text: t("alreadyDecided", { requestNo, cardholder, status: decided.status, by: decided.byName ?? "none", at }) };
  }
  return { tone: "bad", text: t("unreachable", { requestNo, cardholder }) };
}

const ANNOUNCEMENT_TONES = {
  good: "bg-emerald-50 text-emerald-900 ring-emerald-200",
  warn: "bg-amber-50 text-amber-900 ring-amber-200",
  bad: "bg-rose-50 text-rose-900 ring-rose-200",
} as const;

export function ReissueQueue({ initial, approve, reject }: { initial: QueueData; approve: BoundDecide; reject: BoundDecide }) {
  const queryClient = useQueryClient();
  const { data, error, dataUpdatedAt, isFetching } = useQuery({ ...reissueQueueQuery, initialData: initial });
  const [results, setResults] = useState<Record<string, Results>>({});
  const [announcements, setAnnouncements] = useState<Announcement[]>([]);
  const t = useTranslations("issuer.reissues.decisions");
  const q = useTranslations("issuer.reissues.queue");
  const words = useTranslations("issuer.words");
  const format = useFormatter();
  const sequence = useRef(0);
  // Runs here, in the component that outlives every request card: the answer is announced even when a
  // poll has already dropped the decided request from the pending list (the banner that never came).
  const decide = useCallback<Decide>(
    async (item, kind, formData) => {
      let state: DecisionState;
      try {
        state = await (kind === "approve" ? approve : reject)(item.id, {}, formData);
      } catch {
        state = { refusal: { code: "unreachable", message: "" } };
      }
      setResults((r) => ({ ...r, [item.id]: { ...r[item.id], [kind]: state } }));
      const finished = Boolean(state.ok || state.refusal?.decided || state.refusal?.code === "unreachable");
      if (!finished) return;
      sequence.current += 1;
      const entry: Announcement = { key: sequence.current, requestNo: item.requestNo, cardholder: item.cardholder.name, state };
      setAnnouncements((a) => [entry, ...a].slice(0, 5));
      await queryClient.invalidateQueries({ queryKey: reissueQueueQuery.queryKey });
    },
    [approve, reject, queryClient],
  );
  return (
    <>
      <div role="status" aria-label={t("label")} className={announcements.length ? "mb-4 space-y-2" : "sr-only"}>
        {announcements.map((a) => {
          const { tone, text } = announcementWords(a, t, format);
          return (
            <p key={a.key} className={`rounded-lg px-3 py-2 text-sm ring-1 ${ANNOUNCEMENT_TONES[tone]}`}>
              {text}
            </p>
          );
        })}
      </div>
      <p className="mb-3 text-xs text-slate-500" aria-live="polite">
        {q("status", { pending: data.pendingTotal, shown: data.pending.length, more: data.pendingTotal > data.pending.length ? "yes" : "no" })}{" "}
        <time suppressHydrationWarning>
          {format.dateTime(new Date(dataUpdatedAt), { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" })}
        </time>
        {isFetching ? q("refreshing") : ""}
        {error ? q("loadFailed") : ""}
      </p>
      <section aria-label={q("pendingLabel")} className="space-y-4">
        {data.pending.length === 0 && (
          <p className="rounded-xl border border-dashed border-slate-300 px-5 py-8 text-center text-sm text-slate-500">{q("empty")}</p>
        )}
        {data.pending.map((item) => (
          <PendingRequest key={item.id} item={item} results={results[item.id]} decide={decide} />
        ))}
      </section>
      <Panel title={q("latest")} className="mt-8">
        <Table
          head={[q("col.request"), q("col.cardholder"), q("col.reason"), q("col.decision"), q("col.by"), q("col.when"), q("col.outcome")]}
          caption={q("latest")}
          empty={q("noDecision")}
        >
          {data.decided.map((d) => (
            <tr key={d.id}>
              <Td>#{d.requestNo}</Td>
              <Td>{d.cardholder.name}</Td>
              <Td>{words(`reason.${d.reason}`)}</Td>
              <Td>
                <StatusBadge status={d.status} /> {d.overridden && <Badge tone="warn">{q("override")}</Badge>}
              </Td>
              <Td>{d.decidedBy ?? "—"}</Td>
              <Td>{d.decidedAt ? format.dateTime(new Date(d.decidedAt), "dateTime") : "—"}</Td>
              <Td className="max-w-sm truncate" data={d.status !== "approved"}>
                {d.status === "approved" && d.reissuedCard ? (
                  <Link className="underline" href={`/issuer/cards/${d.reissuedCard.id}`}>
                    {q("newCard", { last4: d.reissuedCard.surfaceNumber.slice(-4) })}
                  </Link>
                ) : (
                  (d.rejectionReason ?? "—")
                )}
              </Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
