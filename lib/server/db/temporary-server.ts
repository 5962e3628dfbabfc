import "server-only";
import { spawn } from "node:child_process";
import type { Writable } from "node:stream";

// Waits for its standard input to close, then stops the server on $1 (immediate shutdown, waiting at most
// 10 s for it to end) if one runs, and removes $2. Only a process whose command line names the cluster is
// signalled (a pid file left by a killed server may name a pid since reused).
const WATCH = `cat >/dev/null
pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null)
if [ -n "$pid" ] && tr '\\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1" && kill -QUIT "$pid" 2>/dev/null; then
  i=0
  while [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
fi
rm -rf "$2"`;

/**
 * Watches over a throwaway PostgreSQL server (its cluster `clusterDir` inside the temporary `folder`)
 * for as long as this process lives, so the server and the folder go however the process ends: a failed
 * start, an uncaught error, a signal, kill -9. A small shell in a session of its own (a signal to this
 * process's group, as npm test stops a lane, does not reach it) reads a pipe from this process until it
 * closes, which happens when the process ends or calls the returned `release`; it then stops the server
 * if one still runs and removes the folder. Call `release` once stop() has done that itself: the watch ends
 * at once, finding nothing to do.
 */
export function watchTemporaryServer(folder: string, clusterDir: string): () => void {
  const watcher = spawn("sh", ["-c", WATCH, "recard-temporary-server-watch", clusterDir, folder], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  watcher.on("error", () => {}); // no shell: the folder is left as before, which is no reason to fail
  const pipe = watcher.stdin as Writable & { unref?: () => void };
  pipe.on("error", () => {});
  // Neither the watcher nor its pipe keeps this process alive.
  watcher.unref();
  pipe.unref?.();
  return () => {
    pipe.end();
  };
}
