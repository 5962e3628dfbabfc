"use client";
import { keepValues } from "@/components/issuer/keep-values";
import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useActionState, useCallback, useEffect, useMemo, useState } from "react";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FieldErrors, FormMessage } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatInstant, groupSurfaceNumber, platformTypeShort } from "@/lib/core/format";
import type { QueueItem } from "@/lib/server/data/issuer/reissue";

export type QueueData = { pending: QueueItem[]; pendingTotal: number; decided: QueueItem[]; policy: { maxReissuesPerYear: number; requireIdentityVerified: boolean; rejectOnFraudFlag: boolean } };
export type DecisionState = { ok?: boolean; message?: string; code?: string; fieldErrors?: { reason?: string[]; overrideReason?: string[] } };

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

function Checklist({ item }: { item: QueueItem }) {
  return (
    <ul className="space-y-1 text-sm" aria-label="Examination checklist">
      {item.examination.checks.map((c) => (
        <li key={c.id} className="flex gap-2">
          <span aria-hidden className={c.passed ? "text-emerald-600" : "text-rose-600"}>
            {c.passed ? "✓" : "✗"}
          </span>
          <span>
            <span className="font-medium">{c.label}</span>
            <span className="sr-only">{c.passed ? ": passed" : ": failed"}</span> <span className="text-slate-500">— {c.detail}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

type BoundDecide = (requestId: string, prev: DecisionState, formData: FormData) => Promise<DecisionState>;

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

type OnDecided = (line: string) => void;

function DecisionForms({ item, approve, reject, onDecided }: { item: QueueItem; approve: BoundDecide; reject: BoundDecide; onDecided: OnDecided }) {
  const queryClient = useQueryClient();
  // Server action references bind on the client too: the request id travels bound, not as a field.
  const approveThis = useMemo(() => approve.bind(null, item.id), [approve, item.id]);
  const rejectThis = useMemo(() => reject.bind(null, item.id), [reject, item.id]);
  const [approved, approveAction, approving] = useActionState<DecisionState, FormData>(approveThis, {});
  const [rejected, rejectAction, rejecting] = useActionState<DecisionState, FormData>(rejectThis, {});
  const done = approved.ok || rejected.ok;
  useEffect(() => {
    const decided = approved.ok ? approved : rejected.ok ? rejected : null;
    // The request leaves the pending list when the queue refreshes; the decision stays announced above it.
    if (decided?.message) onDecided(`#${item.requestNo} ${item.cardholder.name}: ${decided.message}`);
    if (decided || approved.code === "already-decided" || rejected.code === "already-decided") void queryClient.invalidateQueries({ queryKey: reissueQueueQuery.queryKey });
  }, [approved, rejected, queryClient, onDecided, item.requestNo, item.cardholder.name]);
  const busy = approving || rejecting || done;
  const prefix = `r${item.requestNo}`;
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <form action={approveAction} onSubmit={keepValues(approveAction)} className="space-y-2" aria-label={`Approve request ${item.requestNo}`}>
        {!item.examination.passed && (
          <Area
            id={`${prefix}-override`}
            name="overrideReason"
            label="Override reason (the examination failed)"
            errors={approved.fieldErrors?.overrideReason}
            hint="Approving against the policy is recorded in the audit log with this reason."
          />
        )}
        {(item.reason === "lost" || item.reason === "stolen") && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="temporary" value="yes" /> Temporary card (30 days; the permanent card follows)
          </label>
        )}
        <Button type="submit" variant="good" disabled={busy}>
          {approving ? "Approving…" : item.examination.passed ? "Approve and reissue" : "Approve by override"}
        </Button>
        {approved.message && <FormMessage tone={approved.ok ? "good" : "bad"}>{approved.message}</FormMessage>}
      </form>
      <form action={rejectAction} onSubmit={keepValues(rejectAction)} className="space-y-2" aria-label={`Reject request ${item.requestNo}`}>
        <Area id={`${prefix}-reason`} name="reason" label="Reason for the rejection" errors={rejected.fieldErrors?.reason} hint="The cardholder reads this." />
        <Button type="submit" variant="danger" disabled={busy}>
          {rejecting ? "Rejecting…" : "Reject"}
        </Button>
        {rejected.message && <FormMessage tone={rejected.ok ? "good" : "bad"}>{rejected.message}</FormMessage>}
      </form>
    </div>
  );
}

function PendingRequest({ item, approve, reject, onDecided }: { item: QueueItem; approve: BoundDecide; reject: BoundDecide; onDecided: OnDecided }) {
  return (
    <article aria-label={`Request #${item.requestNo} from ${item.cardholder.name}`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <header className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-base font-semibold text-slate-900">
          #{item.requestNo} · {item.cardholder.name} <span className="text-xs font-normal text-slate-500">{item.cardholder.holderNo}</span>
        </h3>
        <div className="flex items-center gap-2">
          <Badge tone={item.reason === "damaged" ? "warn" : "bad"}>{item.reason}</Badge>
          <Badge tone={item.examination.passed ? "good" : "bad"}>{item.examination.passed ? "examination passed" : "examination failed"}</Badge>
        </div>
      </header>
      <div className="mt-3 grid gap-4 lg:grid-cols-3">
        <div className="text-sm">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Old card</h4>
          <p className="mt-1 font-mono text-xs">
            <Link className="underline" href={`/issuer/cards/${item.oldCard.id}`}>
              {groupSurfaceNumber(item.oldCard.surfaceNumber)}
            </Link>
          </p>
          <p className="text-xs text-slate-500">
            {platformTypeShort(item.oldCard.platformType)} · generation {item.oldCard.generation} · <StatusBadge status={item.oldCard.status} />
          </p>
          <p className="mt-2 text-xs text-slate-500">Reported {formatInstant(item.createdAt)}</p>
          {item.statement && <blockquote className="mt-2 border-l-2 border-slate-200 pl-2 text-xs text-slate-600">“{item.statement}”</blockquote>}
        </div>
        <div className="text-sm">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Applications on it</h4>
          {item.applications.length === 0 ? (
            <p className="mt-1 text-xs text-slate-500">None.</p>
          ) : (
            <ul className="mt-1 space-y-0.5 text-xs">
              {item.applications.map((a) => (
                <li key={a.aid}>
                  {a.name} <span className="text-slate-500">({a.providerName})</span>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-2 text-xs text-slate-500">
            {item.oldCard.platformType === 100
              ? "On approval, each of these providers is notified (Fig. 12) unless it pulls."
              : "Platform 200: the link is stored; providers ask at reload time (Fig. 10)."}
          </p>
        </div>
        <div>
          <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Examination (steps 502/902)</h4>
          <Checklist item={item} />
          {item.cardholder.fraudNote && <p className="mt-1 text-xs text-rose-700">{item.cardholder.fraudNote}</p>}
        </div>
      </div>
      <div className="mt-4 border-t border-slate-100 pt-4">
        <DecisionForms item={item} approve={approve} reject={reject} onDecided={onDecided} />
      </div>
    </article>
  );
}

export function ReissueQueue({
  initial,
  approve,
  reject,
}: {
  initial: QueueData;
  approve: BoundDecide;
  reject: BoundDecide;
}) {
  const { data, error, dataUpdatedAt, isFetching } = useQuery({ ...reissueQueueQuery, initialData: initial });
  const [decisions, setDecisions] = useState<string[]>([]);
  const onDecided = useCallback((line: string) => setDecisions((d) => (d[0] === line ? d : [line, ...d].slice(0, 5))), []);
  return (
    <>
      <div role="status" aria-label="Decisions" className={decisions.length ? "mb-4 space-y-1 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200" : "sr-only"}>
        {decisions.map((d) => (
          <p key={d}>{d}</p>
        ))}
      </div>
      <p className="mb-3 text-xs text-slate-500" aria-live="polite">
        {data.pendingTotal} pending{data.pendingTotal > data.pending.length ? ` (the oldest ${data.pending.length} shown)` : ""} · live, updated <time suppressHydrationWarning>{new Date(dataUpdatedAt).toISOString().slice(11, 19)}</time> UTC{isFetching ? " · refreshing…" : ""}
        {error ? ` · ${error.message}` : ""}
      </p>
      <section aria-label="Pending requests" className="space-y-4">
        {data.pending.length === 0 && <p className="rounded-xl border border-dashed border-slate-300 px-5 py-8 text-center text-sm text-slate-500">No request is waiting.</p>}
        {data.pending.map((item) => (
          <PendingRequest key={item.id} item={item} approve={approve} reject={reject} onDecided={onDecided} />
        ))}
      </section>
      <Panel title="Latest decisions" className="mt-8">
        <Table head={["Request", "Cardholder", "Reason", "Decision", "By", "When", "Outcome"]} caption="Latest decisions" empty="No decision yet.">
          {data.decided.map((d) => (
            <tr key={d.id}>
              <Td>#{d.requestNo}</Td>
              <Td>{d.cardholder.name}</Td>
              <Td>{d.reason}</Td>
              <Td>
                <StatusBadge status={d.status} /> {d.overridden && <Badge tone="warn">override</Badge>}
              </Td>
              <Td>{d.decidedBy ?? "—"}</Td>
              <Td>{d.decidedAt ? formatInstant(d.decidedAt) : "—"}</Td>
              <Td className="max-w-sm truncate">
                {d.status === "approved" && d.reissuedCard ? (
                  <Link className="underline" href={`/issuer/cards/${d.reissuedCard.id}`}>
                    new card …{d.reissuedCard.surfaceNumber.slice(-4)}
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
