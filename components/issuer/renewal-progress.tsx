"use client";
import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { SimpleForm, type FormState } from "@/components/issuer/simple-form";
import { Badge } from "@/components/ui/badge";
import { Panel } from "@/components/ui/panel";
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

type Words = ReturnType<typeof useTranslations<"issuer.renewals.progress">>;

function eta(seconds: number | null, t: Words): string {
  if (seconds === null) return "—";
  if (seconds < 60) return t("eta.seconds", { s: seconds });
  const m = Math.floor(seconds / 60);
  return m < 60 ? t("eta.minutes", { m, s: seconds % 60 }) : t("eta.hours", { h: Math.floor(m / 60), m: m % 60 });
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
  const t = useTranslations("issuer.renewals.progress");
  const status = useTranslations("issuer.renewals.status");
  const format = useFormatter();
  const when = (d: string | Date) => format.dateTime(new Date(d), "dateTime");
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
      <Panel title={t("title")} actions={<Badge tone={p.status === "finished" ? "good" : p.status === "paused" ? "warn" : "info"}>{status(p.status)}</Badge>}>
        {/* A native progress element: the page's Content Security Policy refuses inline style attributes. */}
        <progress
          aria-label={t("bar")}
          value={settled}
          max={Math.max(p.total, 1)}
          className="h-3 w-full overflow-hidden rounded-full bg-slate-100 [&::-moz-progress-bar]:bg-emerald-600 [&::-webkit-progress-bar]:bg-slate-100 [&::-webkit-progress-value]:bg-emerald-600"
        >
          {percent}%
        </progress>
        <dl className="mt-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-3" data-testid="renewal-progress">
          {[
            [t("done"), format.number(p.done), "done"],
            [t("failed"), format.number(p.failed), "failed"],
            [t("remaining"), format.number(p.remaining), "remaining"],
            [t("cards"), format.number(p.total), "total"],
            [t("rate"), t("perMinute", { rate: p.perMinute }), "rate"],
            [t("eta.label"), p.status === "finished" ? status("finished") : eta(p.etaSeconds, t), "eta"],
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
          <ul className="mt-4 text-sm" aria-label={t("failures")}>
            {p.failures.map((f) => (
              <li key={f.code}>
                <code>{f.code}</code>: {t("failureCards", { count: f.cards })}
              </li>
            ))}
          </ul>
        )}
        {error && <p className="mt-2 text-xs text-rose-700">{t("couldNotRefresh")}</p>}
      </Panel>
      <div className="space-y-6">
        <Panel title={t("run")}>
          <p className="mb-3 text-xs text-slate-500">
            {p.finishedAt ? t("startedFinished", { started: when(p.startedAt), finished: when(p.finishedAt) }) : t("started", { started: when(p.startedAt) })}
          </p>
          <div onSubmit={refresh}>
            {p.status === "running" && (
              <SimpleForm action={pause} fields={[]} submitLabel={t("pause")} ariaLabel={t("pauseLabel")} idPrefix="pause" variant="secondary" />
            )}
            {p.status === "paused" && <SimpleForm action={resume} fields={[]} submitLabel={t("resume")} ariaLabel={t("resumeLabel")} idPrefix="resume" />}
          </div>
        </Panel>
        <Panel title={t("bureau")}>
          <p className="mb-3 text-sm text-slate-600">{t("bureauText")}</p>
          <a className="text-sm font-medium underline" href={`/issuer/renewals/${p.id}/bureau`} download>
            {t("download")}
          </a>
          <ul className="mt-3 space-y-1 text-xs text-slate-600" aria-label={t("downloads")}>
            {p.downloads.map((d) => (
              <li key={d.at}>{t("downloadLine", { at: when(d.at), by: d.by, lines: d.lines })}</li>
            ))}
          </ul>
        </Panel>
      </div>
    </div>
  );
}
