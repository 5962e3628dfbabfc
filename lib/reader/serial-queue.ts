/**
 * Runs async jobs one at a time in submission order: a reader has one wire, and presence
 * polling must never interleave its frames with an APDU exchange.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(job, job);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
