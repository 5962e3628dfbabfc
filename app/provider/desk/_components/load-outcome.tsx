"use client";

import { useTranslations } from "next-intl";
import type { ApduTrace } from "@/lib/reader";
import { CardOps, type CardOp } from "./card-ops";
import type { LoadProgress } from "./load-runner";
import { RefusalNotice, useRefusalLabel } from "./refusal-notice";
import { useDeskFormat } from "./use-desk-format";

/**
 * What the loads of a flow did: the card operations with their APDUs, each application the card
 * took with its load record and charge, and each one refused.
 */
export function LoadOutcome({
  ops,
  trace,
  progress,
  verb,
  testId,
}: {
  ops: readonly CardOp[];
  trace: ApduTrace;
  progress: readonly LoadProgress[];
  /** A first load or a reload. */
  verb: "loaded" | "reloaded";
  testId: string;
}) {
  const t = useTranslations("provider.outcome");
  const fmt = useDeskFormat();
  const refusalLabel = useRefusalLabel();
  return (
    <>
      {ops.length > 0 && (
        <div>
          <h3 className="mb-2 text-sm font-semibold text-slate-800">{t("onCard")}</h3>
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
                  {t.rich("loaded", {
                    verb,
                    name: p.name,
                    messageId: v?.messageId ?? "",
                    amount: v ? fmt.money(v.charge.amountMinor, v.charge.currency) : "",
                    kind: v?.charge.kind ?? "normal_load",
                    strong: (chunks) => <strong>{chunks}</strong>,
                    mono: (chunks) => (
                      <span className="font-mono" translate="no">
                        {chunks}
                      </span>
                    ),
                  })}{" "}
                  {p.works ? t("works", { reading: p.works }) : t("noAnswer")}
                  {p.keys
                    ? p.keys.ok
                      ? t("keysInstalled", { version: p.keys.keyVersion.toString(16).toUpperCase().padStart(2, "0") })
                      : t("keysNotInstalled", { reason: p.keys.message })
                    : ""}
                  {t("end")}
                </p>
              );
            })}
        </div>
      )}
      {progress
        .filter((p) => p.status === "refused" && p.recorded && !p.recorded.ok)
        .map((p) =>
          p.recorded && !p.recorded.ok ? (
            <RefusalNotice
              key={p.aid}
              refusal={p.recorded.error}
              title={t("refusalTitle", { name: p.name, label: refusalLabel(p.recorded.error.code) })}
              nameOf={() => p.name}
            />
          ) : null,
        )}
    </>
  );
}
