"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { retryMessageAction } from "@/app/_actions/messages";
import { StatusBadge } from "@/components/ui/badge";
import { Table, Td } from "@/components/ui/table";
import { messagesQuery } from "@/lib/queries/messages";
import type { CompanyMessages } from "@/lib/server/data/messages";

const TABS = ["received", "sent", "rejected"] as const;
type Tab = (typeof TABS)[number];

/** Sent and received messages with their delivery state, live. */
export function MessagesView({ initial, basePath }: { initial: CompanyMessages; basePath: string }) {
  const { data, isFetching, error } = useQuery(messagesQuery(initial));
  const [tab, setTab] = useState<Tab>(initial.received.length === 0 && initial.sent.length > 0 ? "sent" : "received");
  const m = data ?? initial;
  const counts = { received: m.received.length, sent: m.sent.length, rejected: m.rejected.length };
  const t = useTranslations("common.messages.view");
  const format = useFormatter();
  const when = (d: string) => format.dateTime(new Date(d), "dateTime");
  const retry = async (formData: FormData) => {
    await retryMessageAction(formData);
  };
  return (
    <div>
      <div className="mb-3 flex items-center justify-between">
        <div role="tablist" aria-label={t("tabsLabel")} className="flex gap-1">
          {TABS.map((name) => (
            <button
              key={name}
              role="tab"
              aria-selected={tab === name}
              onClick={() => setTab(name)}
              className={`rounded-md px-3 py-1.5 text-sm font-medium ${tab === name ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100"}`}
            >
              {t(`tabs.${name}`, { count: counts[name] })}
            </button>
          ))}
        </div>
        <span className="text-xs text-slate-500" aria-live="polite">
          {error ? t("couldNotRefresh") : isFetching ? t("refreshing") : t("live")}
        </span>
      </div>
      {tab === "received" && (
        <Table
          head={[t("col.received"), t("col.type"), t("col.messageId"), t("col.from"), t("col.pf"), t("col.via"), t("col.status"), t("col.result"), ""]}
          empty={t("emptyReceived")}
          caption={t("captionReceived")}
        >
          {m.received.map((r) => (
            <tr key={r.id}>
              <Td>{when(r.receivedAt)}</Td>
              <Td data>{r.type}</Td>
              <Td mono>
                <Link className="underline" href={`${basePath}?view=${r.messageId}`}>
                  {r.messageId}
                </Link>
              </Td>
              <Td>{r.counterparty}</Td>
              <Td>{r.platformType}</Td>
              <Td>{r.via}</Td>
              <Td>
                <StatusBadge status={r.status} />
              </Td>
              <Td className="max-w-sm truncate" data>
                {r.refusal ?? r.summary ?? "—"}
              </Td>
              <Td>
                <a className="text-xs underline" href={`/api/messages/${r.messageId}/file`} download>
                  {t("export")}
                </a>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      {tab === "sent" && (
        <Table
          head={[t("col.written"), t("col.type"), t("col.messageId"), t("col.to"), t("col.pf"), t("col.status"), t("col.tries"), t("col.answer"), ""]}
          empty={t("emptySent")}
          caption={t("captionSent")}
        >
          {m.sent.map((s) => (
            <tr key={s.id}>
              <Td>{when(s.createdAt)}</Td>
              <Td data>{s.type}</Td>
              <Td mono>
                <Link className="underline" href={`${basePath}?view=${s.messageId}`}>
                  {s.messageId}
                </Link>
              </Td>
              <Td>{s.counterparty}</Td>
              <Td>{s.platformType}</Td>
              <Td>
                <StatusBadge status={s.status} />
              </Td>
              <Td>{s.attempts}</Td>
              <Td className="max-w-sm truncate" data>
                {s.status === "delivered" ? s.receipt : (s.lastError ?? t("nextTry", { at: when(s.nextAttemptAt) }))}
              </Td>
              <Td>
                <span className="flex gap-2">
                  <a className="text-xs underline" href={`/api/messages/${s.messageId}/file`} download>
                    {t("export")}
                  </a>
                  {s.status === "dead" && (
                    <form action={retry}>
                      <input type="hidden" name="outboxId" value={s.id} />
                      <button className="text-xs underline">{t("sendAgain")}</button>
                    </form>
                  )}
                </span>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      {tab === "rejected" && (
        <Table
          head={[t("col.arrived"), t("col.via"), t("col.claimedSender"), t("col.claimedMessageId"), t("col.refusal"), t("col.reason")]}
          empty={t("emptyRefused")}
          caption={t("captionRefused")}
        >
          {m.rejected.map((r) => (
            <tr key={r.id}>
              <Td>{when(r.receivedAt)}</Td>
              <Td>{r.via}</Td>
              <Td>{r.claimedSender ?? "—"}</Td>
              <Td mono>{r.claimedMessageId ?? "—"}</Td>
              <Td mono>{r.code}</Td>
              <Td className="max-w-md whitespace-normal" data>
                {r.reason}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
