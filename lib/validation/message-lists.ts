import { MESSAGE_ID_PATTERN } from "@/lib/core/message-id";
import { decodeKeysetCursor, parseSort, sortLinkParams, type SortState } from "@/lib/core/table/list-query";

/**
 * The URL of a company's messages page (issuer or provider) and of its CSV export: which kind of
 * message (received, sent, refused on arrival), the sort among the index-backed keys of that kind, and
 * the keyset cursor, checked against the sort key's shape (a cursor that does not fit is ignored: the
 * first page).
 */

type Params = Record<string, string | string[] | undefined>;

export const MESSAGE_KINDS = ["received", "sent", "rejected"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * `at`: when it was received (received, refused) or written (sent); `messageId`: by message id. Each has
 * its index `(owner_company_id, <column>, id)`; a refused message's claimed id is not one (it may be absent).
 */
export const MESSAGE_SORT_KEYS = { received: ["at", "messageId"], sent: ["at", "messageId"], rejected: ["at"] } as const satisfies Record<
  MessageKind,
  readonly string[]
>;
export type MessageSortKey = "at" | "messageId";
export const MESSAGE_DEFAULT_SORT: SortState<MessageSortKey> = { key: "at", dir: "desc" };

export type MessageListParams = {
  kind: MessageKind;
  sort: SortState<MessageSortKey>;
  after: { value: string; id: string } | null;
  /** The list's own parameters as they appear in links (no cursor). */
  links: Record<string, string | undefined>;
};

const CURSOR_VALUE: Record<MessageSortKey, RegExp> = { at: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, messageId: MESSAGE_ID_PATTERN };

export function parseMessageListParams(params: Params): MessageListParams {
  const asked = Array.isArray(params.kind) ? params.kind[0] : params.kind;
  const kind = MESSAGE_KINDS.find((k) => k === asked) ?? "received";
  const sort = parseSort<MessageSortKey>(params, MESSAGE_SORT_KEYS[kind], MESSAGE_DEFAULT_SORT);
  return {
    kind,
    sort,
    after: decodeKeysetCursor(params.after, CURSOR_VALUE[sort.key]),
    links: { kind: kind === "received" ? undefined : kind, ...sortLinkParams(sort, MESSAGE_DEFAULT_SORT) },
  };
}
