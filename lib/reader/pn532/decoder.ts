import { PN532_FRAME, parseFrameAt, type Pn532Field, type Pn532Frame } from "./frame";

export type Pn532StreamEvent =
  | { readonly kind: "frame"; readonly frame: Pn532Frame }
  /** A start code was found but the frame after it is broken: the peer should answer with NACK. */
  | { readonly kind: "corrupt"; readonly field: Pn532Field; readonly detail: string };

/**
 * Streaming PN532 decoder for a serial line: chunks may split or merge frames, and bytes
 * between frames (preambles, postambles, the 55 55 wake-up, line noise) are skipped. The
 * events do not depend on how the stream was chunked.
 */
export class Pn532StreamDecoder {
  #buf = new Uint8Array(0);

  /** Appends a chunk and returns every event it completes. */
  push(chunk: Uint8Array): Pn532StreamEvent[] {
    const merged = new Uint8Array(this.#buf.length + chunk.length);
    merged.set(this.#buf, 0);
    merged.set(chunk, this.#buf.length);
    const events: Pn532StreamEvent[] = [];
    let pos = 0;
    for (;;) {
      const start = findStartCode(merged, pos);
      if (start < 0) {
        // Keep a trailing 00: it may be the first half of a start code split across chunks.
        pos = merged.length > 0 && merged[merged.length - 1] === PN532_FRAME.START_CODE_1 ? merged.length - 1 : merged.length;
        break;
      }
      const parsed = parseFrameAt(merged, start);
      if (parsed.status === "incomplete") {
        pos = start;
        break;
      }
      if (parsed.status === "corrupt") {
        events.push({ kind: "corrupt", field: parsed.field, detail: parsed.detail });
        // Resume right after the start code: a false start code in noise must not swallow the real frames behind it.
        pos = start + 2;
        continue;
      }
      events.push({ kind: "frame", frame: parsed.frame });
      pos = parsed.end;
    }
    this.#buf = merged.slice(pos);
    return events;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.#buf.length;
  }

  /** Drops any partial frame, e.g. after a timeout. */
  reset(): void {
    this.#buf = new Uint8Array(0);
  }
}

function findStartCode(buf: Uint8Array, from: number): number {
  for (let i = from; i + 1 < buf.length; i++) {
    if (buf[i] === PN532_FRAME.START_CODE_1 && buf[i + 1] === PN532_FRAME.START_CODE_2) return i;
  }
  return -1;
}
