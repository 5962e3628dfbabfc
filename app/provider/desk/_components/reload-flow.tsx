"use client";

import { useEffect, useRef, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { nameText } from "@/lib/core/person-name";
import { useRefusalLabel } from "./refusal-notice";
import { useDeskFormat, useRunnerWords } from "./use-desk-format";
import type { CardReading } from "@/lib/core/workflows/reload-desk";
import type { DeskApplication } from "@/lib/server/data/provider/catalog";
import type { GrantView } from "@/lib/server/data/provider/permissions";
import type { ReloadCaseView } from "@/lib/server/data/provider/reload";
import type { ApduTrace } from "@/lib/reader";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { advanceReloadAction, confirmReloadAction, finishReloadAction, recordReloadLoadAction, startReloadAction } from "../actions";
import type { CardOp } from "./card-ops";
import { CaseSteps } from "./case-steps";
import { LoadOutcome } from "./load-outcome";
import { runLoads, type LoadProgress, type Transmit } from "./load-runner";
import { RefusalNotice } from "./refusal-notice";

type Props = {
  applications: readonly DeskApplication[];
  reading: CardReading;
  last4: string | null;
  trace: ApduTrace;
  getTransmit: () => Transmit | null;
  canUseCard: boolean;
  onCaseChange: (caseId: string | null) => void;
  onContinueAsFirstLoad: (aids: string[], customerNo: string | null, caseId: string) => void;
  /** The visit is over: the desk returns the card. */
  onVisitEnd: () => Promise<void>;
  /** A case picked up again after the page was reloaded (F5) while this desk held the card. */
  initialView?: ReloadCaseView | null;
  /** The lease on the presented card the case runs on (null: a card image file or a real reader). */
  leaseId?: string | null;
  /** The guided desk's choice: check these applications at once, with no form to fill. */
  presetAids?: readonly string[] | null;
  /** Audit view: the case's steps with their patent numbers and messages, and the claims the review rests on. */
  audit?: boolean;
};

function OldLoadReview({ app, audit }: { app: ReloadCaseView["applications"][number]; audit: boolean }) {
  const t = useTranslations("provider.reload");
  const locale = useLocale();
  const fmt = useDeskFormat();
  const old = app.old!;
  const exam = old.examination;
  const fee = app.fee;
  return (
    <div className="rounded-lg border border-slate-200 p-4" data-testid={`review-${app.aid}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h4 className="font-semibold text-slate-900" translate="no">
          {app.name ?? app.aid}
        </h4>
        <Badge tone="good">{t("reloadable")}</Badge>
      </div>
      <p className="mt-1 text-xs text-slate-500">
        {t.rich("oldLoad", {
          messageId: old.messageId,
          name: nameText(old.customer.fullName, old.customer.fullNameKana, locale === "ja" ? "ja" : "en"),
          customerNo: old.customer.customerNo,
          loadedAt: old.loadedAt ? fmt.day(old.loadedAt) : "—",
          hasCard: old.cardId ? "yes" : "no",
          cardId: old.cardId ?? "",
          mono: (chunks) => (
            <span className="font-mono" translate="no">
              {chunks}
            </span>
          ),
        })}
      </p>
      <dl className="mt-3 grid grid-cols-1 gap-3 text-sm sm:grid-cols-3">
        <div className="rounded-md bg-slate-50 p-3" data-testid="old-examination">
          <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">{audit ? t("examinationAudit") : t("examination")}</dt>
          {exam ? (
            <dd className="mt-1 space-y-0.5">
              <p>
                <Badge tone={exam.outcome === "approved" ? "good" : "bad"}>{t("outcome", { outcome: exam.outcome })}</Badge>{" "}
                <Badge tone="info">{t("reused")}</Badge>
              </p>
              <p>{t("limit", { limit: fmt.money(exam.limitMinor, fee?.currency ?? "JPY") })}</p>
              <p className="text-xs text-slate-500">
                {t("examinedBy", { at: fmt.day(exam.investigatedAt), by: exam.investigatedBy, version: exam.policyVersion })}
              </p>
            </dd>
          ) : (
            <dd className="mt-1 text-slate-500">{t("noExamination")}</dd>
          )}
        </div>
        <div className="rounded-md bg-slate-50 p-3" data-testid="old-accounting">
          <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("accounting")}</dt>
          <dd className="mt-1">
            {old.accounting ? (
              <>
                <p>{t("accountingLine", { amount: fmt.money(old.accounting.amountMinor, old.accounting.currency), kind: old.accounting.kind })}</p>
                <p className="text-xs text-slate-500">{t("chargedOn", { at: fmt.day(old.accounting.chargedAt) })}</p>
              </>
            ) : (
              <p className="text-slate-500">{t("noCharge")}</p>
            )}
          </dd>
        </div>
        <div className="rounded-md bg-emerald-50 p-3" data-testid="reissue-charge">
          <dt className="text-xs font-semibold uppercase tracking-wide text-emerald-800">{audit ? t("chargeNowAudit") : t("chargeNow")}</dt>
          <dd className="mt-1">
            {fee ? (
              <>
                <p className="font-semibold">{t("reissueFee", { fee: fmt.money(fee.reissueFeeMinor, fee.currency) })}</p>
                <p className="text-xs text-slate-600">{t("insteadOf", { fee: fmt.money(fee.normalFeeMinor, fee.currency) })}</p>
              </>
            ) : (
              <p>{t("noFee")}</p>
            )}
          </dd>
        </div>
      </dl>
    </div>
  );
}

/** The reload desk: Fig. 18 dispatch, method 1 or 2 on the server, review of what is reused, then the loads on the card. */
export function ReloadFlow({
  applications,
  reading,
  last4,
  trace,
  getTransmit,
  canUseCard,
  onCaseChange,
  onContinueAsFirstLoad,
  onVisitEnd,
  initialView = null,
  leaseId = null,
  presetAids = null,
  audit = false,
}: Props) {
  const t = useTranslations("provider.reload");
  const fmt = useDeskFormat();
  const refusalLabel = useRefusalLabel();
  const runner = useRunnerWords();
  const [selected, setSelected] = useState<string[]>([]);
  const [other, setOther] = useState("");
  const [view, setView] = useState<ReloadCaseView | null>(initialView);
  const [busy, setBusy] = useState<null | "checking" | "confirming" | "loading" | "finishing">(null);
  const [error, setError] = useState<string | null>(null);
  const [ops, setOps] = useState<CardOp[]>([]);
  const [progress, setProgress] = useState<LoadProgress[]>([]);

  // Applications the card already holds are not offered: there is nothing to reload for them.
  const own = applications.filter((a) => a.fee && !reading.applications.includes(a.aid));
  const nameOf = (aid: string) => applications.find((a) => a.aid === aid)?.name ?? view?.applications.find((a) => a.aid === aid)?.name ?? aid;
  const otherAid = other.trim().toUpperCase();
  const otherValid = otherAid === "" || /^([0-9A-F]{2}){5,16}$/.test(otherAid);
  const requested = [...selected, ...(otherAid && otherValid ? [otherAid] : [])];

  const show = (next: ReloadCaseView) => {
    setView(next);
    onCaseChange(next.outcome === "in_progress" ? next.id : null);
  };

  const check = async (aids: readonly string[] = requested) => {
    setError(null);
    setBusy("checking");
    const result = await startReloadAction({ card: { ...reading, surfaceNumberLast4: last4 }, applicationAids: [...aids], leaseId });
    setBusy(null);
    if (!result.ok) return setError(result.message);
    show(result.view);
  };

  const checkAgain = async () => {
    if (!view) return;
    setBusy("checking");
    const result = await advanceReloadAction(view.id);
    setBusy(null);
    if (!result.ok) return setError(result.message);
    show(result.view);
  };

  const confirm = async () => {
    if (!view) return;
    const transmit = getTransmit();
    if (!transmit) return setError(t("notConnectedConfirm"));
    setError(null);
    setBusy("confirming");
    const result = await confirmReloadAction(view.id);
    if (!result.ok) {
      setBusy(null);
      return setError(result.message);
    }
    show(result.view);
    await loadGrants(result.view, transmit);
  };

  /** Loads every granted, not yet loaded permission of the case on the card, recording each. */
  const loadGrants = async (current: ReloadCaseView, transmit: Transmit) => {
    const view = current;
    const grants = current.applications.flatMap((a) => (a.state === "granted" && a.permission?.status === "granted" ? [a.permission.grant] : []));
    if (grants.length === 0) {
      setBusy(null);
      return;
    }
    setBusy("loading");
    let latest = current;
    await runLoads({
      ...runner,
      grants,
      transmit,
      trace,
      stepOf: () => (current.method === 2 ? "1108" : "709"),
      privateReads: current.method === 2,
      onOp: (op) => setOps((list) => [...list.filter((o) => o.id !== op.id), op]),
      onProgress: (p) => setProgress((list) => [...list.filter((x) => x.aid !== p.aid), p]),
      record: async (grant: GrantView, outcome) => {
        const recorded = await recordReloadLoadAction(view.id, grant.permissionId, outcome);
        if (!recorded.ok) return recorded;
        latest = recorded.view;
        show(recorded.view);
        return recorded.recorded;
      },
    });
    setBusy(null);
    if (latest.outcome !== "in_progress") await onVisitEnd();
  };

  /** After F5: permissions granted before the reload are loaded now (the card never loads one twice). */
  const continueLoads = async () => {
    if (!view) return;
    const transmit = getTransmit();
    if (!transmit) return setError(t("notConnectedRetry"));
    setError(null);
    await loadGrants(view, transmit);
  };

  const finish = async () => {
    setBusy("finishing");
    // Closes an open case (unused permissions given up); a finished case is only confirmed as it is.
    if (view) {
      const result = await finishReloadAction(view.id);
      if (result.ok) show(result.view);
    }
    await onVisitEnd();
    setBusy(null);
  };

  // The guided desk chose the applications: the case opens at once (once per mount).
  const presetStarted = useRef(false);
  useEffect(() => {
    if (!presetAids || presetAids.length === 0 || view || presetStarted.current || !canUseCard) return;
    presetStarted.current = true;
    void check(presetAids);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs once for the preset, on mount
  }, []);

  const refusedApps = view?.applications.filter((a) => a.refusal) ?? [];
  const reloadable = view?.applications.filter((a) => a.state === "reloadable") ?? [];
  const toLoad = view?.outcome === "in_progress" ? view.applications.filter((a) => a.state === "granted" && a.permission?.status === "granted") : [];
  // Only our own applications can be loaded as new ones: another provider's AID is not ours to load.
  const continuable = refusedApps.filter((a) => a.refusal?.canContinueAsFirstLoad && applications.some((o) => o.aid === a.aid)).map((a) => a.aid);
  const isRefused = view?.outcome === "refused";
  const isDone = view?.outcome === "reloaded";

  return (
    <div className="space-y-5">
      {!view && presetAids && busy === "checking" && (
        <p role="status" className="text-sm text-slate-600">
          {t("checkingPreset", { names: presetAids.map(nameOf).join(t("and")) })}
        </p>
      )}
      {!view && !presetAids && (
        <form
          className="space-y-4"
          aria-label={t("formLabel")}
          onSubmit={(e) => {
            e.preventDefault();
            void check();
          }}
        >
          <fieldset>
            <legend className="text-sm font-medium text-slate-700">{t("asked")}</legend>
            <div className="mt-2 grid gap-2 sm:grid-cols-2">
              {own.map((a) => (
                <label
                  key={a.aid}
                  className="flex cursor-pointer items-start gap-2 rounded-lg border border-slate-200 px-3 py-2 text-sm has-[:checked]:border-slate-900 has-[:checked]:bg-slate-50"
                >
                  <input
                    type="checkbox"
                    className="mt-1"
                    checked={selected.includes(a.aid)}
                    onChange={(e) => setSelected((s) => (e.target.checked ? [...s, a.aid] : s.filter((x) => x !== a.aid)))}
                  />
                  <span>
                    <span className="block font-medium">{a.name}</span>
                    <span className="block font-mono text-xs text-slate-500" translate="no">
                      {a.aid}
                    </span>
                    <span className="block text-xs text-slate-500">
                      {t("fees", {
                        reissueFee: fmt.money(a.fee!.reissueFeeMinor, a.fee!.currency),
                        normalFee: fmt.money(a.fee!.normalFeeMinor, a.fee!.currency),
                      })}
                    </span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="max-w-sm">
            <label htmlFor="other-aid" className="block text-sm font-medium text-slate-700">
              {t("otherAid")}
            </label>
            <input
              id="other-aid"
              value={other}
              onChange={(e) => setOther(e.target.value)}
              placeholder={t("otherAidPlaceholder")}
              aria-invalid={!otherValid || undefined}
              aria-describedby="other-aid-hint"
              className={`mt-1 block w-full rounded-lg px-3 py-2 font-mono text-sm ring-1 ring-inset ${otherValid ? "ring-slate-300" : "ring-rose-400"}`}
            />
            <p id="other-aid-hint" className={`mt-1 text-xs ${otherValid ? "text-slate-500" : "font-medium text-rose-600"}`}>
              {otherValid ? t("otherAidHint") : t("otherAidInvalid")}
            </p>
          </div>
          <Button type="submit" disabled={busy !== null || requested.length === 0 || !otherValid || !canUseCard}>
            {busy === "checking" ? t("checking") : t("check", { method: reading.platformType === 100 ? "1" : reading.platformType === 200 ? "2" : "?" })}
          </Button>
        </form>
      )}

      {error && (
        <p role="alert" className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800 ring-1 ring-inset ring-rose-200">
          {error}
        </p>
      )}

      {view && (
        <section aria-label={t("case")} className="space-y-4">
          <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
            <span>{t("caseWord")}</span>
            <span className="font-mono text-xs" translate="no">
              {view.id.slice(0, 8)}
            </span>
            <Badge tone={view.outcome === "reloaded" ? "good" : view.outcome === "refused" ? "bad" : "warn"}>
              {t("caseOutcome", { outcome: view.outcome })}
            </Badge>
            {view.method && <Badge tone="info">{t("method", { method: view.method })}</Badge>}
          </div>
          {audit && <CaseSteps steps={view.steps} nameOf={nameOf} />}

          {view.isWaiting && (
            <div
              role="status"
              className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
            >
              <span>{t("waiting")}</span>
              <Button variant="secondary" onClick={() => void checkAgain()} disabled={busy !== null}>
                {busy === "checking" ? t("checkingShort") : t("checkAgain")}
              </Button>
            </div>
          )}

          {refusedApps.length > 0 && (
            <div className="space-y-2">
              {isRefused && view.refusal ? (
                <RefusalNotice refusal={view.refusal} title={t("refusedTitle", { label: refusalLabel(view.refusal.code) })} nameOf={nameOf} />
              ) : null}
              {refusedApps
                .filter(
                  (a) =>
                    !(
                      isRefused &&
                      view.refusal &&
                      a.refusal?.code === view.refusal.code &&
                      a.refusal.step === view.refusal.step &&
                      (a.refusal.applicationAid ?? null) === (view.refusal.applicationAid ?? null)
                    ),
                )
                .map((a) => (
                  <RefusalNotice
                    key={a.aid}
                    refusal={a.refusal!}
                    title={t("appRefusal", { name: a.name ?? a.aid, label: refusalLabel(a.refusal!.code) })}
                    nameOf={nameOf}
                  />
                ))}
            </div>
          )}

          {view.outcome === "in_progress" && reloadable.length > 0 && (
            <div className="space-y-3">
              <h3 className="text-sm font-semibold text-slate-800">{t("review")}</h3>
              {reloadable.map((a) => (
                <OldLoadReview key={a.aid} app={a} audit={audit} />
              ))}
              <div className="flex flex-wrap gap-2">
                <Button variant="good" onClick={() => void confirm()} disabled={busy !== null || !canUseCard}>
                  {busy === "confirming" ? t("confirming") : t("confirm", { count: reloadable.length, name: reloadable[0]!.name ?? reloadable[0]!.aid })}
                </Button>
                <Button variant="secondary" onClick={() => void finish()} disabled={busy !== null}>
                  {t("cancel")}
                </Button>
              </div>
            </div>
          )}

          {toLoad.length > 0 && busy === null && progress.length === 0 && (
            <div className="flex flex-wrap gap-2">
              <Button variant="good" onClick={() => void continueLoads()} disabled={!canUseCard}>
                {t("loadNow", { names: toLoad.map((a) => a.name ?? a.aid).join(t("separator")) })}
              </Button>
              <Button variant="secondary" onClick={() => void finish()}>
                {t("cancel")}
              </Button>
            </div>
          )}

          <LoadOutcome ops={ops} trace={trace} progress={progress} verb="reloaded" testId="reload-result" />

          {(isRefused || (refusedApps.length > 0 && !reloadable.length && view.outcome !== "in_progress")) && (
            <div className="flex flex-wrap gap-2">
              {continuable.length > 0 && canUseCard && (
                <Button onClick={() => onContinueAsFirstLoad(continuable, view.customerNo, view.id)} disabled={busy !== null}>
                  {t("continueFirstLoad")}
                </Button>
              )}
              {canUseCard && (
                <Button variant="secondary" onClick={() => void finish()} disabled={busy !== null}>
                  {t("finish")}
                </Button>
              )}
            </div>
          )}
          {isDone && !canUseCard && <p className="text-sm text-slate-600">{t("visitOver")}</p>}
        </section>
      )}
    </div>
  );
}
