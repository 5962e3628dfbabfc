"use client";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useFormatter, useTranslations } from "next-intl";
import { retryMessageAction } from "@/app/_actions/messages";
import { ListFooter } from "@/components/table/list-footer";
import { sortHeader } from "@/components/table/sort-header";
import { StatusBadge } from "@/components/ui/badge";
import { Table, Td } from "@/components/ui/table";
import { encodeCursor, listHref, type SortState } from "@/lib/core/table/list-query";
import { messagesQuery } from "@/lib/queries/messages";
import type { CompanyMessages, RefusedPair } from "@/lib/server/data/messages";
import { MESSAGE_KINDS as TABS, type MessageSortKey } from "@/lib/validation/message-lists";
import { OutcomeText, useExchangeWords } from "./outcome-text";

/**
 * Sent and received messages with their delivery state, live: the page of the URL (one kind a tab,
 * `links` and the cursor `after`), refreshed in place; sort links, pages and the CSV as the other lists.
 */
export function MessagesView({
  initial,
  basePath,
  links,
  after,
  sort,
}: {
  initial: CompanyMessages;
  basePath: string;
  links: Record<string, string | undefined>;
  after: string | undefined;
  sort: SortState<MessageSortKey>;
}) {
  const here = listHref(links, { after });
  const { data, isFetching, error } = useQuery(messagesQuery(here, initial));
  const tab = initial.kind;
  const m = data ?? initial;
  const t = useTranslations("common.messages.view");
  const sw = useTranslations("common.table.sort");
  const words = { ascending: sw("ascending"), descending: sw("descending"), sortBy: sw("sortBy") };
  const bySort = (s: SortState<MessageSortKey>) => listHref(links, { sort: s.key, dir: s.dir });
  const sorted = (label: string, key: MessageSortKey) => sortHeader(label, key, sort, bySort, words);
  const viewHref = (messageId: string) => listHref(links, { after, view: messageId });
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
            <Link
              key={name}
              role="tab"
              aria-selected={tab === name}
              href={listHref({}, { kind: name === "received" ? undefined : name }, basePath)}
              prefetch={false}
              className={`rounded-md px-3 py-1.5 text-sm font-medium ${tab === name ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100"}`}
            >
              {t(`tabs.${name}`, { count: m.counts[name].count, estimate: m.counts[name].isEstimate ? "yes" : "no" })}
            </Link>
          ))}
        </div>
        <span className="text-xs text-slate-500" aria-live="polite">
          {error ? t("couldNotRefresh") : isFetching ? t("refreshing") : t("live")}
        </span>
      </div>
      {tab === "received" && (
        <Table
          head={[
            sorted(t("col.received"), "at"),
            t("col.type"),
            sorted(t("col.messageId"), "messageId"),
            t("col.from"),
            t("col.pf"),
            t("col.via"),
            t("col.status"),
            t("col.result"),
            "",
          ]}
          empty={t("emptyReceived")}
          caption={t("captionReceived")}
        >
          {m.received.map((r) => (
            <tr key={r.id}>
              <Td>{when(r.receivedAt)}</Td>
              <Td data>{r.type}</Td>
              <Td mono>
                <Link className="underline" href={viewHref(r.messageId)}>
                  {r.messageId}
                </Link>
              </Td>
              <Td>{r.counterparty}</Td>
              <Td>{r.platformType}</Td>
              <Td>{r.via}</Td>
              <Td>
                <StatusBadge status={r.status} />
              </Td>
              <Td className="max-w-sm truncate">{r.result ? <OutcomeText kind="result" shown={r.result} /> : "—"}</Td>
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
          head={[
            sorted(t("col.written"), "at"),
            t("col.type"),
            sorted(t("col.messageId"), "messageId"),
            t("col.to"),
            t("col.pf"),
            t("col.status"),
            t("col.tries"),
            t("col.answer"),
            "",
          ]}
          empty={t("emptySent")}
          caption={t("captionSent")}
        >
          {m.sent.map((s) => (
            <tr key={s.id}>
              <Td>{when(s.createdAt)}</Td>
              <Td data>{s.type}</Td>
              <Td mono>
                <Link className="underline" href={viewHref(s.messageId)}>
                  {s.messageId}
                </Link>
              </Td>
              <Td>{s.counterparty}</Td>
              <Td>{s.platformType}</Td>
              <Td>
                <StatusBadge status={s.status} />
              </Td>
              <Td>{s.attempts}</Td>
              <Td className="max-w-sm truncate">
                {s.status === "delivered" ? (
                  s.receipt ? (
                    <>
                      <OutcomeText kind="receipt" shown={s.receipt} />
                      {s.refusedPairs.length > 0 && <RefusedPairs pairs={s.refusedPairs} />}
                    </>
                  ) : (
                    "—"
                  )
                ) : s.lastError ? (
                  <OutcomeText kind="error" shown={s.lastError} />
                ) : (
                  t("nextTry", { at: when(s.nextAttemptAt) })
                )}
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
          head={[sorted(t("col.arrived"), "at"), t("col.via"), t("col.claimedSender"), t("col.claimedMessageId"), t("col.refusal"), t("col.reason")]}
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
              <Td className="max-w-md whitespace-normal">
                <OutcomeText kind="result" shown={r.refusal} />
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <ListFooter
        firstHref={after ? listHref(links, {}) : null}
        nextHref={m.next ? listHref(links, { after: encodeCursor([m.next.value, m.next.id]) }) : null}
        csvHref={listHref(links, {}, `${basePath}/export`)}
      />
    </div>
  );
}

/**
 * The pairs of a batched reissuance notification that the receiver refused, each with its card ids (read from
 * the message as sent: the receipt names a pair by its place) and the reason, so that the issuer can act on it.
 */
function RefusedPairs({ pairs }: { pairs: readonly RefusedPair[] }) {
  const t = useTranslations("common.messages.view");
  const words = useExchangeWords();
  return (
    <details className="mt-1 whitespace-normal text-xs" data-testid="refused-pairs">
      <summary className="cursor-pointer text-red-800">{t("refusedPairs", { count: pairs.length })}</summary>
      <ul className="mt-1 space-y-0.5">
        {pairs.map((p) => (
          <li key={p.pair} data-pair={p.pair}>
            {t("refusedPair", { pair: p.pair, oldCardId: p.oldCardId, reissuedCardId: p.reissuedCardId, reason: words.t(`batchPairRefusals.${p.code}`) })}
          </li>
        ))}
      </ul>
    </details>
  );
}
