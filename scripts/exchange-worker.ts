/**
 * A stand-alone delivery worker for DATABASE_URL (the app runs one inside `next start` too). Used by
 * the crash tests, and by split deployments that want delivery apart from the web tier.
 * RECARD_TEST_CRASH_AFTER=n makes it die (SIGKILL) right after the receiver took its n-th message
 * and before the outbox row is marked delivered: the worst moment to crash.
 */
import { startExchangeQueue, stopExchangeQueue } from "../lib/server/exchange/queue";
import { wireParties } from "../lib/server/wiring";

wireParties();

const crashAfter = Number(process.env.RECARD_TEST_CRASH_AFTER ?? 0);
if (crashAfter > 0) {
  const { setAfterTransmitHook } = await import("../lib/server/exchange/delivery");
  let n = 0;
  setAfterTransmitHook(() => {
    n += 1;
    if (n >= crashAfter) process.kill(process.pid, "SIGKILL");
  });
}
await startExchangeQueue({
  expireInSeconds: Number(process.env.RECARD_EXPIRE_SECONDS ?? 60),
  pollingIntervalSeconds: Number(process.env.RECARD_POLL_SECONDS ?? 2),
  maintenanceIntervalSeconds: Number(process.env.RECARD_MAINTENANCE_SECONDS ?? 30),
});
const stop = async () => {
  await stopExchangeQueue();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
