"use client";

import { formatMoney } from "@/lib/core/format";
import { refusalLabel } from "@/lib/core/workflows/reload-words";
import type { ApduTrace } from "@/lib/reader";
import { CardOps, type CardOp } from "./card-ops";
import type { LoadProgress } from "./load-runner";
import { RefusalNotice } from "./refusal-notice";

type Charge = { kind: "normal_load" | "reissue_reload" };

/**
 * What the loads of a flow did: the card operations with their APDUs, each application the card
 * took with its load record and charge, and each one refused.
 */
export function LoadOutcome({
  ops,
  trace,
  progress,
  verb,
  feeName,
  testId,
}: {
  ops: readonly CardOp[];
  trace: ApduTrace;
  progress: readonly LoadProgress[];
  /** "loaded" for a first load, "reloaded" for a reload. */
  verb: string;
  /** How the fee charged is named, e.g. "normal fee". */
  feeName: (charge: Charge) => string;
  testId: string;
}) {
  return (
    <>
      {ops.length > 0 && (
        <div>
          <h3 className="mb-2 text-sm font-semibold text-slate-800">On the card</h3>
          <CardOps ops={ops} trace={trace} />
        </div>
      )}
      {progress.some((p) => p.status === "loaded") && (
        <div role="status" className="rounded-lg bg-emerald-50 px-4 py-3 text-sm text-emerald-900 ring-1 ring-inset ring-emerald-200" data-testid={testId}>
          {progress
            .filter((p) => p.status === "loaded" && p.recorded?.ok)
            .map((p) => {
              const v = p.recorded!.ok ? p.recorded!.value : null;
              return (
                <p key={p.aid}>
                  <strong>{p.name}</strong> {verb} under <span className="font-mono">{v?.messageId}</span>:{" "}
                  {v ? formatMoney(v.charge.amountMinor, v.charge.currency) : ""} {v ? feeName(v.charge) : ""} charged;{" "}
                  {p.works ? `works on the card (${p.works})` : "did not answer on the card"}
                  {p.keys
                    ? p.keys.ok
                      ? `; its own keys installed (version ${p.keys.keyVersion.toString(16).toUpperCase().padStart(2, "0")})`
                      : `; its own keys not installed (${p.keys.message})`
                    : ""}
                  .
                </p>
              );
            })}
        </div>
      )}
      {progress
        .filter((p) => p.status === "refused" && p.recorded && !p.recorded.ok)
        .map((p) =>
          p.recorded && !p.recorded.ok ? (
            <RefusalNotice key={p.aid} refusal={p.recorded.error} title={`${p.name}: ${refusalLabel(p.recorded.error.code)}`} nameOf={() => p.name} />
          ) : null,
        )}
    </>
  );
}
