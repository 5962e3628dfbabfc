"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { retryMessageAction } from "@/app/_actions/messages";
import { StatusBadge } from "@/components/ui/badge";
import { Table, Td } from "@/components/ui/table";
import { formatInstant } from "@/lib/core/format";
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
  return (
    <div>
      <div className="mb-3 flex items-center justify-between">
        <div role="tablist" aria-label="Messages" className="flex gap-1">
          {TABS.map((t) => (
            <button
              key={t}
              role="tab"
              aria-selected={tab === t}
              onClick={() => setTab(t)}
              className={`rounded-md px-3 py-1.5 text-sm font-medium ${tab === t ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100"}`}
            >
              {t === "rejected" ? "Refused on arrival" : t[0]!.toUpperCase() + t.slice(1)} ({counts[t]})
            </button>
          ))}
        </div>
        <span className="text-xs text-slate-500" aria-live="polite">
          {error ? "Could not refresh" : isFetching ? "Refreshing…" : "Live"}
        </span>
      </div>
      {tab === "received" && (
        <Table
          head={["Received", "Type", "Message id", "From", "PF", "Via", "Status", "Result", ""]}
          empty="No message received yet."
          caption="Received messages"
        >
          {m.received.map((r) => (
            <tr key={r.id}>
              <Td>{formatInstant(r.receivedAt)}</Td>
              <Td>{r.type}</Td>
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
              <Td className="max-w-sm truncate">{r.refusal ?? r.summary ?? "—"}</Td>
              <Td>
                <a className="text-xs underline" href={`/api/messages/${r.messageId}/file`} download>
                  Export
                </a>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      {tab === "sent" && (
        <Table
          head={["Written", "Type", "Message id", "To", "PF", "Status", "Tries", "Answer / error", ""]}
          empty="No message sent yet."
          caption="Sent messages"
        >
          {m.sent.map((s) => (
            <tr key={s.id}>
              <Td>{formatInstant(s.createdAt)}</Td>
              <Td>{s.type}</Td>
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
              <Td className="max-w-sm truncate">{s.status === "delivered" ? s.receipt : (s.lastError ?? `next try ${formatInstant(s.nextAttemptAt)}`)}</Td>
              <Td>
                <span className="flex gap-2">
                  <a className="text-xs underline" href={`/api/messages/${s.messageId}/file`} download>
                    Export
                  </a>
                  {s.status === "dead" && (
                    <form action={retryMessageAction}>
                      <input type="hidden" name="outboxId" value={s.id} />
                      <button className="text-xs underline">Send again</button>
                    </form>
                  )}
                </span>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      {tab === "rejected" && (
        <Table head={["Arrived", "Via", "Claimed sender", "Claimed message id", "Refusal", "Reason"]} empty="Nothing was refused." caption="Refused messages">
          {m.rejected.map((r) => (
            <tr key={r.id}>
              <Td>{formatInstant(r.receivedAt)}</Td>
              <Td>{r.via}</Td>
              <Td>{r.claimedSender ?? "—"}</Td>
              <Td mono>{r.claimedMessageId ?? "—"}</Td>
              <Td>{r.code}</Td>
              <Td className="max-w-md whitespace-normal">{r.reason}</Td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
