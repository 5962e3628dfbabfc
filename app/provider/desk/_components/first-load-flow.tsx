"use client";

import { useActionState, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import type { CardReading } from "@/lib/core/workflows/reload-desk";
import type { DeskApplication } from "@/lib/server/data/provider/catalog";
import type { CreditPolicyView } from "@/lib/server/data/provider/credit-policy";
import type { GrantView, PermissionView } from "@/lib/server/data/provider/permissions";
import type { ApduTrace } from "@/lib/reader";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FieldErrors, FormMessage, TextField } from "@/components/ui/field";
import { z } from "zod";
import { FIRST_LOAD_LIMITS, firstLoadFormInput, firstLoadFormSchema, firstLoadTyped } from "@/lib/validation/provider-desk";
import { recordFirstLoadAction, refreshPermissionsAction, startFirstLoadAction, type FirstLoadState } from "../actions";
import type { CardOp } from "./card-ops";
import { LoadOutcome } from "./load-outcome";
import { runLoads, type LoadProgress, type Transmit } from "./load-runner";
import { describeExaminationNote } from "@/lib/core/workflows/reload-words";
import { RefusalNotice, useRefusalLabel, useReloadWords } from "./refusal-notice";
import { useDeskFormat, useRunnerWords } from "./use-desk-format";

type Props = {
  applications: readonly DeskApplication[];
  policy: CreditPolicyView;
  reading: CardReading;
  last4: string | null;
  trace: ApduTrace;
  getTransmit: () => Transmit | null;
  canUseCard: boolean;
  carriedOver: { aids: readonly string[]; customerNo: string | null; caseId: string } | null;
  onVisitEnd: () => Promise<void>;
};

const grantOf = (p: PermissionView | null): GrantView | null => (p?.status === "granted" ? p.grant : null);

/** The first load (flow 2): customer, examination by our policy, loading permissions, then the loads on the card. */
export function FirstLoadFlow({ applications, policy, reading, last4, trace, getTransmit, canUseCard, carriedOver, onVisitEnd }: Props) {
  const v = useTranslations("provider.validation");
  const t = useTranslations("provider.firstLoad");
  const fmt = useDeskFormat();
  const words = useReloadWords();
  const runner = useRunnerWords();
  const refusalLabel = useRefusalLabel();
  const [mode, setMode] = useState<"existing" | "new">(carriedOver?.customerNo ? "existing" : "new");
  const [ops, setOps] = useState<CardOp[]>([]);
  const [progress, setProgress] = useState<LoadProgress[]>([]);
  const [permissions, setPermissions] = useState<PermissionView[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const loadedFor = useRef<Set<string>>(new Set());

  const loadGranted = async (views: PermissionView[]) => {
    const grants = views.flatMap((v) => {
      const g = grantOf(v);
      return g && !loadedFor.current.has(g.permissionId) ? [g] : [];
    });
    if (grants.length === 0) return;
    const transmit = getTransmit();
    if (!transmit) return setError(t("notConnected"));
    for (const g of grants) loadedFor.current.add(g.permissionId);
    setBusy(true);
    await runLoads({
      ...runner,
      grants,
      transmit,
      trace,
      stepOf: () => "load",
      privateReads: reading.platformType === 200,
      onOp: (op) => setOps((list) => [...list.filter((o) => o.id !== op.id), op]),
      onProgress: (p) => setProgress((list) => [...list.filter((x) => x.aid !== p.aid), p]),
      record: async (grant, outcome) => {
        const r = await recordFirstLoadAction(grant.permissionId, outcome);
        return r.ok ? r.recorded : r;
      },
    });
    setBusy(false);
  };

  // When the issuer's answers come back with the form result, load what was granted at once.
  const [state, formAction, pending] = useActionState<FirstLoadState, FormData>(async (prev, formData) => {
    // The same schema as the server action's: field errors at once, every typed value kept.
    const checked = firstLoadFormSchema(v).safeParse(firstLoadFormInput(formData));
    if (!checked.success) return { fieldErrors: z.flattenError(checked.error).fieldErrors, values: firstLoadTyped(formData) };
    const result = await startFirstLoadAction(prev, formData);
    if (result.started) {
      const views = result.started.applications.flatMap((a) => (a.permission ? [a.permission] : []));
      setPermissions(views);
      void (async () => {
        await loadGranted(views);
        if (!views.some((v) => v.status === "waiting")) await onVisitEnd();
      })();
    }
    return result;
  }, {});

  const checkAgain = async () => {
    const ids = permissions.filter((p) => p.status === "waiting").map((p) => p.permissionId);
    const r = await refreshPermissionsAction(ids);
    if (!r.ok) return setError(r.message);
    const next = permissions.map(
      (p) =>
        r.permissions.find(
          (x) => (x.status === "granted" ? x.grant.permissionId : x.permissionId) === (p.status === "granted" ? p.grant.permissionId : p.permissionId),
        ) ?? p,
    );
    setPermissions(next);
    await loadGranted(next);
    if (!next.some((v) => v.status === "waiting")) await onVisitEnd();
  };

  const started = state.started;
  const nameOf = (aid: string) => applications.find((a) => a.aid === aid)?.name ?? aid;
  const own = applications.filter((a) => a.fee);
  // A refused reload continued as a first load ticks what it carried over, never what the card already holds.
  const preselected = new Set((carriedOver?.aids ?? []).filter((aid) => !reading.applications.includes(aid)));
  const fe = state.fieldErrors ?? {};
  const typed = state.values?.text ?? {};
  const needsIncome = policy.requiresInvestigation;

  if (started) {
    return (
      <section aria-label={t("label")} className="space-y-4">
        <p className="text-sm text-slate-700">
          {t.rich("customer", { name: started.customer.fullName, customerNo: started.customer.customerNo, strong: (chunks) => <strong>{chunks}</strong> })}
        </p>
        {started.applications.map((a) => {
          const p = permissions.find((x) => (x.status === "granted" ? x.grant.applicationAid : x.applicationAid) === a.aid) ?? a.permission;
          return (
            <div key={a.aid} className="rounded-lg border border-slate-200 p-4" data-testid={`first-load-${a.aid}`}>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h4 className="font-semibold">{a.name}</h4>
                {p && (
                  <Badge tone={p.status === "granted" || p.status === "loaded" ? "good" : p.status === "waiting" ? "warn" : "bad"}>
                    {t("permission", { status: p.status })}
                  </Badge>
                )}
              </div>
              {a.examination && (
                <div className="mt-2 text-sm" data-testid="examination">
                  <p>
                    {t("examinationBy", { version: a.examination.policyVersion })}{" "}
                    <Badge tone={a.examination.outcome === "approved" ? "good" : "bad"}>{t("outcome", { outcome: a.examination.outcome })}</Badge>
                    {a.examination.outcome === "approved" && a.examination.limitMinor > 0
                      ? t("limit", { limit: fmt.money(a.examination.limitMinor, a.fee?.currency ?? "JPY") })
                      : ""}
                  </p>
                  <ul className="mt-1 list-disc pl-5 text-xs text-slate-600">
                    {a.examination.notes.map((n) => (
                      <li key={n.code}>{describeExaminationNote(n, words)}</li>
                    ))}
                  </ul>
                </div>
              )}
              {p?.status === "granted" && (
                <p className="mt-2 text-xs text-slate-500">
                  {t.rich("loadingPermission", {
                    messageId: p.grant.messageId,
                    fee: a.fee ? fmt.money(a.fee.normalFeeMinor, a.fee.currency) : "—",
                    mono: (chunks) => (
                      <span className="font-mono" translate="no">
                        {chunks}
                      </span>
                    ),
                  })}
                </p>
              )}
              {a.refusal && (
                <div className="mt-2">
                  <RefusalNotice refusal={a.refusal} title={t("refusalTitle", { name: a.name, label: refusalLabel(a.refusal.code) })} nameOf={nameOf} />
                </div>
              )}
            </div>
          );
        })}
        {permissions.some((p) => p.status === "waiting") && (
          <div
            role="status"
            className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
          >
            <span>{t("waiting")}</span>
            <Button variant="secondary" onClick={() => void checkAgain()} disabled={busy}>
              {t("checkAgain")}
            </Button>
          </div>
        )}
        {error && <FormMessage tone="bad">{error}</FormMessage>}
        <LoadOutcome ops={ops} trace={trace} progress={progress} verb="loaded" testId="first-load-result" />
        {canUseCard && !busy && (
          <Button variant="secondary" onClick={() => void onVisitEnd()}>
            {t("finish")}
          </Button>
        )}
      </section>
    );
  }

  return (
    <form action={formAction} noValidate className="space-y-5" aria-label={t("formLabel")}>
      <input
        type="hidden"
        name="card"
        value={JSON.stringify({
          platformType: reading.platformType,
          cardId: reading.cardId,
          cardAttributeData: reading.cardAttributeData,
          isCardLocked: reading.isCardLocked,
          surfaceNumberLast4: last4,
        })}
      />
      {carriedOver && <input type="hidden" name="reloadCaseId" value={carriedOver.caseId} />}
      {carriedOver && <FormMessage tone="good">{t("carriedOver")}</FormMessage>}

      <fieldset>
        <legend className="text-sm font-medium text-slate-700">{t("customerLegend")}</legend>
        <div className="mt-2 flex gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="customerMode" value="new" checked={mode === "new"} onChange={() => setMode("new")} /> {t("newCustomer")}
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="customerMode" value="existing" checked={mode === "existing"} onChange={() => setMode("existing")} />{" "}
            {t("existingCustomer")}
          </label>
        </div>
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          {mode === "existing" ? (
            <TextField
              label={t("customerNo")}
              name="customerNo"
              maxLength={FIRST_LOAD_LIMITS.customerNo}
              defaultValue={typed.customerNo ?? carriedOver?.customerNo ?? ""}
              placeholder="MET-00001"
              errors={fe.customerNo}
            />
          ) : (
            <>
              <TextField
                label={t("fullName")}
                name="fullName"
                autoComplete="off"
                maxLength={FIRST_LOAD_LIMITS.fullName}
                defaultValue={typed.fullName}
                errors={fe.fullName}
              />
              <TextField label={t("birthDate")} name="birthDate" type="date" min="1900-01-01" defaultValue={typed.birthDate} errors={fe.birthDate} />
              <TextField label={t("email")} name="email" type="email" maxLength={FIRST_LOAD_LIMITS.email} defaultValue={typed.email} errors={fe.email} />
              <TextField label={t("phone")} name="phone" maxLength={FIRST_LOAD_LIMITS.phone} defaultValue={typed.phone} errors={fe.phone} />
              <div className="sm:col-span-2">
                <TextField label={t("address")} name="address" maxLength={FIRST_LOAD_LIMITS.address} defaultValue={typed.address} errors={fe.address} />
              </div>
            </>
          )}
        </div>
      </fieldset>

      <fieldset aria-describedby="applicationAids-error">
        <legend className="text-sm font-medium text-slate-700">{t("applications")}</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {own.map((a) => {
            const already = reading.applications.includes(a.aid);
            return (
              <label
                key={a.aid}
                className={`flex items-start gap-2 rounded-lg border border-slate-200 px-3 py-2 text-sm has-[:checked]:border-slate-900 has-[:checked]:bg-slate-50 ${already ? "opacity-60" : "cursor-pointer"}`}
              >
                <input
                  type="checkbox"
                  name="applicationAids"
                  value={a.aid}
                  defaultChecked={state.values ? state.values.applicationAids.includes(a.aid) : preselected.has(a.aid)}
                  disabled={already}
                  className="mt-1"
                />
                <span>
                  <span className="block font-medium">{a.name}</span>
                  <span className="block font-mono text-xs text-slate-500" translate="no">
                    {a.aid}
                  </span>
                  <span className="block text-xs text-slate-500">
                    {already ? t("alreadyOnCard") : t("normalFee", { fee: fmt.money(a.fee!.normalFeeMinor, a.fee!.currency), kind: a.kind })}
                  </span>
                </span>
              </label>
            );
          })}
        </div>
        <FieldErrors id="applicationAids-error" errors={fe.applicationAids} />
      </fieldset>

      <fieldset>
        <legend className="text-sm font-medium text-slate-700">{t("examination", { version: policy.version })}</legend>
        <p className="mt-1 text-xs text-slate-500">
          {needsIncome
            ? t("policyInvestigation", {
                minIncome: fmt.money(policy.minAnnualIncomeMinor, policy.currency),
                percent: policy.limitPercentOfIncome,
                maxLimit: fmt.money(policy.maxLimitMinor, policy.currency),
              })
            : t("policyNoInvestigation")}
        </p>
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          <TextField
            label={t("declaredIncome")}
            name="declaredIncome"
            inputMode="numeric"
            defaultValue={typed.declaredIncome}
            errors={fe.declaredIncome}
            hint={needsIncome ? t("incomeRequired") : t("incomeForCredit")}
          />
          <TextField label={t("existingLimits")} name="existingLimits" inputMode="numeric" defaultValue={typed.existingLimits} errors={fe.existingLimits} />
        </div>
      </fieldset>

      {state.refusal && <RefusalNotice refusal={state.refusal} nameOf={nameOf} />}
      {state.message && <FormMessage tone="bad">{state.message}</FormMessage>}
      {fe.card && <FormMessage tone="bad">{fe.card[0]}</FormMessage>}
      <Button type="submit" disabled={pending || !canUseCard}>
        {pending ? t("examining") : t("submit")}
      </Button>
    </form>
  );
}
