import { fromHex, toHex } from "../core/bytes";

/**
 * The browser's half of a card conversation whose host side runs on a server (lib/server/card-relay.ts,
 * docs/card.md "Host scripts through a desk"): start it, then carry each command to the card in the
 * reader and post every answer so far, until the server answers a result or a refusal. The browser holds
 * the sealed ticket and APDUs only: no key, no session key.
 */

/** How a relayed conversation ended. `sw` is the card's status word when the card refused. */
export type HostRelayOutcome<T> = { ok: true; result: T; commands: number } | { ok: false; code: string; message: string; sw: string | null; commands: number };

type StepBody<T> = { kind: "command"; apdu: string } | { kind: "done"; result: T };
type Answer<T> = { ticket?: string; step?: StepBody<T>; error?: string; message?: string; sw?: string | null };

/** Most commands a conversation may carry before the browser gives up (the server's own limit is 64 answers). */
const MAX_COMMANDS = 64;

/**
 * Runs one conversation: `start` is the body of the first request (e.g. `{start: {purpose, messageId}}`),
 * `transmit` reaches the card (a traced reader, so every APDU shows in the trace), `onCommand` reports
 * progress (the number of commands the card has answered).
 */
export async function relayHostConversation<T>(options: {
  url: string;
  start: unknown;
  transmit: (apdu: Uint8Array) => Promise<Uint8Array>;
  onCommand?: (answered: number) => void;
  fetcher?: typeof fetch;
}): Promise<HostRelayOutcome<T>> {
  const fetcher = options.fetcher ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const post = async (body: unknown): Promise<{ status: number; answer: Answer<T> | null }> => {
    try {
      const res = await fetcher(options.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, answer: (await res.json().catch(() => null)) as Answer<T> | null };
    } catch (error) {
      return { status: 0, answer: { error: "network", message: error instanceof Error ? error.message : String(error) } };
    }
  };
  const refused = (status: number, answer: Answer<T> | null, commands: number): HostRelayOutcome<T> => ({
    ok: false,
    code: answer?.error ?? `http-${status}`,
    message: answer?.message ?? `The server answered HTTP ${status}.`,
    sw: answer?.sw ?? null,
    commands,
  });

  const first = await post(options.start);
  if (first.status !== 200 || !first.answer?.ticket || !first.answer.step) return refused(first.status, first.answer, 0);
  const ticket = first.answer.ticket;
  let step: StepBody<T> = first.answer.step;
  const responses: string[] = [];
  while (step.kind === "command") {
    if (responses.length >= MAX_COMMANDS)
      return { ok: false, code: "too-long", message: "The conversation sent more commands than any script needs.", sw: null, commands: responses.length };
    let answer: Uint8Array;
    try {
      answer = await options.transmit(fromHex(step.apdu));
    } catch (error) {
      return { ok: false, code: "reader", message: error instanceof Error ? error.message : String(error), sw: null, commands: responses.length };
    }
    responses.push(toHex(answer));
    options.onCommand?.(responses.length);
    const next = await post({ ticket, responses });
    if (next.status !== 200 || !next.answer?.step) return refused(next.status, next.answer, responses.length);
    step = next.answer.step;
  }
  return { ok: true, result: step.result, commands: responses.length };
}
