import "server-only";
import PgBoss from "pg-boss";
import { env } from "../env";
import { processRenewalBatch, runningRenewalRunIds } from "../data/issuer/renewal";
import { dueNoticeIds, sendNotice } from "../notices/notices";
import { deliverOne, dueOutboxIds } from "./delivery";

/**
 * The durable side of delivery, on pg-boss (runs on the embedded PostgreSQL and any other). One job per
 * outbox message, in a "stately" queue keyed by the outbox id, so a message has at most one job
 * waiting and one running; failed attempts are retried with exponential backoff by pg-boss; a job
 * whose worker died expires and runs again. A sweep every minute (and at start) queues any pending
 * message that has no job, e.g. when the process stopped between commit and enqueue.
 */
export const DELIVER_QUEUE = "exchange-deliver";
export const SWEEP_QUEUE = "exchange-sweep";
/** Cardholder notices by e-mail (lib/server/notices): one job per notice, swept with the messages. */
export const NOTICE_QUEUE = "notice-send";
/**
 * Renewal runs (lib/server/data/issuer/renewal.ts): a job works a batch of a run's cards and queues
 * the next batch (one queued job per run: singletonKey). Each card is its own transaction taken with
 * SKIP LOCKED, so a retried or duplicate job never renews a card twice. Running runs are queued again
 * when a worker starts: a killed worker's run resumes.
 */
export const RENEWAL_QUEUE = "renewal-run";
const RENEWAL_BATCH = 25;

type Boss = InstanceType<typeof PgBoss>;
const state = globalThis as unknown as { recardBoss?: Promise<Boss> };

export type WorkerOptions = {
  databaseUrl?: string;
  /** Seconds a delivery may run before its job is considered lost and retried. */
  expireInSeconds?: number;
  pollingIntervalSeconds?: number;
  maintenanceIntervalSeconds?: number;
  /** Also work the queues (false: only enqueue). */
  work?: boolean;
  log?: (line: string) => void;
};

async function start(options: WorkerOptions): Promise<Boss> {
  const log = options.log ?? ((line: string) => console.log(`[exchange] ${line}`));
  const boss = new PgBoss({
    connectionString: options.databaseUrl ?? env().DATABASE_URL,
    max: 2,
    schema: "pgboss",
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
  });
  boss.on("error", (error: Error) => log(`queue error: ${error.message}`));
  await boss.start();
  await boss.createQueue(DELIVER_QUEUE, {
    name: DELIVER_QUEUE,
    policy: "stately",
    retryLimit: 8,
    retryDelay: 2,
    retryBackoff: true,
    expireInSeconds: options.expireInSeconds ?? 60,
  });
  await boss.createQueue(SWEEP_QUEUE, { name: SWEEP_QUEUE, policy: "singleton" });
  await boss.createQueue(NOTICE_QUEUE, {
    name: NOTICE_QUEUE,
    policy: "stately",
    retryLimit: 8,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: options.expireInSeconds ?? 60,
  });
  await boss.createQueue(RENEWAL_QUEUE, { name: RENEWAL_QUEUE, policy: "standard", retryLimit: 50, retryDelay: 2, expireInSeconds: options.expireInSeconds ?? 120 });
  if (options.work !== false) {
    await boss.work<{ runId: string }>(RENEWAL_QUEUE, { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
      if (!job) return;
      const result = await processRenewalBatch(job.data.runId, RENEWAL_BATCH);
      if (result.remaining > 0 && result.status === "running") await sendRenewal(boss, job.data.runId);
    });
    for (const runId of await runningRenewalRunIds()) await sendRenewal(boss, runId);
    await boss.work<{ outboxId: string }>(DELIVER_QUEUE, { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
      if (!job) return;
      const result = await deliverOne(job.data.outboxId);
      // Throwing hands the retry to pg-boss (with backoff); "dead" and "delivered" are final.
      if (result === "retry") throw new Error(`delivery of ${job.data.outboxId} failed; retrying`);
    });
    await boss.work<{ noticeId: string }>(NOTICE_QUEUE, { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
      if (!job) return;
      if ((await sendNotice(job.data.noticeId)) === "retry") throw new Error(`e-mail of notice ${job.data.noticeId} failed; retrying`);
    });
    await boss.work(SWEEP_QUEUE, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async () => {
      await enqueueWith(boss, await dueOutboxIds(500));
      await enqueueNoticesWith(boss, await dueNoticeIds(500));
    });
    await boss.schedule(SWEEP_QUEUE, "* * * * *");
    await enqueueWith(boss, await dueOutboxIds(500));
    await enqueueNoticesWith(boss, await dueNoticeIds(500));
    log("delivery worker started");
  }
  return boss;
}

async function enqueueWith(boss: Boss, outboxIds: string[]): Promise<void> {
  for (const outboxId of outboxIds) await boss.send(DELIVER_QUEUE, { outboxId }, { singletonKey: outboxId });
}

async function enqueueNoticesWith(boss: Boss, noticeIds: string[]): Promise<void> {
  for (const noticeId of noticeIds) await boss.send(NOTICE_QUEUE, { noticeId }, { singletonKey: noticeId });
}

/** Queues notice e-mails if this process runs the queue; otherwise the sweep of a running worker finds them. */
export async function enqueueNoticesIfRunning(noticeIds: string[]): Promise<void> {
  const running = state.recardBoss;
  if (!running) return;
  await enqueueNoticesWith(await running, noticeIds);
}

async function sendRenewal(boss: Boss, runId: string): Promise<void> {
  await boss.send(RENEWAL_QUEUE, { runId }, { singletonKey: runId });
}

/** Queues (the next batch of) a renewal run. */
export async function enqueueRenewalRun(runId: string): Promise<void> {
  await sendRenewal(await startExchangeQueue(), runId);
}

/** Starts the queue (and by default the workers) once per process. */
export function startExchangeQueue(options: WorkerOptions = {}): Promise<Boss> {
  state.recardBoss ??= start(options).catch((error) => {
    state.recardBoss = undefined;
    throw error;
  });
  return state.recardBoss;
}

/** Queues delivery jobs for committed outbox messages. */
export async function enqueueDeliveries(outboxIds: string[]): Promise<void> {
  const boss = await startExchangeQueue();
  await enqueueWith(boss, outboxIds);
}

/** Stops the queue of this process (tests, shutdown). */
export async function stopExchangeQueue(): Promise<void> {
  const boss = await state.recardBoss?.catch(() => undefined);
  state.recardBoss = undefined;
  await boss?.stop({ graceful: true, wait: true, timeout: 10_000 });
}
