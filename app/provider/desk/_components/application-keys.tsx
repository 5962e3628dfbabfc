"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import type { CardAtDesk } from "@/lib/core/workflows/desk-guide";
import type { ApduTrace } from "@/lib/reader";
import { Button } from "@/components/ui/button";
import { CardOps, type CardOp } from "./card-ops";
import { runApplicationKeys, type ApplicationKeysOutcome, type Transmit } from "./load-runner";
import { useRunnerWords } from "./use-desk-format";

const kvn = (v: number) => v.toString(16).toUpperCase().padStart(2, "0");

/** The card's refusal in the clerk's words; the status word stays for the audit. */
function refusalWords(outcome: Extract<ApplicationKeysOutcome, { ok: false }>, t: ReturnType<typeof useTranslations<"provider.keys">>): string {
  if (outcome.sw === "6A88") return t("noOwnKeys");
  return outcome.message;
}

/**
 * Our applications on the card read, each with its own keys (its security domain, docs/provider.md
 * "Application keys"): the desk rotates them on our server's behalf, carrying APDUs only. Platform 100:
 * the card id names our load on it, whose message id names the keys.
 */
export function ApplicationKeys({
  card,
  getTransmit,
  trace,
  disabled,
}: {
  card: CardAtDesk;
  getTransmit: () => Transmit | null;
  trace: ApduTrace;
  disabled: boolean;
}) {
  const t = useTranslations("provider.keys");
  const runner = useRunnerWords();
  const [ops, setOps] = useState<CardOp[]>([]);
  const [running, setRunning] = useState<string | null>(null);
  const [result, setResult] = useState<{ aid: string; name: string; outcome: ApplicationKeysOutcome } | null>(null);
  const ours = card.applications.filter((a) => a.isOnCard && a.loadOnCard);
  if (ours.length === 0) return null;

  const rotate = async (aid: string, name: string, messageId: string) => {
    const transmit = getTransmit();
    if (!transmit) return setResult({ aid, name, outcome: { ok: false, message: t("connectFirst"), sw: null } });
    setRunning(aid);
    setResult(null);
    const outcome = await runApplicationKeys({
      t: runner.t,
      purpose: "rotate",
      messageId,
      name,
      transmit,
      trace,
      step: runner.t("stepKeys"),
      onOp: (op) => setOps((list) => [...list.filter((o) => o.id !== op.id), op]),
    });
    setResult({ aid, name, outcome });
    setRunning(null);
  };

  return (
    <section aria-label={t("label")} className="mb-4 space-y-3 rounded-lg border border-slate-200 p-4 text-sm" data-testid="application-keys">
      <h3 className="font-semibold text-slate-800">{t("title")}</h3>
      <p className="text-slate-600">{t("intro")}</p>
      <ul className="flex flex-wrap gap-2">
        {ours.map((a) => (
          <li key={a.aid}>
            <Button variant="secondary" disabled={disabled || running !== null} onClick={() => void rotate(a.aid, a.name, a.loadOnCard!.messageId)}>
              {running === a.aid ? t("rotating", { name: a.name }) : t("rotate", { name: a.name })}
            </Button>
          </li>
        ))}
      </ul>
      <CardOps ops={ops} trace={trace} />
      <div aria-live="polite" aria-atomic="true">
        {result &&
          (result.outcome.ok ? (
            <p
              role="status"
              className="rounded-lg bg-emerald-50 px-3 py-2 text-emerald-900 ring-1 ring-inset ring-emerald-200"
              data-testid="application-keys-result"
            >
              {t("rotated", { name: result.name, version: kvn(result.outcome.keyVersion) })}
            </p>
          ) : (
            <p role="alert" className="rounded-lg bg-rose-50 px-3 py-2 text-rose-800 ring-1 ring-inset ring-rose-200" data-testid="application-keys-result">
              {t("notRotated", {
                name: result.name,
                reason: refusalWords(result.outcome, t),
                sw: result.outcome.sw ?? "",
                hasSw: result.outcome.sw ? "yes" : "no",
              })}
            </p>
          ))}
      </div>
    </section>
  );
}
