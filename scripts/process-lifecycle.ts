/**
 * How a long-running script (scripts/start.ts) ends: always, and once, even when nobody reads its output
 * any more.
 *
 * When the runner that piped a process's output has ended (Playwright killed, a log collector gone), every
 * write fails with EPIPE. Unhandled, each failure was an uncaught exception whose report failed the same
 * way: a server whose test runner was killed spun at half a core for an hour instead of stopping (found
 * on this machine, 2026-12-01). scripts/process-lifecycle.test.ts runs that case.
 */

/** Writes that fail because nobody reads (EPIPE) are dropped; any other output error calls `onOtherError`. */
export function ignoreClosedOutput(onOtherError: (error: Error) => void): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") onOtherError(error);
    });
  }
}

/**
 * Runs `stop` once, then exits with `code`: when `stop` has finished, failed (its error is reported), or
 * not finished after `deadlineMs`. Later calls do nothing. Returns the function to call.
 */
export function stopper(stop: () => Promise<void>, deadlineMs: number): (code: number) => Promise<void> {
  let stopping = false;
  return async (code) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(code), deadlineMs);
    try {
      await stop();
    } catch (error) {
      console.error(`[recard] stopping: ${String(error)}`);
    } finally {
      process.exit(code);
    }
  };
}

/**
 * Calls `onGone` once the process `pid` has ended, however it ended (checked every second; the timer
 * does not keep this process alive). Playwright starts its web server in a session of its own, where a
 * signal to the runner's process group never reaches it.
 */
export function whenGone(pid: number, onGone: () => void): void {
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") return;
      clearInterval(timer);
      onGone();
    }
  }, 1_000);
  timer.unref();
}
