import type { CaseStep } from "@/lib/core/workflows/reload-case";
import { describeCaseStep } from "@/lib/core/workflows/reload-words";
import { Badge } from "@/components/ui/badge";

const TONE = { ok: "good", refused: "bad", waiting: "warn", info: "info" } as const;
const WORD = { ok: "done", refused: "refused", waiting: "waiting", info: "sent" } as const;

/** The case's steps as the desk's server took them, rendered from their codes, with the patent step and the messages exchanged. */
export function CaseSteps({ steps, nameOf }: { steps: readonly CaseStep[]; nameOf: (aid: string) => string }) {
  return (
    <ol className="space-y-2" aria-label="Steps of the reload case">
      {steps.map((s, i) => {
        const words = describeCaseStep(s, { nameOf });
        return (
          <li key={`${s.at}-${i}`} className="flex gap-3 text-sm" data-testid="case-step">
            <span className="mt-0.5 w-20 shrink-0 text-right font-mono text-xs text-slate-500">{s.step}</span>
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium text-slate-800">{words.title}</span>
                <Badge tone={TONE[s.outcome]}>{WORD[s.outcome]}</Badge>
              </div>
              <p className="break-words text-slate-600">{words.detail}</p>
              {s.messages?.map((m) => (
                <p key={m.messageId} className="break-all font-mono text-[11px] text-slate-500">
                  {m.direction === "sent" ? "→ sent" : "← received"} {m.type} {m.messageId}
                </p>
              ))}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
