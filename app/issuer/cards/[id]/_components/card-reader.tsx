"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { ApduTrace, relayHostConversation, SimulatorReader, type TracingReader } from "@/lib/reader";
import { InsertImageFile } from "@/components/reader/insert-image-file";
import { ReaderPanel } from "@/components/reader/reader-panel";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";

/** What the issuer's server answers when the contact ends (lib/server/data/issuer/card-reader.ts). */
type KeyUpdate = { from: number; to: number };
type Outcome = { ok: true; from: number; to: number } | { ok: false; message: string; sw: string | null };

const kvn = (v: number) => v.toString(16).toUpperCase().padStart(2, "0");

/**
 * An issuer contact with the card in a reader (issue 13; docs/issuer.md "Key update at an issuer
 * contact"): the card in the simulator (a card image file), a PN532 on Web Serial or a USB reader; the
 * issuer's server drives the ISD's SCP03 channel through `/api/issuer/cards/<id>/reader` and this page
 * carries the APDUs (no key, no session key in the browser). The card is identified first: another card
 * is refused.
 */
export function IssuerCardReader({ cardUuid, last4, currentVersion }: { cardUuid: string; last4: string; currentVersion: number }) {
  const router = useRouter();
  const t = useTranslations("issuer.card.reader");
  const simulator = useMemo(() => new SimulatorReader(), []);
  const trace = useMemo(() => new ApduTrace(), []);
  const [reader, setReader] = useState<TracingReader | null>(null);
  const [inserted, setInserted] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const run = async () => {
    if (!reader) return;
    setOutcome(null);
    setProgress(0);
    const relayed = await relayHostConversation<KeyUpdate>({
      url: `/api/issuer/cards/${encodeURIComponent(cardUuid)}/reader`,
      start: { start: true },
      transmit: (apdu) => reader.transmit(apdu),
      onCommand: setProgress,
    });
    setProgress(null);
    setOutcome(relayed.ok ? { ok: true, ...relayed.result } : { ok: false, message: relayed.message, sw: relayed.sw });
    if (relayed.ok) router.refresh(); // the card's recorded key version
  };

  return (
    <section aria-label={t("title")} className="mt-6">
      <Panel title={t("title")}>
        <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)]">
          <div className="space-y-4 text-sm">
            <p className="text-slate-600">
              {t.rich("intro", { last4, version: kvn(currentVersion), mono: (chunks) => <span className="font-mono">{chunks}</span> })}
            </p>
            <Button onClick={() => void run()} disabled={!reader || progress !== null}>
              {progress !== null ? t("updating") : t("update")}
            </Button>
            {!reader && <p className="text-slate-500">{t("connectFirst")}</p>}
            <div aria-live="polite" aria-atomic="true" data-testid="issuer-contact">
              {progress !== null && <p role="status">{progress === 0 ? t("talking") : t("answered", { count: progress })}</p>}
              {outcome &&
                (outcome.ok ? (
                  <p role="status" className="rounded-lg bg-emerald-50 px-3 py-2 text-emerald-900 ring-1 ring-inset ring-emerald-200">
                    {outcome.from === outcome.to
                      ? t("unchanged", { version: kvn(outcome.to) })
                      : t("updated", { version: kvn(outcome.to), previous: kvn(outcome.from) })}
                  </p>
                ) : (
                  <p role="alert" className="rounded-lg bg-rose-50 px-3 py-2 text-rose-800 ring-1 ring-inset ring-rose-200">
                    {t("failed", { message: outcome.message, sw: outcome.sw ?? "none" })}
                  </p>
                ))}
            </div>
          </div>
          <ReaderPanel trace={trace} simulator={simulator} onReaderChange={setReader} autoConnect>
            <InsertImageFile
              onImage={(image) => {
                simulator.insertImage(image);
                trace.clear();
                setOutcome(null);
                setInserted(image.surfaceNumber.slice(-4));
              }}
              hint={t("imageHint")}
            />
            {inserted && (
              <p className="mt-2 text-sm text-slate-600" data-testid="issuer-reader-card">
                {t.rich("inserted", { last4: inserted, mono: (chunks) => <span className="font-mono">{chunks}</span> })}
              </p>
            )}
          </ReaderPanel>
        </div>
      </Panel>
    </section>
  );
}
