"use client";

import { useTranslations } from "next-intl";
import type { CaseStep } from "@/lib/core/workflows/reload-case";
import { describeCaseStep } from "@/lib/core/workflows/reload-words";
import { Badge } from "@/components/ui/badge";
import { useReloadWords } from "./refusal-notice";

const TONE = { ok: "good", refused: "bad", waiting: "warn", info: "info" } as const;

/** The case's steps as the desk's server took them, rendered from their codes, with the patent step and the messages exchanged (the audit view: times in UTC). */
export function CaseSteps({ steps, nameOf }: { steps: readonly CaseStep[]; nameOf: (aid: string) => string }) {
  const t = useTranslations("provider.words");
  const words = useReloadWords({ utc: true });
  return (
    <ol className="space-y-2" aria-label={t("stepsLabel")}>
      {steps.map((s, i) => {
        const rendered = describeCaseStep(s, { ...words, nameOf });
        return (
          <li key={`${s.at}-${i}`} className="flex gap-3 text-sm" data-testid="case-step">
            <span className="mt-0.5 w-20 shrink-0 text-right font-mono text-xs text-slate-500" translate="no">
              {s.step}
            </span>
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium text-slate-800">{rendered.title}</span>
                <Badge tone={TONE[s.outcome]}>{t("stepOutcome", { outcome: s.outcome })}</Badge>
              </div>
              <p className="break-words text-slate-600">{rendered.detail}</p>
              {s.messages?.map((m) => (
                <p key={m.messageId} className="break-all font-mono text-[11px] text-slate-500">
                  {t("message", { direction: m.direction })}{" "}
                  <span translate="no">
                    {m.type} {m.messageId}
                  </span>
                </p>
              ))}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
