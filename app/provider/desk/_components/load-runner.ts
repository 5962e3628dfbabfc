"use client";

import { fromBase64Url } from "@/lib/core/bytes";
import { formatMoney } from "@/lib/core/format";
import { checkApplicationWorks, loadWithGrant, updateIssuerKeys, type DeskLoadOutcome } from "@/lib/core/workflows/reload-desk";
import { reloadRefusal } from "@/lib/core/workflows/reload";
import type { LoadRecorded, GrantView } from "@/lib/server/data/provider/permissions";
import type { ApduTrace } from "@/lib/reader";
import { traced, type CardOp } from "./card-ops";

export type Transmit = (apdu: Uint8Array) => Promise<Uint8Array>;

/** Where one application's load stands at the desk. */
export type LoadProgress = {
  aid: string;
  name: string;
  status: "loading" | "loaded" | "refused";
  /** The server's record of it (load record, charge) or its refusal. */
  recorded: LoadRecorded | null;
  /** What the application answered when the desk checked it works. */
  works: string | null;
};

let opCounter = 0;
const nextId = () => `op-${++opCounter}`;

/**
 * Loads each grant on the card in turn (one trace), records what the card did through `record`,
 * then checks the application answers on the card. Stops nothing on a refusal: each application
 * stands alone, as each has its own permission.
 */
export async function runLoads(options: {
  grants: readonly GrantView[];
  transmit: Transmit;
  trace: ApduTrace;
  record: (grant: GrantView, outcome: DeskLoadOutcome) => Promise<LoadRecorded | { ok: false; message: string }>;
  stepOf: (grant: GrantView) => string;
  onOp: (op: CardOp) => void;
  onProgress: (progress: LoadProgress) => void;
}): Promise<LoadProgress[]> {
  const results: LoadProgress[] = [];
  for (const grant of options.grants) {
    const name = grant.applicationName;
    const opId = nextId();
    options.onProgress({ aid: grant.applicationAid, name, status: "loading", recorded: null, works: null });
    if (grant.issuerKeyUpdates.length > 0) {
      // The issuer signed this token with a key the card may not know yet: the card takes the issuer's signed key update first.
      const keyOpId = nextId();
      options.onOp({ id: keyOpId, step: options.stepOf(grant), label: "Update the card's issuer key", detail: "GET DATA E0, then PUT KEY with the issuer's signed key update: the card checks the issuer's signature itself.", outcome: "running", range: null });
      const { value: updated, range: keyRange } = await traced(options.trace, () => updateIssuerKeys(options.transmit, grant.issuerKeyUpdates));
      const hex = (v: number) => v.toString(16).toUpperCase();
      options.onOp({
        id: keyOpId,
        step: options.stepOf(grant),
        label: "Update the card's issuer key",
        detail:
          updated.status === "updated"
            ? updated.applied.length > 0
              ? `The card took issuer key version ${hex(updated.to)} (it held ${hex(updated.from)}).`
              : `The card already holds issuer key version ${hex(updated.to)}.`
            : `The card refused: ${updated.step} answered ${updated.statusWord.toString(16).toUpperCase().padStart(4, "0")} (${updated.meaning}).`,
        outcome: updated.status === "updated" ? "ok" : "refused",
        range: keyRange,
      });
      if (updated.status === "failed") {
        const answer = await options.record(grant, updated);
        const recorded: LoadRecorded =
          "message" in answer && !answer.ok ? { ok: false, error: { ...reloadRefusal("not-recorded", "load", { failure: answer.message }, grant.applicationAid), loadRecordId: null } } : (answer as LoadRecorded);
        const progress: LoadProgress = { aid: grant.applicationAid, name, status: "refused", recorded, works: null };
        options.onProgress(progress);
        results.push(progress);
        continue;
      }
    }
    options.onOp({ id: opId, step: options.stepOf(grant), label: `Load ${name}`, detail: `INSTALL [for load], LOAD, INSTALL [for install] with permission ${grant.messageId}: the card checks the issuer's token itself.`, outcome: "running", range: null });
    const { value: outcome, range } = await traced(options.trace, () => loadWithGrant(options.transmit, { ...grant, loadFile: grant.loadFile }));
    const cardSays =
      outcome.status === "loaded"
        ? `The card accepted the load and signed a receipt (${fromBase64Url(outcome.receipt).length} bytes).`
        : `The card refused: ${outcome.step} answered ${outcome.statusWord.toString(16).toUpperCase().padStart(4, "0")} (${outcome.meaning}).`;
    options.onOp({ id: opId, step: options.stepOf(grant), label: `Load ${name}`, detail: cardSays, outcome: outcome.status === "loaded" ? "ok" : "refused", range });
    const answer = await options.record(grant, outcome);
    const recorded: LoadRecorded =
      "message" in answer && !answer.ok ? { ok: false, error: { ...reloadRefusal("not-recorded", "load", { failure: answer.message }, grant.applicationAid), loadRecordId: null } } : (answer as LoadRecorded);
    let works: string | null = null;
    if (recorded.ok) {
      const checkId = nextId();
      const { value: check, range: checkRange } = await traced(options.trace, () => checkApplicationWorks(options.transmit, grant.applicationAid, grant.loadFile.kind, formatMoney));
      works = check.ok ? check.value.reading : null;
      options.onOp({
        id: checkId,
        step: "check",
        label: `${name} works on the card`,
        detail: check.ok ? `SELECT and READ: ${name} answers, ${check.value.reading}.` : `${name} did not answer: ${check.error.meaning}.`,
        outcome: check.ok ? "ok" : "refused",
        range: checkRange,
      });
    }
    const progress: LoadProgress = { aid: grant.applicationAid, name, status: recorded.ok ? "loaded" : "refused", recorded, works };
    options.onProgress(progress);
    results.push(progress);
  }
  return results;
}
