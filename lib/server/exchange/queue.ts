import "server-only";
import PgBoss from "pg-boss";
import { env } from "../env";
import { queueJobs } from "./registry";

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

/**
 * Delivery keeps up with a backlog (issue 16): delivery workers per process, each fetching a batch of
 * jobs and delivering it as one batch (delivery.ts deliverBatch: one outbox read, one transaction per
 * receiver, one outbox update), and a worker that got a batch fetches again at once instead of sleeping
 * out its polling interval (pg-boss 10 sleeps the rest of the interval after every fetch: one job per
 * 2 s). Workers are also woken when this process enqueues a message. Each job of a batch is completed
 * or failed on its own, so one failed delivery never retries the others. Two workers: the work is CPU in
 * this process (verification, Prisma) more than waiting for the database, and on the 2-core machine the
 * bench ran on, four workers drained no faster than two (docs/performance.md).
 */
export const DELIVERY_WORKERS = 2;
export const DELIVERY_BATCH = 100;
/** Notice e-mails fetched per poll, and SMTP conversations at once within a batch. */
const NOTICE_BATCH = 20;
const NOTICE_CONCURRENCY = 4;

/**
 * The sweep (every minute and at start) queues every due message, up to this many at once (its ids in
 * one read, jobs inserted 500 at a time): a backlog of 10,000 is queued whole when a worker starts.
 */
const SWEEP_LIMIT = 50_000;

type Boss = InstanceType<typeof PgBoss>;
const state = globalThis as unknown as { recardBoss?: Promise<Boss>; recardDeliveryWorkers?: string[]; recardNoticeWorker?: string };

export type WorkerOptions = {
  databaseUrl?: string;
  /** Seconds a delivery may run before its job is considered lost and retried. */
  expireInSeconds?: number;
  pollingIntervalSeconds?: number;
  maintenanceIntervalSeconds?: number;
  /** Delivery workers in this process and the jobs each fetches at once (DELIVERY_WORKERS, DELIVERY_BATCH). */
  deliveryWorkers?: number;
  deliveryBatchSize?: number;
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
  await boss.createQueue(RENEWAL_QUEUE, {
    name: RENEWAL_QUEUE,
    policy: "standard",
    retryLimit: 50,
    retryDelay: 2,
    expireInSeconds: options.expireInSeconds ?? 120,
  });
  if (options.work !== false) {
    // The work itself is registered at start (lib/server/wiring.ts): this module imports none of it.
    const { deliverBatch, dueOutboxIds, sendNotice, dueNoticeIds, processRenewalBatch, runningRenewalRunIds } = queueJobs();
    await boss.work<{ runId: string }>(RENEWAL_QUEUE, { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
      if (!job) return;
      const result = await processRenewalBatch(job.data.runId, RENEWAL_BATCH);
      if (result.remaining > 0 && result.status === "running") await sendRenewal(boss, job.data.runId);
    });
    for (const runId of await runningRenewalRunIds()) await sendRenewal(boss, runId);
    const workers: string[] = [];
    for (let i = 0; i < (options.deliveryWorkers ?? DELIVERY_WORKERS); i++) {
      const self: string = await boss.work<{ outboxId: string }>(
        DELIVER_QUEUE,
        { batchSize: options.deliveryBatchSize ?? DELIVERY_BATCH, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
        async (jobs) => {
          // The whole batch in one delivery (deliverBatch: one read, one transaction per receiver, one
          // update); each job is still failed or completed on its own.
          let results: string[];
          try {
            results = await deliverBatch(jobs.map((job) => job.data.outboxId));
          } catch (error) {
            results = jobs.map(() => `failed: ${(error as Error).message}`);
          }
          for (const [k, job] of jobs.entries()) {
            // "dead" and "delivered" are final; "retry" goes back to pg-boss (with backoff).
            const result = results[k];
            if (result === "retry" || result?.startsWith("failed")) {
              await boss.fail(DELIVER_QUEUE, job.id, { message: `delivery of ${job.data.outboxId} ${result === "retry" ? "failed; retrying" : result}` });
            }
          }
          // A full or partial batch: there may be more, so fetch again at once (pg-boss completes the
          // jobs that were not failed when this handler returns).
          if (jobs.length > 0) boss.notifyWorker(self);
        },
      );
      workers.push(self);
    }
    state.recardDeliveryWorkers = workers;
    // Notice e-mails in batches, a few SMTP conversations at a time, fetching again at once after a
    // batch (one job per 2-second poll would send 0.5 e-mails a second: 10,000 after a mass reissue
    // would take hours). Each job is completed or failed (retried with backoff) on its own.
    const noticeWorker: string = await boss.work<{ noticeId: string }>(
      NOTICE_QUEUE,
      { batchSize: NOTICE_BATCH, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
      async (jobs) => {
        const results = new Array<"retry" | "failed" | "done">(jobs.length);
        let next = 0;
        const lane = async () => {
          for (let k = next++; k < jobs.length; k = next++) {
            try {
              results[k] = (await sendNotice(jobs[k]!.data.noticeId)) === "retry" ? "retry" : "done";
            } catch {
              results[k] = "failed";
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(NOTICE_CONCURRENCY, jobs.length) }, lane));
        for (const [k, job] of jobs.entries()) {
          if (results[k] !== "done") await boss.fail(NOTICE_QUEUE, job.id, { message: `e-mail of notice ${job.data.noticeId} failed; retrying` });
        }
        if (jobs.length > 0) boss.notifyWorker(noticeWorker);
      },
    );
    state.recardNoticeWorker = noticeWorker;
    await boss.work(SWEEP_QUEUE, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async () => {
      await enqueueWith(boss, await dueOutboxIds(SWEEP_LIMIT));
      await enqueueNoticesWith(boss, await dueNoticeIds(500));
    });
    await boss.schedule(SWEEP_QUEUE, "* * * * *");
    await enqueueWith(boss, await dueOutboxIds(SWEEP_LIMIT));
    await enqueueNoticesWith(boss, await dueNoticeIds(500));
    log("delivery worker started");
  }
  return boss;
}

/** Queues delivery jobs in bulk (one INSERT per 500; a message that already has a waiting job is skipped) and wakes this process's delivery workers. */
async function enqueueWith(boss: Boss, outboxIds: string[]): Promise<void> {
  for (let i = 0; i < outboxIds.length; i += 500) {
    await boss.insert(outboxIds.slice(i, i + 500).map((outboxId) => ({ name: DELIVER_QUEUE, data: { outboxId }, singletonKey: outboxId })));
  }
  if (outboxIds.length > 0) for (const worker of state.recardDeliveryWorkers ?? []) boss.notifyWorker(worker);
}

/** Queues notice e-mails in bulk, as deliveries are (a mass reissue records thousands of notices at once). */
async function enqueueNoticesWith(boss: Boss, noticeIds: string[]): Promise<void> {
  for (let i = 0; i < noticeIds.length; i += 500) {
    await boss.insert(noticeIds.slice(i, i + 500).map((noticeId) => ({ name: NOTICE_QUEUE, data: { noticeId }, singletonKey: noticeId })));
  }
  if (noticeIds.length > 0 && state.recardNoticeWorker) boss.notifyWorker(state.recardNoticeWorker);
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
  state.recardDeliveryWorkers = undefined;
  state.recardNoticeWorker = undefined;
  await boss?.stop({ graceful: true, wait: true, timeout: 10_000 });
}
