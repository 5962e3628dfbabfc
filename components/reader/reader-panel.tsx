"use client";

import { useTranslations } from "next-intl";
import { useCallback, useEffect, useId, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { toHex } from "@/lib/core/bytes";
import { formatStatusWord } from "@/lib/core/card/status-words";
import {
  hasWebSerial,
  requestWebSerialReader,
  requestWebUsbReader,
  withTrace,
  type ApduTrace,
  type Reader,
  type TraceEntry,
  type TracingReader,
} from "@/lib/reader";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { thrownReaderErrorWords, traceEntryWords, type StatusWordT } from "@/lib/reader/status-word-words";
import { useApduTrace, useCardPresence, useStatusWordT } from "./use-reader";

export type PanelTransport = "simulator" | "webserial" | "webusb" | "presented";

export interface ReaderPanelProps {
  /** The APDU trace this desk shows; every transport records into it. */
  readonly trace: ApduTrace;
  /** The desk's simulator reader; the page inserts and removes cards in it. */
  readonly simulator?: Reader;
  /** Builds the Web Serial reader after the user picks a port (default: navigator.serial). */
  readonly requestSerialReader?: () => Promise<Reader>;
  /** Builds the WebUSB reader after the user picks a device (default: navigator.usb). */
  readonly requestUsbReader?: () => Promise<Reader>;
  /** The connected reader (wrapped in the trace), or null when disconnected. */
  readonly onReaderChange?: (reader: TracingReader | null) => void;
  readonly transports?: readonly PanelTransport[];
  readonly title?: ReactNode;
  /** Desk controls (e.g. insert a card image) shown under the status line. */
  readonly children?: ReactNode;
  /** Connect the first transport (the simulator) as soon as the panel appears: a desk's default reader. */
  readonly autoConnect?: boolean;
  /**
   * The presented-card reader while this desk holds a presented card: the panel shows it as the transport
   * in use (the desk sends its APDUs through it, traced into the same trace); the panel's own connection
   * comes back when it goes.
   */
  readonly presented?: Reader | null;
}

type Connection = { readonly status: "idle" } | { readonly status: "connecting" } | { readonly status: "connected"; readonly reader: TracingReader };

const subscribeNothing = () => () => undefined;

type Words = ReturnType<typeof useTranslations<"common.reader">>;

function describeError(error: unknown, t: Words, sw: StatusWordT): string {
  if (error instanceof DOMException && error.name === "NotFoundError") return t("noDevice");
  return thrownReaderErrorWords(sw, error);
}

/** Reader chooser, connection, card presence and the live APDU trace of one desk. */
export function ReaderPanel({
  trace,
  simulator,
  requestSerialReader = () => requestWebSerialReader(),
  requestUsbReader = () => requestWebUsbReader(),
  onReaderChange,
  transports = ["simulator", "webserial", "webusb"],
  title,
  children,
  autoConnect = false,
  presented = null,
}: ReaderPanelProps) {
  const t = useTranslations("common.reader");
  const swWords = useStatusWordT();
  const groupId = useId();
  const [chosenTransport, setTransport] = useState<PanelTransport>(transports[0] ?? "simulator");
  const transport: PanelTransport = presented ? "presented" : chosenTransport;
  const [connection, setConnection] = useState<Connection>({ status: "idle" });
  const [error, setError] = useState<string | null>(null);
  // navigator exists only in the browser: the server snapshot assumes support so hydration matches.
  const isSerialAvailable = useSyncExternalStore(subscribeNothing, hasWebSerial, () => true);
  const active = presented ?? (connection.status === "connected" ? connection.reader : null);
  const isPresent = useCardPresence(active);
  const entries = useApduTrace(trace);
  const activeRef = useRef<TracingReader | null>(null);
  const onReaderChangeRef = useRef(onReaderChange);

  useEffect(() => {
    onReaderChangeRef.current = onReaderChange;
  }, [onReaderChange]);

  useEffect(
    () => () => {
      void activeRef.current?.disconnect();
    },
    [],
  );

  const disconnect = useCallback(async () => {
    const reader = activeRef.current;
    activeRef.current = null;
    setConnection({ status: "idle" });
    onReaderChangeRef.current?.(null);
    if (reader) await reader.disconnect().catch(() => undefined);
  }, []);

  const connect = useCallback(async () => {
    setError(null);
    setConnection({ status: "connecting" });
    try {
      let reader: Reader;
      if (transport === "simulator") {
        if (!simulator) throw new Error(t("noSimulator"));
        reader = simulator;
      } else if (transport === "webserial") {
        reader = await requestSerialReader();
      } else {
        reader = await requestUsbReader();
      }
      await reader.connect();
      const traced = withTrace(reader, trace);
      activeRef.current = traced;
      setConnection({ status: "connected", reader: traced });
      onReaderChangeRef.current?.(traced);
    } catch (e) {
      setConnection({ status: "idle" });
      setError(describeError(e, t, swWords));
    }
  }, [transport, simulator, requestSerialReader, requestUsbReader, trace, t, swWords]);

  const autoConnected = useRef(false);
  useEffect(() => {
    if (!autoConnect || autoConnected.current || transport !== "simulator" || !simulator) return;
    autoConnected.current = true;
    void connect();
  }, [autoConnect, transport, simulator, connect]);

  const isBusy = connection.status === "connecting";
  const isConnected = presented !== null || connection.status === "connected";

  return (
    <Panel
      title={title ?? t("title")}
      actions={
        isConnected ? (
          <Button variant="secondary" onClick={() => void disconnect()}>
            {t("disconnect")}
          </Button>
        ) : (
          <Button onClick={() => void connect()} disabled={isBusy || (transport === "simulator" && !simulator)}>
            {isBusy ? t("connecting") : t("connect")}
          </Button>
        )
      }
    >
      <fieldset disabled={isConnected || isBusy} className="mb-4">
        <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{t("transport")}</legend>
        <div className="flex flex-wrap gap-3">
          {[...transports, ...(presented ? (["presented"] as const) : [])].map((kind) => {
            const id = `${groupId}-${kind}`;
            return (
              <label
                key={kind}
                htmlFor={id}
                className={`flex cursor-pointer items-start gap-2 rounded-lg border px-3 py-2 text-sm ${transport === kind ? "border-slate-900 bg-slate-50" : "border-slate-200"}`}
              >
                <input
                  id={id}
                  type="radio"
                  name={`${groupId}-transport`}
                  value={kind}
                  checked={transport === kind}
                  onChange={() => {
                    setTransport(kind);
                    setError(null);
                  }}
                  className="mt-1"
                />
                <span>
                  <span className="block font-medium text-slate-800">{t(`transports.${kind}.label`)}</span>
                  <span className="block text-xs text-slate-500">{t(`transports.${kind}.hint`)}</span>
                </span>
              </label>
            );
          })}
        </div>
      </fieldset>

      {transport === "webusb" && (
        <p className="mb-4 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">{t("webusbBlocked")}</p>
      )}
      {transport === "webserial" && !isSerialAvailable && (
        <p className="mb-4 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">{t("noWebSerial")}</p>
      )}

      <div className="mb-4 flex flex-wrap items-center gap-3 text-sm">
        <span className="text-slate-600">{t("reader")}</span>
        <Badge tone={isConnected ? "good" : "neutral"}>
          {isConnected ? t("connected", { transport: t(`transports.${transport}.label`) }) : t("notConnected")}
        </Badge>
        <span className="text-slate-600">{t("card")}</span>
        <span role="status" aria-live="polite" aria-atomic="true" data-testid="card-presence">
          <Badge tone={isPresent ? "good" : "warn"}>{isPresent ? t("cardPresent") : t("noCard")}</Badge>
        </span>
      </div>

      {error && (
        <p role="alert" className="mb-4 rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800 ring-1 ring-inset ring-rose-200">
          {error}
        </p>
      )}

      {children}

      <div className="mt-4 flex items-center justify-between">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("trace.title")}</h3>
        <Button variant="secondary" onClick={trace.clear} disabled={entries.length === 0}>
          {t("trace.clear")}
        </Button>
      </div>
      <ApduTraceTable entries={entries} />
    </Panel>
  );
}

/**
 * The APDU trace: a fixed-layout table that fits its panel at any width. Each command sits above its
 * response in one cell, hex wrapping anywhere, so nothing overflows; the status word, its meaning and
 * the duration take the rest of the row.
 */
function ApduTraceTable({ entries }: { entries: readonly TraceEntry[] }) {
  const t = useTranslations("common.reader.trace");
  const sw = useStatusWordT();
  const cell = "px-2 py-1.5 align-top";
  const th = "break-words px-2 py-2 text-left text-xs font-semibold uppercase text-slate-500";
  return (
    <div className="mt-2 max-h-[32rem] overflow-y-auto rounded-lg ring-1 ring-inset ring-slate-100" tabIndex={0} role="region" aria-label={t("title")}>
      <table className="w-full table-fixed divide-y divide-slate-200 text-sm" data-testid="apdu-trace">
        <caption className="sr-only">{t("caption")}</caption>
        <colgroup>
          <col className="w-1/2 sm:w-[58%]" />
          <col className="w-[3.5rem]" />
          <col />
        </colgroup>
        <thead className="sticky top-0 bg-white">
          <tr>
            <th scope="col" className={th}>
              {t("command")}
            </th>
            <th scope="col" className={th}>
              {t("sw")}
            </th>
            <th scope="col" className={th}>
              {t("meaning")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.length === 0 ? (
            <tr>
              <td colSpan={3} className="px-3 py-6 text-center text-slate-500">
                {t("empty")}
              </td>
            </tr>
          ) : (
            entries.map((entry) => {
              const data = entry.response ? toHex(entry.response.subarray(0, entry.response.length - 2)) : null;
              return (
                <tr key={entry.id} className={entry.error ? "bg-rose-50" : undefined}>
                  <td className={`${cell} break-all font-mono text-[11px] leading-snug`}>
                    <span className="block text-slate-900">
                      <span className="select-none text-slate-400" aria-hidden="true">
                        →{" "}
                      </span>
                      {toHex(entry.command)}
                    </span>
                    <span className="mt-0.5 block text-slate-600">
                      <span className="select-none text-slate-400" aria-hidden="true">
                        ←{" "}
                      </span>
                      {data || "—"}
                    </span>
                  </td>
                  <td className={`${cell} font-mono text-xs ${entry.sw === 0x9000 ? "text-emerald-700" : "text-rose-700"}`}>
                    {entry.sw === null ? "—" : formatStatusWord(entry.sw)}
                  </td>
                  <td className={`${cell} break-words text-xs text-slate-700`}>
                    {/* A status word or a reader's failure in the reader's language; the reader's own technical text beside it, as data. */}
                    <span>{traceEntryWords(sw, entry)}</span>
                    {entry.sw === null && entry.error && (
                      <code className="block break-all text-[10px] text-slate-500" title={t("detail")}>
                        {entry.error}
                      </code>
                    )}
                    <span className="block tabular-nums text-slate-400">{t("duration", { ms: entry.durationMs })}</span>
                  </td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}
