"use client";

import { useRouter } from "next/navigation";
import { useActionState, useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import type { CardImage } from "@/lib/core/card";
import { useTranslations } from "next-intl";
import { formatStatusWord } from "@/lib/core/card/status-words";
import { statusWordWords, thrownReaderErrorWords } from "@/lib/reader/status-word-words";
import { checkNotOnHotList, dispatchPlatformType, type HotListHit } from "@/lib/core/workflows/reload";
import {
  canUseCard,
  EMPTY_VISIT,
  previewBytes,
  readApplicationValues,
  readCardForDesk,
  visitReducer,
  type CardReading,
} from "@/lib/core/workflows/reload-desk";
import type { DeskApplication } from "@/lib/server/data/provider/catalog";
import type { CreditPolicyView } from "@/lib/server/data/provider/credit-policy";
import { ApduTrace, httpApduRelay, PresentedCardReader, SimulatorReader, withTrace, type TracingReader } from "@/lib/reader";
import { InsertImageFile } from "@/components/reader/insert-image-file";
import { ReaderPanel } from "@/components/reader/reader-panel";
import { useStatusWordT } from "@/components/reader/use-reader";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import type { ReloadCaseView } from "@/lib/server/data/provider/reload";
import type { CardAtDesk, DeskAction } from "@/lib/core/workflows/desk-guide";
import {
  checkHotListAction,
  claimCardAction,
  describeCardAction,
  recordDeskReadsAction,
  resumeDeskAction,
  returnCardAction,
  type ClaimState,
} from "../actions";
import { ApplicationKeys } from "./application-keys";
import { CardGuide } from "./card-guide";
import { CardOps, traced, type CardOp } from "./card-ops";
import { FirstLoadFlow } from "./first-load-flow";
import { RefusalNotice } from "./refusal-notice";
import { ReloadFlow } from "./reload-flow";
import { useDeskFormat } from "./use-desk-format";

/** Where a leaving desk sends the card back (keepalive: it survives the page going away). */
const RETURN_URL = "/api/provider/desk/return";
/** Where the presented-card transport relays each APDU to the card in the cardholder's wallet. */
const RELAY_URL = "/api/provider/desk/card";
const TAB_KEY = "recard-desk-tab";

/** This browser tab's desk id: kept across a reload (F5), new in another tab (another desk for the card lease). */
function deskTab(): string {
  let tab = sessionStorage.getItem(TAB_KEY);
  if (!tab) {
    tab = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
    sessionStorage.setItem(TAB_KEY, tab);
  }
  return tab;
}

/**
 * The provider desk: the customer's card reaches the desk's reader (presentation code, a card image
 * file, or a real reader), the desk reads it, then runs a reload (methods 1/2) or a first load, and
 * gives the card back at the end of the flow or when the page is left.
 */
export function Desk({ applications, policy }: { applications: DeskApplication[]; policy: CreditPolicyView }) {
  const router = useRouter();
  const t = useTranslations("provider.desk");
  const swT = useStatusWordT();
  const fmt = useDeskFormat();
  const simulator = useMemo(() => new SimulatorReader(), []);
  const trace = useMemo(() => new ApduTrace(), []);
  const [reader, setReader] = useState<TracingReader | null>(null);
  const [visit, dispatch] = useReducer(visitReducer, EMPTY_VISIT);
  const [readOps, setReadOps] = useState<CardOp[]>([]);
  const [readError, setReadError] = useState<string | null>(null);
  const [returnNote, setReturnNote] = useState<{ tone: "good" | "bad"; text: string } | null>(null);
  const [openCaseId, setOpenCaseId] = useState<string | null>(null);
  const [hotListHit, setHotListHit] = useState<HotListHit | null>(null);
  // The guided desk: what our records say about the card read, and the applications its next action reloads.
  const [cardAtDesk, setCardAtDesk] = useState<CardAtDesk | null>(null);
  const [presetAids, setPresetAids] = useState<string[] | null>(null);
  // Clerk view by default; the audit view adds the case's steps with patent numbers and messages.
  const [audit, setAudit] = useState(false);
  const [flowKey, setFlowKey] = useState(0);
  // The presented card: a lease on the card in the cardholder's wallet, reached through the relay.
  const [presented, setPresented] = useState<{ leaseId: string; reader: PresentedCardReader; traced: TracingReader } | null>(null);
  const presentedRef = useRef(presented);
  useEffect(() => {
    presentedRef.current = presented;
  }, [presented]);
  const [tab, setTab] = useState<string | null>(null);
  // F5 in the middle of a visit: the case to pick up again once the card has been read.
  const [resuming, setResuming] = useState<{ openCase: ReloadCaseView | null } | null>(null);
  const [resumedCase, setResumedCase] = useState<ReloadCaseView | null>(null);

  // The latest visit for the leave handler (it runs outside React's render).
  const latest = useRef({ visit, openCaseId, leaseId: null as string | null });
  useEffect(() => {
    latest.current = { visit, openCaseId, leaseId: presented?.leaseId ?? null };
  }, [visit, openCaseId, presented]);

  const presentCard = useCallback(
    (card: { presentationId: string; leaseId: string; surfaceNumberLast4: string }, tabId: string) => {
      const reader = new PresentedCardReader(httpApduRelay(RELAY_URL, { leaseId: card.leaseId, tab: tabId }));
      void reader.connect();
      simulator.remove();
      trace.clear();
      setReadOps([]);
      setReadError(null);
      setReturnNote(null);
      setFlowKey((k) => k + 1);
      setPresented({ leaseId: card.leaseId, reader, traced: withTrace(reader, trace) });
      dispatch({ type: "card-inserted", source: "presented", presentationId: card.presentationId, last4: card.surfaceNumberLast4 });
    },
    [simulator, trace],
  );

  // On load: this tab's id, and the card and case it still holds if the page was reloaded mid-visit.
  useEffect(() => {
    const tabId = deskTab();
    void resumeDeskAction(tabId).then((result) => {
      setTab(tabId);
      if (!result.ok || !result.desk.card) return;
      presentCard(result.desk.card, tabId);
      setResuming({ openCase: result.desk.openCase });
      setReturnNote({ tone: "good", text: t("resumed", { last4: result.desk.card.surfaceNumberLast4 }) });
    });
  }, [presentCard, t]);

  const insertImage = useCallback(
    (image: CardImage, source: "file", presentationId: string | null) => {
      if (presented) return setReadError(t("returnPresentedFirst"));
      simulator.insertImage(image);
      trace.clear();
      setReadOps([]);
      setReadError(null);
      setHotListHit(null);
      setReturnNote(null);
      setFlowKey((k) => k + 1);
      dispatch({ type: "card-inserted", source, presentationId, last4: image.surfaceNumber.slice(-4) });
    },
    [simulator, trace, presented, t],
  );

  // A claimed presentation: this desk holds a lease on the card; the reader relays APDUs to it.
  const [claim, claimAction, claiming] = useActionState<ClaimState, FormData>(async (prev, formData) => {
    const result = await claimCardAction(prev, formData);
    if (result.card && tab) presentCard(result.card, tab);
    return result;
  }, {});

  /** Ends the visit: the presented card goes back to the cardholder's wallet as the card itself changed it. */
  const returnCard = useCallback(async () => {
    const v = latest.current.visit;
    if (!v.card || v.returnedAt) return;
    if (v.card.source === "reader") {
      dispatch({ type: "card-returned", at: new Date().toISOString() });
      setReturnNote({ tone: "good", text: t("visitEndedReader") });
      return;
    }
    const leaseId = latest.current.leaseId;
    if (v.card.source !== "presented" || !leaseId) {
      simulator.remove();
      dispatch({ type: "card-returned", at: new Date().toISOString() });
      setReturnNote({ tone: "good", text: t("testCardRemoved") });
      return;
    }
    const result = await returnCardAction(leaseId);
    presentedRef.current?.reader.cardGone();
    setPresented(null);
    const at = new Date().toISOString();
    dispatch({ type: "card-returned", at });
    setReturnNote(
      result.ok
        ? { tone: "good", text: t("returned", { last4: v.card.last4 ?? "", at: fmt.when(at) }) }
        : { tone: "bad", text: t("notReturned", { reason: result.message }) },
    );
    router.refresh(); // the recent cases below
  }, [simulator, router, t, fmt]);

  // Leaving the desk for another page of the portal returns a card still here and closes an open case.
  // A reload (F5) or a crash does not: the tab resumes its lease and case, or the lease runs out and
  // releases them (docs/provider.md, "The card at the desk").
  useEffect(
    () => () => {
      const { visit: v, openCaseId: caseId, leaseId } = latest.current;
      if (!v.card || v.returnedAt) return;
      void fetch(RETURN_URL, {
        method: "POST",
        keepalive: true,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ caseId, leaseId: v.card.source === "presented" ? leaseId : null }),
      }).catch(() => undefined);
    },
    [],
  );

  // A presented card is reached through its relay; otherwise through the reader the panel connected.
  const active = presented?.traced ?? reader;
  const transmitOf = useCallback(() => (active ? (apdu: Uint8Array) => active.transmit(apdu) : null), [active]);

  const readCard = useCallback(async () => {
    const transmit = transmitOf();
    if (!transmit) return setReadError(t("connectFirst"));
    setReadError(null);
    setHotListHit(null);
    setCardAtDesk(null);
    setPresetAids(null);
    const op: CardOp = {
      id: `read-${Date.now()}`,
      step: "1801 · 702/1102",
      label: t("read.label"),
      detail: t("read.detail"),
      outcome: "running",
      range: null,
    };
    setReadOps([op]);
    try {
      const { value: read, range } = await traced(trace, () => readCardForDesk(transmit));
      if (!read.ok) {
        // The card's answer in the reader's language; a malformed answer keeps the terminal's own words.
        const meaning = read.error.sw !== null ? `${formatStatusWord(read.error.sw)}: ${statusWordWords(swT, read.error.sw)}` : read.error.meaning;
        setReadOps([{ ...op, outcome: "refused", range, detail: `${read.error.step}: ${meaning}` }]);
        return setReadError(t("read.unexpected", { meaning }));
      }
      const r = read.value;
      const what =
        r.platformType === 100
          ? t("read.cardId", { cardId: r.cardId ?? "" })
          : r.platformType === 200
            ? t("read.attributeData", { preview: previewBytes(r.cardAttributeData!) })
            : t("read.noMethod");
      setReadOps([
        {
          ...op,
          outcome: "ok",
          range,
          detail: t("read.done", { platformType: r.platformType, what, count: r.applications.length, locked: r.isCardLocked ? "yes" : "no" }),
        },
      ]);
      setFlowKey((k) => k + 1);
      // The hot list: a card the issuer told us is blocked is refused before any flow starts.
      const listed = await checkHotListAction({
        platformType: r.platformType,
        cardId: r.cardId,
        cardAttributeData: r.cardAttributeData,
        surfaceNumberLast4: null,
        isCardLocked: r.isCardLocked,
      });
      setHotListHit(listed.ok ? listed.hit : null);
      // The guided desk: whose card, what it replaces, what can be reloaded (our own records only).
      if (listed.ok && !listed.hit && (r.platformType === 100 || r.platformType === 200) && !r.isCardLocked) {
        const described = await describeCardAction({ platformType: r.platformType, cardId: r.cardId, applications: [...r.applications] });
        setCardAtDesk(described.ok ? described.card : null);
      }
      // The value ledger: a platform-100 card not on the hot list has its values read and recorded.
      const ours = applications.filter((a) => r.applications.includes(a.aid));
      if (listed.ok && !listed.hit && r.platformType === 100 && r.cardId && ours.length > 0) {
        const valueOp: CardOp = {
          id: `values-${Date.now()}`,
          step: t("values.step"),
          label: t("values.label"),
          detail: t("values.detail"),
          outcome: "running",
          range: null,
        };
        const { value: values, range: valueRange } = await traced(trace, () => readApplicationValues(transmit, ours));
        const recorded = values.length ? await recordDeskReadsAction({ cardId: r.cardId, values }) : null;
        const words = values
          .map(
            (v) =>
              `${ours.find((a) => a.aid === v.aid)?.name ?? v.aid} ${v.unit === "PTS" ? t("values.points", { points: v.valueMinor }) : fmt.money(v.valueMinor, v.unit)}`,
          )
          .join(t("listSeparator"));
        setReadOps((ops) => [
          ...ops,
          {
            ...valueOp,
            outcome: recorded && !recorded.ok ? "refused" : "ok",
            range: valueRange,
            detail: values.length ? t("values.done", { words, recorded: recorded?.ok ? "yes" : "no" }) : t("values.none"),
          },
        ]);
      }
      // A card in a real reader (Web Serial) starts its visit when it is read.
      if (!latest.current.visit.card || latest.current.visit.returnedAt)
        dispatch({ type: "card-inserted", source: "reader", presentationId: null, last4: null });
      dispatch({ type: "card-read", reading: r });
    } catch (e) {
      // The reader's failure in words of its code (issue 15); its own technical text goes to the console.
      const reason = thrownReaderErrorWords(swT, e);
      console.warn("card read failed", e);
      setReadOps([{ ...op, outcome: "refused", detail: reason }]);
      setReadError(t("read.readerFailed", { reason }));
    }
  }, [transmitOf, trace, applications, t, fmt, swT]);

  // After F5: once the relay is connected, read the card again and pick the open case up where it was.
  const resumeStarted = useRef<object | null>(null);
  useEffect(() => {
    if (!resuming || !presented || resumeStarted.current === resuming) return;
    resumeStarted.current = resuming;
    const openCase = resuming.openCase;
    void Promise.resolve()
      .then(() => setResuming(null))
      .then(readCard)
      .then(() => {
        if (!openCase) return;
        setResumedCase(openCase);
        setOpenCaseId(openCase.id);
        dispatch({ type: "flow-chosen", flow: "reload" });
      });
  }, [resuming, presented, readCard]);

  const reading = visit.reading;
  // A real reader holds whatever card the customer put in it: a new visit starts when it is read.
  const usable = canUseCard(visit) || (reader !== null && reader.transport !== "simulator" && (visit.card === null || visit.card.source === "reader"));
  const dispatched = reading ? dispatchPlatformType(reading.platformType) : null;
  const hotList = hotListHit ? checkNotOnHotList(hotListHit) : null;
  const nameOf = (aid: string) => applications.find((a) => a.aid === aid)?.name ?? aid;
  const flowDisabled = !canUseCard(visit) && visit.card !== null;
  const act = (action: DeskAction) => {
    setPresetAids(action.kind === "reload" ? [...action.aids] : null);
    setFlowKey((k) => k + 1);
    dispatch({ type: "flow-chosen", flow: action.kind === "first-load" ? "first-load" : "reload" });
  };

  return (
    <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_34rem]">
      <div className="space-y-6">
        <div className="flex items-center justify-end gap-2 text-sm text-slate-600">
          <label className="flex cursor-pointer items-center gap-2">
            <input type="checkbox" role="switch" aria-checked={audit} checked={audit} onChange={(e) => setAudit(e.target.checked)} />
            {t("auditView")}
          </label>
          <span className="text-xs text-slate-500">{audit ? t("auditViewHint") : t("clerkView")}</span>
        </div>
        <Panel title={t("panels.card")}>
          <div className="grid gap-5 md:grid-cols-2">
            <form action={claimAction} aria-label={t("claim.form")} className="space-y-2">
              <input type="hidden" name="tab" value={tab ?? ""} />
              <TextField
                label={t("claim.code")}
                name="code"
                placeholder="K7Q2-M9XD"
                autoComplete="off"
                errors={claim.fieldErrors?.code}
                hint={t("claim.hint")}
              />
              {/* Enabled once this tab's id is known and any visit it still holds is resumed (a take before that would be refused). */}
              <Button type="submit" disabled={claiming || tab === null}>
                {claiming ? t("claim.taking") : t("claim.take")}
              </Button>
              {claim.message && <FormMessage tone="bad">{claim.message}</FormMessage>}
            </form>
            <InsertImageFile onImage={(image) => insertImage(image, "file", null)} />
          </div>
          <div className="mt-4 flex flex-wrap items-center gap-3 text-sm" data-testid="visit-card">
            {visit.card ? (
              <>
                <Badge tone={visit.returnedAt ? "neutral" : "good"}>{visit.returnedAt ? t("visit.returned") : t("visit.atDesk")}</Badge>
                <span>
                  {t.rich("visit.card", {
                    last4: visit.card.last4 ?? "",
                    hasLast4: visit.card.last4 ? "yes" : "no",
                    source: visit.card.source,
                    num: (chunks) => (
                      <span className="font-mono" translate="no">
                        {chunks}
                      </span>
                    ),
                  })}
                </span>
                {!visit.returnedAt && (
                  <Button variant="secondary" onClick={() => void returnCard()}>
                    {t("visit.end", { source: visit.card.source })}
                  </Button>
                )}
              </>
            ) : (
              <span className="text-slate-500">{t("visit.none")}</span>
            )}
          </div>
          {visit.card && !visit.returnedAt && visit.card.source === "presented" && <p className="mt-2 text-xs text-slate-500">{t("visit.autoReturn")}</p>}
          {returnNote && (
            <p
              role="status"
              className={`mt-3 rounded-lg px-3 py-2 text-sm ring-1 ring-inset ${returnNote.tone === "good" ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-rose-50 text-rose-800 ring-rose-200"}`}
              data-testid="card-return"
            >
              {returnNote.text}
            </p>
          )}
        </Panel>

        <Panel
          title={t("panels.read")}
          actions={
            <Button onClick={() => void readCard()} disabled={!usable || !active}>
              {t("read.button")}
            </Button>
          }
        >
          {!active && <p className="mb-3 text-sm text-slate-500">{t("read.connectRight")}</p>}
          {readError && <FormMessage tone="bad">{readError}</FormMessage>}
          <CardOps ops={readOps} trace={trace} />
          {reading && (
            <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[11rem_1fr]" data-testid="card-reading">
              <dt className="text-slate-500">{t("reading.platformType")}</dt>
              <dd>
                {t("reading.platform", { platformType: reading.platformType })}
                {dispatched?.ok && <Badge tone="info">{t("method", { method: dispatched.value })}</Badge>}
              </dd>
              <dt className="text-slate-500">{reading.platformType === 200 ? t("reading.attributeData") : t("reading.cardId")}</dt>
              <dd className="font-mono text-xs" translate="no">
                {reading.cardId ?? (reading.cardAttributeData ? previewBytes(reading.cardAttributeData) : "—")}
              </dd>
              <dt className="text-slate-500">{t("reading.lifeCycle")}</dt>
              <dd>{reading.isCardLocked ? <Badge tone="bad">{t("reading.locked")}</Badge> : <Badge tone="good">{t("reading.inUse")}</Badge>}</dd>
              <dt className="text-slate-500">{t("reading.applications")}</dt>
              <dd>
                {reading.applications.length
                  ? reading.applications.map(nameOf).join(t("listSeparator"))
                  : reading.platformType === 200
                    ? t("reading.notListed")
                    : t("reading.none")}
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
          <Panel title={t("panels.guide")}>
            {cardAtDesk ? (
              <div className="mb-4 rounded-lg border border-slate-200 bg-slate-50 p-4">
                <CardGuide card={cardAtDesk} onAction={act} disabled={flowDisabled} />
              </div>
            ) : null}
            {cardAtDesk && visit.flow === "none" && (
              <ApplicationKeys key={flowKey} card={cardAtDesk} getTransmit={transmitOf} trace={trace} disabled={!usable} />
            )}
            {cardAtDesk ? null : (
              <div className="mb-4 flex flex-wrap gap-2" role="group" aria-label={t("flow.label")}>
                <Button
                  variant={visit.flow === "reload" ? "primary" : "secondary"}
                  onClick={() => dispatch({ type: "flow-chosen", flow: "reload" })}
                  disabled={!canUseCard(visit) && visit.card !== null}
                  aria-pressed={visit.flow === "reload"}
                >
                  {t("flow.reload")}
                </Button>
                <Button
                  variant={visit.flow === "first-load" ? "primary" : "secondary"}
                  onClick={() => dispatch({ type: "flow-chosen", flow: "first-load" })}
                  disabled={!canUseCard(visit) && visit.card !== null}
                  aria-pressed={visit.flow === "first-load"}
                >
                  {t("flow.firstLoad")}
                </Button>
              </div>
            )}
            {visit.flow === "reload" && (
              <ReloadFlow
                key={`reload-${flowKey}-${resumedCase?.id ?? ""}`}
                initialView={resumedCase}
                presetAids={resumedCase ? null : presetAids}
                audit={audit}
                leaseId={visit.card?.source === "presented" ? (presented?.leaseId ?? null) : null}
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
            {visit.flow === "none" && !cardAtDesk && <p className="text-sm text-slate-500">{t("flow.choose")}</p>}
          </Panel>
        )}
      </div>

      <div className="xl:sticky xl:top-4 xl:self-start">
        <ReaderPanel trace={trace} simulator={simulator} presented={presented?.reader ?? null} onReaderChange={setReader} autoConnect title={t("reader")} />
      </div>
    </div>
  );
}
