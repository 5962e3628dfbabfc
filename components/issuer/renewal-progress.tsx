"use client";
import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { SimpleForm, type FormState } from "@/components/issuer/simple-form";
import { Badge } from "@/components/ui/badge";
import { Panel } from "@/components/ui/panel";
import { formatInstant } from "@/lib/core/format";
import type { RenewalProgress } from "@/lib/server/data/issuer/renewal";

const progressQuery = (id: string, initialData: RenewalProgress) =>
  queryOptions({
    queryKey: ["renewal", id],
    queryFn: async (): Promise<RenewalProgress> => {
      const response = await fetch(`/issuer/renewals/${id}/progress`, { cache: "no-store" });
      if (!response.ok) throw new Error(`progress: HTTP ${response.status}`);
      return response.json();
    },
    initialData,
    refetchInterval: (query) => (query.state.data?.status === "finished" ? false : 2_000),
  });

function eta(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${seconds % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A renewal run, live: counts, rate and ETA, pause/resume, the bureau file and who downloaded it. */
export function RenewalProgressView({
  initial,
  pause,
  resume,
}: {
  initial: RenewalProgress;
  pause: (s: FormState, f: FormData) => Promise<FormState>;
  resume: (s: FormState, f: FormData) => Promise<FormState>;
}) {
  const queryClient = useQueryClient();
  const { data, error } = useQuery(progressQuery(initial.id, initial));
  const p = data ?? initial;
  const settled = p.done + p.failed;
  const percent = p.total === 0 ? 100 : Math.floor((settled / p.total) * 100);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["renewal", initial.id] });
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
      <Panel title="Progress" actions={<Badge tone={p.status === "finished" ? "good" : p.status === "paused" ? "warn" : "info"}>{p.status}</Badge>}>
        {/* A native progress element: the page's Content Security Policy refuses inline style attributes. */}
        <progress
          aria-label="Cards renewed"
          value={settled}
          max={Math.max(p.total, 1)}
          className="h-3 w-full overflow-hidden rounded-full bg-slate-100 [&::-moz-progress-bar]:bg-emerald-600 [&::-webkit-progress-bar]:bg-slate-100 [&::-webkit-progress-value]:bg-emerald-600"
        >
          {percent}%
        </progress>
        <dl className="mt-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-3" data-testid="renewal-progress">
          {[
            ["Renewed", p.done, "done"],
            ["Failed", p.failed, "failed"],
            ["Remaining", p.remaining, "remaining"],
            ["Cards", p.total, "total"],
            ["Rate", `${p.perMinute} / min`, "rate"],
            ["ETA", p.status === "finished" ? "finished" : eta(p.etaSeconds), "eta"],
          ].map(([label, value, id]) => (
            <div key={id} className="rounded-lg bg-slate-50 px-3 py-2">
              <dt className="text-xs text-slate-500">{label}</dt>
              <dd className="text-lg font-semibold" data-testid={`renewal-${id}`}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
        {p.failures.length > 0 && (
          <ul className="mt-4 text-sm" aria-label="Failures">
            {p.failures.map((f) => (
              <li key={f.code}>
                <code>{f.code}</code>: {f.cards} card{f.cards === 1 ? "" : "s"}
              </li>
            ))}
          </ul>
        )}
        {error && <p className="mt-2 text-xs text-rose-700">Could not refresh: {(error as Error).message}</p>}
      </Panel>
      <div className="space-y-6">
        <Panel title="Run">
          <p className="mb-3 text-xs text-slate-500">
            Started {formatInstant(p.startedAt)}
            {p.finishedAt ? `, finished ${formatInstant(p.finishedAt)}` : ""}.
          </p>
          <div onSubmit={refresh}>
            {p.status === "running" && (
              <SimpleForm action={pause} fields={[]} submitLabel="Pause" ariaLabel="Pause the run" idPrefix="pause" variant="secondary" />
            )}
            {p.status === "paused" && <SimpleForm action={resume} fields={[]} submitLabel="Resume" ariaLabel="Resume the run" idPrefix="resume" />}
          </div>
        </Panel>
        <Panel title="Card bureau">
          <p className="mb-3 text-sm text-slate-600">
            The personalisation batch: one line per renewed card (surface number, platform type, holder, delivery address).
          </p>
          <a className="text-sm font-medium underline" href={`/issuer/renewals/${p.id}/bureau`} download>
            Download the batch file (CSV)
          </a>
          <ul className="mt-3 space-y-1 text-xs text-slate-600" aria-label="Downloads">
            {p.downloads.map((d) => (
              <li key={d.at}>
                {formatInstant(d.at)} — {d.by} ({d.lines} lines)
              </li>
            ))}
          </ul>
        </Panel>
      </div>
    </div>
  );
}
