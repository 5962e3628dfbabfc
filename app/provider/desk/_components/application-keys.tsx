"use client";

import { useState } from "react";
import type { CardAtDesk } from "@/lib/core/workflows/desk-guide";
import type { ApduTrace } from "@/lib/reader";
import { Button } from "@/components/ui/button";
import { CardOps, type CardOp } from "./card-ops";
import { runApplicationKeys, type ApplicationKeysOutcome, type Transmit } from "./load-runner";

const kvn = (v: number) => v.toString(16).toUpperCase().padStart(2, "0");

/** The card's refusal in the clerk's words; the status word stays for the audit. */
function refusalWords(outcome: Extract<ApplicationKeysOutcome, { ok: false }>): string {
  if (outcome.sw === "6A88") return "it has no keys of its own yet (it was loaded before desks gave applications their keys; a new load gives them)";
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
  const [ops, setOps] = useState<CardOp[]>([]);
  const [running, setRunning] = useState<string | null>(null);
  const [result, setResult] = useState<{ aid: string; name: string; outcome: ApplicationKeysOutcome } | null>(null);
  const ours = card.applications.filter((a) => a.isOnCard && a.loadOnCard);
  if (ours.length === 0) return null;

  const rotate = async (aid: string, name: string, messageId: string) => {
    const transmit = getTransmit();
    if (!transmit) return setResult({ aid, name, outcome: { ok: false, message: "Connect the reader first.", sw: null } });
    setRunning(aid);
    setResult(null);
    const outcome = await runApplicationKeys({
      purpose: "rotate",
      messageId,
      name,
      transmit,
      trace,
      step: "keys",
      onOp: (op) => setOps((list) => [...list.filter((o) => o.id !== op.id), op]),
    });
    setResult({ aid, name, outcome });
    setRunning(null);
  };

  return (
    <section aria-label="Keys of our applications" className="mb-4 space-y-3 rounded-lg border border-slate-200 p-4 text-sm" data-testid="application-keys">
      <h3 className="font-semibold text-slate-800">Keys of our applications on this card</h3>
      <p className="text-slate-600">
        Each of our applications keeps keys of its own on the card: only our server opens its channel. Rotate them when a key may have leaked, or on schedule.
      </p>
      <ul className="flex flex-wrap gap-2">
        {ours.map((a) => (
          <li key={a.aid}>
            <Button variant="secondary" disabled={disabled || running !== null} onClick={() => void rotate(a.aid, a.name, a.loadOnCard!.messageId)}>
              {running === a.aid ? `Rotating the keys of ${a.name}…` : `Rotate the keys of ${a.name}`}
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
              {result.name}&apos;s own keys are now version {kvn(result.outcome.keyVersion)}; the previous version opens nothing any more.
            </p>
          ) : (
            <p role="alert" className="rounded-lg bg-rose-50 px-3 py-2 text-rose-800 ring-1 ring-inset ring-rose-200" data-testid="application-keys-result">
              {result.name}: keys not rotated, {refusalWords(result.outcome)}
              {result.outcome.sw ? ` (status word ${result.outcome.sw})` : ""}.
            </p>
          ))}
      </div>
    </section>
  );
}
