import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

/**
 * A process shaped like scripts/start.ts (an uncaught-exception handler that reports and stops, a line
 * logged every few milliseconds, a watch on the runner that started it) ends, and runs its stop, when its
 * runner is gone and nobody reads its output any more. Before ignoreClosedOutput, the same process spun on
 * EPIPE and never exited (a hung test here, stopped by the test timeout).
 */
const lifecycle = path.join(__dirname, "process-lifecycle.ts");
const harness = (runner: number, marker: string) => `
import { appendFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { ignoreClosedOutput, stopper, whenGone } from ${JSON.stringify(lifecycle)};
// The stop takes a moment, as stopping the embedded database does: a second call arrives while it runs.
const stop = stopper(async () => { appendFileSync(${JSON.stringify(marker)}, "stopped\\n"); await sleep(50); }, 30_000);
ignoreClosedOutput(() => void stop(1));
process.on("uncaughtException", (error) => { void stop(1); console.error("fatal: " + String(error)); });
// Two reasons to stop at once (the runner gone, then a failure while stopping): the second does nothing.
whenGone(${runner}, () => { void stop(0); console.log("the runner has ended: stopping"); void stop(1); });
setInterval(() => console.log("serving " + Date.now()), 5);
`;

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

describe("scripts/process-lifecycle.ts", () => {
  it("stops, once, when the runner is gone and the output pipe is closed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "recard-lifecycle-"));
    const marker = path.join(dir, "stopped");
    const runner = spawn("sleep", ["600"], { stdio: "ignore" });
    cleanup.push(() => {
      runner.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    });
    const server = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", harness(runner.pid!, marker)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanup.push(() => server.kill("SIGKILL"));
    const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
    // Once it is serving, the reader goes away (both pipes), then the runner.
    await new Promise<void>((resolve) => server.stdout.once("data", () => resolve()));
    server.stdout.destroy();
    server.stderr.destroy();
    runner.kill("SIGKILL");
    expect(await exited).toBe(0); // the first call's code: the second did not replace it
    expect(existsSync(marker)).toBe(true);
    expect(readFileSync(marker, "utf8")).toBe("stopped\n"); // the stop ran once
  });
});
