"use client";

import { useRouter } from "next/navigation";
import { useActionState, useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { decodeCardImage, encodeCardImage, type CardImage, type SimulatedCard } from "@/lib/core/card";
import { describePlatformType, formatInstant } from "@/lib/core/format";
import { checkNotOnHotList, dispatchPlatformType, type HotListHit } from "@/lib/core/workflows/reload";
import { canUseCard, EMPTY_VISIT, previewBytes, readCardForDesk, visitReducer, type CardReading } from "@/lib/core/workflows/reload-desk";
import type { DeskApplication } from "@/lib/server/data/provider/catalog";
import type { CreditPolicyView } from "@/lib/server/data/provider/credit-policy";
import { ApduTrace, SimulatorReader, type TracingReader } from "@/lib/reader";
import { InsertImageFile } from "@/components/reader/insert-image-file";
import { ReaderPanel } from "@/components/reader/reader-panel";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { checkHotListAction, claimCardAction, returnCardAction, type ClaimState } from "../actions";
import { CardOps, traced, type CardOp } from "./card-ops";
import { FirstLoadFlow } from "./first-load-flow";
import { RefusalNotice } from "./refusal-notice";
import { ReloadFlow } from "./reload-flow";

/** Where a leaving desk sends the card back (keepalive: it survives the page going away). */
const RETURN_URL = "/api/provider/desk/return";

/**
 * The provider desk: the customer's card reaches the desk's reader (presentation code, a card image
 * file, or a real reader), the desk reads it, then runs a reload (methods 1/2) or a first load, and
 * gives the card back at the end of the flow or when the page is left.
 */
export function Desk({ applications, policy }: { applications: DeskApplication[]; policy: CreditPolicyView }) {
  const router = useRouter();
  const simulator = useMemo(() => new SimulatorReader(), []);
  const trace = useMemo(() => new ApduTrace(), []);
  const [reader, setReader] = useState<TracingReader | null>(null);
  const [visit, dispatch] = useReducer(visitReducer, EMPTY_VISIT);
  const [readOps, setReadOps] = useState<CardOp[]>([]);
  const [readError, setReadError] = useState<string | null>(null);
  const [returnNote, setReturnNote] = useState<{ tone: "good" | "bad"; text: string } | null>(null);
  const [openCaseId, setOpenCaseId] = useState<string | null>(null);
  const [hotListHit, setHotListHit] = useState<HotListHit | null>(null);
  const [flowKey, setFlowKey] = useState(0);
  const inserted = useRef<SimulatedCard | null>(null);

  // The latest visit for the leave handler (it runs outside React's render).
  const latest = useRef({ visit, openCaseId });
  useEffect(() => {
    latest.current = { visit, openCaseId };
  }, [visit, openCaseId]);

  const insertImage = useCallback(
    (image: CardImage, source: "presented" | "file", presentationId: string | null) => {
      inserted.current = simulator.insertImage(image);
      trace.clear();
      setReadOps([]);
      setReadError(null);
      setHotListHit(null);
      setReturnNote(null);
      setFlowKey((k) => k + 1);
      dispatch({ type: "card-inserted", source, presentationId, last4: image.surfaceNumber.slice(-4) });
    },
    [simulator, trace],
  );

  // A claimed presentation: the card image goes into the desk's simulator reader.
  const [claim, claimAction, claiming] = useActionState<ClaimState, FormData>(async (prev, formData) => {
    const result = await claimCardAction(prev, formData);
    if (result.card) {
      const image = decodeCardImage(result.card.imageJson);
      if (image.ok) insertImage(image.value, "presented", result.card.presentationId);
      else return { message: `The presented card could not be read: ${image.error}` };
    }
    return result;
  }, {});

  /** Ends the visit: the presented card goes back to the cardholder's wallet as the card itself changed it. */
  const returnCard = useCallback(async () => {
    const v = latest.current.visit;
    if (!v.card || v.returnedAt) return;
    const card = inserted.current;
    if (v.card.source === "reader") {
      dispatch({ type: "card-returned", at: new Date().toISOString() });
      setReturnNote({ tone: "good", text: "Visit ended: hand the card in the reader back to the customer." });
      return;
    }
    if (v.card.source !== "presented" || !v.card.presentationId || !card) {
      simulator.remove();
      dispatch({ type: "card-returned", at: new Date().toISOString() });
      setReturnNote({ tone: "good", text: "Test card removed from the reader." });
      return;
    }
    const image = card.image();
    simulator.remove();
    const result = await returnCardAction(v.card.presentationId, encodeCardImage(image));
    const at = new Date().toISOString();
    dispatch({ type: "card-returned", at });
    setReturnNote(
      result.ok
        ? { tone: "good", text: `Card ending ${v.card.last4} returned to the cardholder at ${formatInstant(at)}.` }
        : { tone: "bad", text: `The card could not be returned: ${result.message}` },
    );
    router.refresh(); // the recent cases below
  }, [simulator, router]);

  // Leaving the page (or the desk) returns a card still here and closes an open case.
  useEffect(() => {
    const leave = () => {
      const { visit: v, openCaseId: caseId } = latest.current;
      const card = inserted.current;
      if (!v.card || v.returnedAt) return;
      const body: Record<string, unknown> = { caseId };
      if (v.card.source === "presented" && v.card.presentationId && card) Object.assign(body, { presentationId: v.card.presentationId, imageJson: encodeCardImage(card.image()) });
      void fetch(RETURN_URL, { method: "POST", keepalive: true, headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).catch(() => undefined);
    };
    window.addEventListener("pagehide", leave);
    return () => {
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, []);

  const transmitOf = useCallback(() => (reader ? (apdu: Uint8Array) => reader.transmit(apdu) : null), [reader]);

  const readCard = async () => {
    const transmit = transmitOf();
    if (!transmit) return setReadError("Connect the reader first.");
    setReadError(null);
    setHotListHit(null);
    const op: CardOp = { id: `read-${Date.now()}`, step: "1801 · 702/1102", label: "Read the card", detail: "SELECT the security domain, GET DATA DF70 (platform type), then the card id (tag 45) or the card attribute data (tag DF7A), GET STATUS.", outcome: "running", range: null };
    setReadOps([op]);
    try {
      const { value: read, range } = await traced(trace, () => readCardForDesk(transmit));
      if (!read.ok) {
        setReadOps([{ ...op, outcome: "refused", range, detail: `${read.error.step}: ${read.error.meaning}` }]);
        return setReadError(`The card did not answer as expected: ${read.error.meaning}.`);
      }
      const r = read.value;
      const what = r.platformType === 100 ? `card id ${r.cardId}` : r.platformType === 200 ? `card attribute data ${previewBytes(r.cardAttributeData!)}` : "no method for this platform type";
      setReadOps([{ ...op, outcome: "ok", range, detail: `Platform type ${r.platformType}; ${what}; ${r.applications.length} application${r.applications.length === 1 ? "" : "s"} on the card${r.isCardLocked ? "; the card is LOCKED" : ""}.` }]);
      setFlowKey((k) => k + 1);
      // The hot list: a card the issuer told us is blocked is refused before any flow starts.
      const listed = await checkHotListAction({ platformType: r.platformType, cardId: r.cardId, cardAttributeData: r.cardAttributeData, surfaceNumberLast4: null, isCardLocked: r.isCardLocked });
      setHotListHit(listed.ok ? listed.hit : null);
      // A card in a real reader (Web Serial) starts its visit when it is read.
      if (!latest.current.visit.card || latest.current.visit.returnedAt) dispatch({ type: "card-inserted", source: "reader", presentationId: null, last4: null });
      dispatch({ type: "card-read", reading: r });
    } catch (e) {
      setReadOps([{ ...op, outcome: "refused", detail: (e as Error).message }]);
      setReadError(`The reader failed: ${(e as Error).message}`);
    }
  };

  const reading = visit.reading;
  // A real reader holds whatever card the customer put in it: a new visit starts when it is read.
  const usable = canUseCard(visit) || (reader !== null && reader.transport !== "simulator" && (visit.card === null || visit.card.source === "reader"));
  const dispatched = reading ? dispatchPlatformType(reading.platformType) : null;
  const hotList = hotListHit ? checkNotOnHotList(hotListHit) : null;
  const nameOf = (aid: string) => applications.find((a) => a.aid === aid)?.name ?? aid;

  return (
    <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_34rem]">
      <div className="space-y-6">
        <Panel title="1. The customer's card">
          <div className="grid gap-5 md:grid-cols-2">
            <form action={claimAction} aria-label="Take a presented card" className="space-y-2">
              <TextField label="Presentation code" name="code" placeholder="K7Q2-M9XD" autoComplete="off" errors={claim.fieldErrors?.code} hint="The cardholder shows it in My cards → Present at a desk." />
              <Button type="submit" disabled={claiming}>
                {claiming ? "Taking the card…" : "Take the card"}
              </Button>
              {claim.message && <FormMessage tone="bad">{claim.message}</FormMessage>}
            </form>
            <InsertImageFile onImage={(image) => insertImage(image, "file", null)} />
          </div>
          <div className="mt-4 flex flex-wrap items-center gap-3 text-sm" data-testid="visit-card">
            {visit.card ? (
              <>
                <Badge tone={visit.returnedAt ? "neutral" : "good"}>{visit.returnedAt ? "returned" : "at the desk"}</Badge>
                <span>
                  {visit.card.last4 ? (
                    <>
                      Card ending <span className="font-mono">{visit.card.last4}</span>{" "}
                    </>
                  ) : (
                    "A card "
                  )}
                  {visit.card.source === "presented" ? "presented by the cardholder" : visit.card.source === "file" ? "from an image file" : "in the reader"}
                </span>
                {!visit.returnedAt && (
                  <Button variant="secondary" onClick={() => void returnCard()}>
                    {visit.card.source === "presented" ? "Return the card now" : visit.card.source === "file" ? "Remove the card" : "End the visit"}
                  </Button>
                )}
              </>
            ) : (
              <span className="text-slate-500">No card at the desk. Take a presented card, insert a card image file, or use a real reader.</span>
            )}
          </div>
          {visit.card && !visit.returnedAt && visit.card.source === "presented" && (
            <p className="mt-2 text-xs text-slate-500">The card goes back to the cardholder automatically at the end of the flow, or if you leave this page.</p>
          )}
          {returnNote && (
            <p role="status" className={`mt-3 rounded-lg px-3 py-2 text-sm ring-1 ring-inset ${returnNote.tone === "good" ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-rose-50 text-rose-800 ring-rose-200"}`} data-testid="card-return">
              {returnNote.text}
            </p>
          )}
        </Panel>

        <Panel
          title="2. Read the card"
          actions={
            <Button onClick={() => void readCard()} disabled={!usable || !reader}>
              Read the card
            </Button>
          }
        >
          {!reader && <p className="mb-3 text-sm text-slate-500">Connect the reader on the right first.</p>}
          {readError && <FormMessage tone="bad">{readError}</FormMessage>}
          <CardOps ops={readOps} trace={trace} />
          {reading && (
            <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[11rem_1fr]" data-testid="card-reading">
              <dt className="text-slate-500">Platform type</dt>
              <dd>
                {describePlatformType(reading.platformType)}
                {dispatched?.ok && <Badge tone="info">method {dispatched.value}</Badge>}
              </dd>
              <dt className="text-slate-500">{reading.platformType === 200 ? "Card attribute data" : "Card id"}</dt>
              <dd className="font-mono text-xs">{reading.cardId ?? (reading.cardAttributeData ? previewBytes(reading.cardAttributeData) : "—")}</dd>
              <dt className="text-slate-500">Life cycle</dt>
              <dd>{reading.isCardLocked ? <Badge tone="bad">locked by the issuer</Badge> : <Badge tone="good">in use</Badge>}</dd>
              <dt className="text-slate-500">Applications on the card</dt>
              <dd>
                {reading.applications.length
                  ? reading.applications.map(nameOf).join(", ")
                  : reading.platformType === 200
                    ? "not listed: a platform-200 card shows them only inside the issuer's secure channel"
                    : "none"}
              </dd>
            </dl>
          )}
          {dispatched && !dispatched.ok && (
            <div className="mt-4">
              <RefusalNotice refusal={dispatched.error} />
            </div>
          )}
          {reading && hotList && !hotList.ok && (
            <div className="mt-4" data-testid="hot-list-refusal">
              <RefusalNotice refusal={hotList.error} />
            </div>
          )}
        </Panel>

        {reading && dispatched?.ok && !(hotList && !hotList.ok) && (
          <Panel title="3. What the customer asks for">
            <div className="mb-4 flex flex-wrap gap-2" role="group" aria-label="Flow">
              <Button variant={visit.flow === "reload" ? "primary" : "secondary"} onClick={() => dispatch({ type: "flow-chosen", flow: "reload" })} disabled={!canUseCard(visit) && visit.card !== null} aria-pressed={visit.flow === "reload"}>
                Reload on a reissued card
              </Button>
              <Button variant={visit.flow === "first-load" ? "primary" : "secondary"} onClick={() => dispatch({ type: "flow-chosen", flow: "first-load" })} disabled={!canUseCard(visit) && visit.card !== null} aria-pressed={visit.flow === "first-load"}>
                First load
              </Button>
            </div>
            {visit.flow === "reload" && (
              <ReloadFlow
                key={`reload-${flowKey}`}
                applications={applications}
                reading={reading}
                last4={visit.card?.last4 ?? null}
                trace={trace}
                getTransmit={transmitOf}
                canUseCard={usable}
                onCaseChange={setOpenCaseId}
                onContinueAsFirstLoad={(aids, customerNo, caseId) => {
                  setOpenCaseId(null);
                  dispatch({ type: "continue-as-first-load", aids, customerNo, caseId });
                }}
                onVisitEnd={returnCard}
              />
            )}
            {visit.flow === "first-load" && (
              <FirstLoadFlow
                key={`first-${flowKey}-${visit.carriedOver?.caseId ?? ""}`}
                applications={applications}
                policy={policy}
                reading={reading as CardReading}
                last4={visit.card?.last4 ?? null}
                trace={trace}
                getTransmit={transmitOf}
                canUseCard={usable}
                carriedOver={visit.carriedOver}
                onVisitEnd={returnCard}
              />
            )}
            {visit.flow === "none" && <p className="text-sm text-slate-500">Choose the flow: a reload reuses the old card&apos;s examination at the reissue fee; a first load examines anew at the normal fee.</p>}
          </Panel>
        )}
      </div>

      <div className="xl:sticky xl:top-4 xl:self-start">
        <ReaderPanel trace={trace} simulator={simulator} onReaderChange={setReader} autoConnect title="Card reader" />
      </div>
    </div>
  );
}
