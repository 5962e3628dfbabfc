import type { PresenceListener } from "./types";

/** Presence state with listeners; transports own one and call `set` on every change. */
export class PresenceState {
  #isPresent = false;
  readonly #listeners = new Set<PresenceListener>();

  get isPresent(): boolean {
    return this.#isPresent;
  }

  /** Notifies listeners only on a real change, so React re-renders once per insert/remove. */
  set(isPresent: boolean): void {
    if (isPresent === this.#isPresent) return;
    this.#isPresent = isPresent;
    for (const listener of [...this.#listeners]) listener(isPresent);
  }

  subscribe(listener: PresenceListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
