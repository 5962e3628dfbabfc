"use client";

import { useRouter } from "next/navigation";
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
    <section aria-label="Issuer contact: the card in a reader" className="mt-6">
      <Panel title="Issuer contact: the card in a reader">
        <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)]">
          <div className="space-y-4 text-sm">
            <p className="text-slate-600">
              With the card ending <span className="font-mono">{last4}</span> in a reader, the issuer&apos;s server opens the card&apos;s secure channel (SCP03,
              level 33) through this page and brings its issuer keys to version {kvn(currentVersion)} with PUT KEY; a card that met a compromised key comes back
              this way too. This page carries the commands only: the keys stay on the server.
            </p>
            <Button onClick={() => void run()} disabled={!reader || progress !== null}>
              {progress !== null ? "Updating the card…" : "Update the card's issuer keys"}
            </Button>
            {!reader && <p className="text-slate-500">Connect the reader first (and put the card in it).</p>}
            <div aria-live="polite" aria-atomic="true" data-testid="issuer-contact">
              {progress !== null && (
                <p role="status">{progress === 0 ? "Talking to the card…" : `The card answered ${progress} command${progress === 1 ? "" : "s"}…`}</p>
              )}
              {outcome &&
                (outcome.ok ? (
                  <p role="status" className="rounded-lg bg-emerald-50 px-3 py-2 text-emerald-900 ring-1 ring-inset ring-emerald-200">
                    {outcome.from === outcome.to
                      ? `The card already holds issuer key version ${kvn(outcome.to)}: nothing to change.`
                      : `The card took issuer key version ${kvn(outcome.to)} (it held ${kvn(outcome.from)}). Recorded for this card.`}
                  </p>
                ) : (
                  <p role="alert" className="rounded-lg bg-rose-50 px-3 py-2 text-rose-800 ring-1 ring-inset ring-rose-200">
                    Not updated: {outcome.message}
                    {outcome.sw ? ` (status word ${outcome.sw})` : ""}.
                  </p>
                ))}
            </div>
          </div>
          <ReaderPanel trace={trace} simulator={simulator} onReaderChange={setReader} autoConnect title="Card reader">
            <InsertImageFile
              onImage={(image) => {
                simulator.insertImage(image);
                trace.clear();
                setOutcome(null);
                setInserted(image.surfaceNumber.slice(-4));
              }}
              hint="The card's image file, for the simulator (a test stand-in for the plastic in a reader)."
            />
            {inserted && (
              <p className="mt-2 text-sm text-slate-600" data-testid="issuer-reader-card">
                Card ending <span className="font-mono">{inserted}</span> in the simulator.
              </p>
            )}
          </ReaderPanel>
        </div>
      </Panel>
    </section>
  );
}
