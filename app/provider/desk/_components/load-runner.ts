"use client";

import { fromBase64Url } from "@/lib/core/bytes";
import { formatStatusWord } from "@/lib/core/card/status-words";
import {
  appletReadingOf,
  checkApplicationWorks,
  loadWithGrant,
  updateIssuerKeys,
  type AppletReading,
  type DeskLoadOutcome,
} from "@/lib/core/workflows/reload-desk";
import { reloadRefusal } from "@/lib/core/workflows/reload";
import type { LoadRecorded, GrantView } from "@/lib/server/data/provider/permissions";
import { relayHostConversation, type ApduTrace } from "@/lib/reader";
import type { ApplicationKeysResult } from "@/lib/server/data/provider/application-keys";
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
  /** Its own keys (its security domain), given by our server right after the install; null before. */
  keys: ApplicationKeysOutcome | null;
};

/** How giving an application its own keys (or rotating them) ended, as the desk shows it. */
export type ApplicationKeysOutcome = { ok: true; keyVersion: number } | { ok: false; message: string; sw: string | null };

/** Where the desk relays the provider's server's conversations with an application's security domain. */
export const APPLICATION_KEYS_URL = "/api/provider/desk/application-keys";

const kvn = (v: number) => v.toString(16).toUpperCase().padStart(2, "0");

/**
 * Runs one application-keys conversation (docs/provider.md "Application keys"): our server drives it, the
 * desk carries APDUs between the route and the card and holds no key. Reports it as one card operation.
 */
/** `useTranslations("provider.runner")`: the card operations' labels and details. */
export type RunnerWords = (key: string, values?: Record<string, string | number>) => string;

export async function runApplicationKeys(options: {
  t: RunnerWords;
  purpose: "establish" | "rotate";
  messageId: string;
  name: string;
  transmit: Transmit;
  trace: ApduTrace;
  step: string;
  onOp: (op: CardOp) => void;
}): Promise<ApplicationKeysOutcome> {
  const id = nextId();
  const { t } = options;
  const label = t(`keys.${options.purpose}.label`, { name: options.name });
  const detail = t(`keys.${options.purpose}.detail`);
  options.onOp({ id, step: options.step, label, detail, outcome: "running", range: null });
  const { value: relayed, range } = await traced(options.trace, () =>
    relayHostConversation<ApplicationKeysResult>({
      url: APPLICATION_KEYS_URL,
      start: { start: { purpose: options.purpose, messageId: options.messageId } },
      transmit: options.transmit,
    }),
  );
  let outcome: ApplicationKeysOutcome;
  if (!relayed.ok) outcome = { ok: false, message: relayed.message, sw: relayed.sw };
  else if (relayed.result.purpose === "establish") outcome = { ok: true, keyVersion: relayed.result.keyVersion };
  else if (relayed.result.purpose === "rotate") outcome = { ok: true, keyVersion: relayed.result.to };
  else outcome = { ok: false, message: t("keys.otherConversation"), sw: null };
  options.onOp({
    id,
    step: options.step,
    label,
    detail: outcome.ok
      ? t(`keys.${options.purpose}.done`, { name: options.name, version: kvn(outcome.keyVersion) })
      : t("keys.notDone", { reason: outcome.message }),
    outcome: outcome.ok ? "ok" : "refused",
    range,
  });
  return outcome;
}

/**
 * Platform 200: the card answers an application only inside a secure channel (docs/card.md "Private reads"),
 * so the check that a load works is our server reading it in the application's own channel (purpose
 * "verify"); the desk relays APDUs and learns only the reading the server answers.
 */
async function verifyInOwnChannel(transmit: Transmit, messageId: string): Promise<{ ok: true; reading: AppletReading } | { ok: false; message: string }> {
  const relayed = await relayHostConversation<ApplicationKeysResult>({
    url: APPLICATION_KEYS_URL,
    start: { start: { purpose: "verify", messageId } },
    transmit,
  });
  if (!relayed.ok) return { ok: false, message: relayed.message };
  if (relayed.result.purpose !== "verify") return { ok: false, message: "The server answered another conversation." };
  return { ok: true, reading: appletReadingOf(relayed.result) };
}

let opCounter = 0;
const nextId = () => `op-${++opCounter}`;

/**
 * Loads each grant on the card in turn (one trace), records what the card did through `record`,
 * then checks the application answers on the card. Stops nothing on a refusal: each application
 * stands alone, as each has its own permission.
 */
export async function runLoads(options: {
  t: RunnerWords;
  /** What an application read on the card, in the reader's words ("balance ¥0"). */
  describeReading: (reading: AppletReading) => string;
  /** A status word's meaning in the reader's language (the card's refusals: "the card refused: …"). */
  statusWord: (sw: number) => string;
  grants: readonly GrantView[];
  transmit: Transmit;
  trace: ApduTrace;
  record: (grant: GrantView, outcome: DeskLoadOutcome) => Promise<LoadRecorded | { ok: false; message: string }>;
  stepOf: (grant: GrantView) => string;
  onOp: (op: CardOp) => void;
  onProgress: (progress: LoadProgress) => void;
  /** Platform 200: check the loads through our server's channel with each application (private reads). */
  privateReads?: boolean;
}): Promise<LoadProgress[]> {
  const { t } = options;
  const results: LoadProgress[] = [];
  for (const grant of options.grants) {
    const name = grant.applicationName;
    const opId = nextId();
    options.onProgress({ aid: grant.applicationAid, name, status: "loading", recorded: null, works: null, keys: null });
    if (grant.issuerKeyUpdates.length > 0) {
      // The issuer signed this token with a key the card may not know yet: the card takes the issuer's signed key update first.
      const keyOpId = nextId();
      options.onOp({
        id: keyOpId,
        step: options.stepOf(grant),
        label: t("issuerKey.label"),
        detail: t("issuerKey.detail"),
        outcome: "running",
        range: null,
      });
      const { value: updated, range: keyRange } = await traced(options.trace, () => updateIssuerKeys(options.transmit, grant.issuerKeyUpdates));
      const hex = (v: number) => v.toString(16).toUpperCase();
      options.onOp({
        id: keyOpId,
        step: options.stepOf(grant),
        label: t("issuerKey.label"),
        detail:
          updated.status === "updated"
            ? t("issuerKey.took", { to: hex(updated.to), from: hex(updated.from) })
            : updated.status === "current"
              ? t("issuerKey.holds")
              : t("cardRefused", {
                  step: updated.step,
                  sw: updated.statusWord.toString(16).toUpperCase().padStart(4, "0"),
                  meaning: options.statusWord(updated.statusWord),
                }),
        outcome: updated.status === "failed" ? "refused" : "ok",
        range: keyRange,
      });
      if (updated.status === "failed") {
        const answer = await options.record(grant, updated);
        const recorded: LoadRecorded =
          "message" in answer && !answer.ok
            ? { ok: false, error: { ...reloadRefusal("not-recorded", "load", { failure: answer.message }, grant.applicationAid), loadRecordId: null } }
            : (answer as LoadRecorded);
        const progress: LoadProgress = { aid: grant.applicationAid, name, status: "refused", recorded, works: null, keys: null };
        options.onProgress(progress);
        results.push(progress);
        continue;
      }
    }
    options.onOp({
      id: opId,
      step: options.stepOf(grant),
      label: t("load.label", { name }),
      detail: t("load.detail", { messageId: grant.messageId }),
      outcome: "running",
      range: null,
    });
    const { value: outcome, range } = await traced(options.trace, () => loadWithGrant(options.transmit, { ...grant, loadFile: grant.loadFile }));
    const cardSays =
      outcome.status === "loaded"
        ? t("load.accepted", { bytes: fromBase64Url(outcome.receipt).length })
        : t("cardRefused", {
            step: outcome.step,
            sw: outcome.statusWord.toString(16).toUpperCase().padStart(4, "0"),
            meaning: options.statusWord(outcome.statusWord),
          });
    options.onOp({
      id: opId,
      step: options.stepOf(grant),
      label: t("load.label", { name }),
      detail: cardSays,
      outcome: outcome.status === "loaded" ? "ok" : "refused",
      range,
    });
    const answer = await options.record(grant, outcome);
    const recorded: LoadRecorded =
      "message" in answer && !answer.ok
        ? { ok: false, error: { ...reloadRefusal("not-recorded", "load", { failure: answer.message }, grant.applicationAid), loadRecordId: null } }
        : (answer as LoadRecorded);
    let works: string | null = null;
    let keys: ApplicationKeysOutcome | null = null;
    if (recorded.ok) {
      // In the same card session as INSTALL (the card allows it only then): the application's own keys.
      keys = await runApplicationKeys({
        t,
        purpose: "establish",
        messageId: grant.messageId,
        name,
        transmit: options.transmit,
        trace: options.trace,
        step: t("stepKeys"),
        onOp: options.onOp,
      });
      const checkId = nextId();
      if (options.privateReads) {
        const { value: check, range: checkRange } = await traced(options.trace, () => verifyInOwnChannel(options.transmit, grant.messageId));
        works = check.ok ? options.describeReading(check.reading) : null;
        options.onOp({
          id: checkId,
          step: t("stepCheck"),
          label: t("check.label", { name }),
          detail: check.ok
            ? t("check.works", { name, reading: options.describeReading(check.reading) })
            : t("check.noAnswer", { name, meaning: check.message }),
          outcome: check.ok ? "ok" : "refused",
          range: checkRange,
        });
      } else {
        const { value: check, range: checkRange } = await traced(options.trace, () =>
          checkApplicationWorks(options.transmit, grant.applicationAid, grant.loadFile.kind, options.describeReading),
        );
        works = check.ok ? check.value.reading : null;
        options.onOp({
          id: checkId,
          step: t("stepCheck"),
          label: t("check.label", { name }),
          detail: check.ok
            ? t("check.works", { name, reading: check.value.reading })
            : t("check.noAnswer", {
                name,
                // The card's answer in the reader's language; a malformed answer keeps the terminal's words.
                meaning: check.error.sw !== null ? `${formatStatusWord(check.error.sw)}: ${options.statusWord(check.error.sw)}` : check.error.meaning,
              }),
          outcome: check.ok ? "ok" : "refused",
          range: checkRange,
        });
      }
    }
    const progress: LoadProgress = { aid: grant.applicationAid, name, status: recorded.ok ? "loaded" : "refused", recorded, works, keys };
    options.onProgress(progress);
    results.push(progress);
  }
  return results;
}
