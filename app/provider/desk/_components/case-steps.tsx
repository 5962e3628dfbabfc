import type { CaseStep } from "@/lib/server/data/provider/reload";
import { Badge } from "@/components/ui/badge";

const TONE = { ok: "good", refused: "bad", waiting: "warn", info: "info" } as const;
const WORD = { ok: "done", refused: "refused", waiting: "waiting", info: "sent" } as const;

/** The case's steps as the desk's server took them, with the patent step and the messages exchanged. */
export function CaseSteps({ steps }: { steps: readonly CaseStep[] }) {
  return (
    <ol className="space-y-2" aria-label="Steps of the reload case">
      {steps.map((s, i) => (
        <li key={`${s.at}-${i}`} className="flex gap-3 text-sm" data-testid="case-step">
          <span className="mt-0.5 w-20 shrink-0 text-right font-mono text-xs text-slate-500">{s.step}</span>
          <div className="min-w-0 flex-1">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium text-slate-800">{s.title}</span>
              <Badge tone={TONE[s.outcome]}>{WORD[s.outcome]}</Badge>
            </div>
            <p className="text-slate-600">{s.detail}</p>
            {s.messages?.map((m) => (
              <p key={m.messageId} className="font-mono text-[11px] text-slate-500">
                {m.direction === "sent" ? "→ sent" : "← received"} {m.type} {m.messageId}
              </p>
            ))}
          </div>
        </li>
      ))}
    </ol>
  );
}
