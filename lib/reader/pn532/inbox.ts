import type { Pn532StreamEvent } from "./decoder";

/** Decoded events waiting for the exchange in progress; `next` resolves null on timeout. */
export class EventInbox {
  #events: Pn532StreamEvent[] = [];
  #waiter: ((event: Pn532StreamEvent | null) => void) | null = null;
  #closedReason: Error | null = null;

  push(event: Pn532StreamEvent): void {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = null;
      waiter(event);
    } else {
      this.#events.push(event);
    }
  }

  next(timeoutMs: number): Promise<Pn532StreamEvent | null> {
    if (this.#closedReason) return Promise.reject(this.#closedReason);
    const queued = this.#events.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = null;
        resolve(null);
      }, timeoutMs);
      this.#waiter = (event) => {
        clearTimeout(timer);
        if (event === null && this.#closedReason) reject(this.#closedReason);
        else resolve(event);
      };
    });
  }

  /** Drops events left over from an earlier, abandoned exchange. */
  clear(): void {
    this.#events = [];
  }

  /** Fails the current and every later `next` (the line is gone). */
  close(reason: Error): void {
    this.#closedReason = reason;
    const waiter = this.#waiter;
    this.#waiter = null;
    if (waiter) waiter(null);
  }

  reopen(): void {
    this.#closedReason = null;
    this.#events = [];
  }
}
