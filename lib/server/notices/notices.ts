import "server-only";
import { randomUUID } from "node:crypto";
import { NoticeParamsSchemas, parseNotice, renderNotice, type Locale, type Notice, type RenderedNotice } from "@/lib/core/notices";
import { db, type Prisma } from "../db";
import { env } from "../env";
import { enqueueNoticesIfRunning } from "../exchange/queue";

type Tx = Pick<Prisma.TransactionClient, "$queryRaw" | "cardholderNotice">;

/** Attempts before an e-mail is given up (the notice stays in the inbox). */
export const MAX_EMAIL_ATTEMPTS = 8;
/** How long a worker may hold a notice while it talks to the SMTP server. */
export const EMAIL_LEASE_MS = 2 * 60 * 1000;

/**
 * Records a notice inside the transaction of the event it reports. The idempotency key names the
 * event ("reissue-approved:<request id>"): the same event never makes two notices, even when a
 * handler runs again. Returns the new notice's id, or null when it already existed.
 */
export async function recordNotice(tx: Tx, input: { cardholderId: string; notice: Notice; key: string; now: Date }): Promise<string | null> {
  // Validated here as the renderer will read it: a notice that cannot be rendered is a bug of the writer.
  const params = NoticeParamsSchemas[input.notice.code].parse(input.notice.params);
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO iss_cardholder_notices (id, cardholder_id, code, params, idempotency_key, created_at)
    VALUES (${randomUUID()}::uuid, ${input.cardholderId}::uuid, ${input.notice.code}, ${JSON.stringify(params)}::jsonb, ${input.key}, ${input.now})
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id`;
  return rows[0]?.id ?? null;
}

/**
 * recordNotice for many events in one statement (a bulk approval): the same idempotency keys, so an
 * event already noticed makes no second notice. Returns the ids of the new notices.
 */
export async function recordNotices(tx: Tx, inputs: readonly { cardholderId: string; notice: Notice; key: string; now: Date }[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  const created = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO iss_cardholder_notices (id, cardholder_id, code, params, idempotency_key, created_at)
    SELECT x.id, x.cardholder_id, x.code, x.params, x.idempotency_key, x.created_at
      FROM jsonb_to_recordset(${noticeRecordset(inputs)}::jsonb) AS x(id uuid, cardholder_id uuid, code text, params jsonb, idempotency_key text, created_at timestamptz)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id`;
  return created.map((r) => r.id);
}

/**
 * Notices as one JSON parameter for `jsonb_to_recordset(…) AS x(id uuid, cardholder_id uuid, code text,
 * params jsonb, idempotency_key text, created_at timestamptz)`, validated as the renderer will read them:
 * for a statement that writes them with the event (recordNotices, a load confirmation). Insert them
 * with ON CONFLICT (idempotency_key) DO NOTHING.
 */
export function noticeRecordset(inputs: readonly { cardholderId: string; notice: Notice; key: string; now: Date }[]): string {
  const rows = inputs.map((input) => ({
    id: randomUUID(),
    cardholder_id: input.cardholderId,
    code: input.notice.code,
    params: NoticeParamsSchemas[input.notice.code].parse(input.notice.params),
    idempotency_key: input.key,
    created_at: input.now.toISOString(),
  }));
  return JSON.stringify(rows);
}

/** What the renderer needs besides the code and params (read from the issuer's records, not copied into the notice). */
async function extrasFor(notice: Notice, cardholderId: string) {
  if (notice.code !== "reissue-rejected") return {};
  const request = await db().reissueRequest.findFirst({ where: { requestNo: notice.params.requestNo, cardholderId }, select: { rejectionReason: true } });
  return { rejectionReason: request?.rejectionReason ?? null };
}

/** A stored notice in words, in the cardholder's language (null for a row this version cannot read). */
export async function renderStoredNotice(row: { code: string; params: unknown; cardholderId: string }, locale: Locale): Promise<RenderedNotice | null> {
  const notice = parseNotice(row.code, row.params);
  if (!notice) return null;
  return renderNotice(notice, locale, await extrasFor(notice, row.cardholderId));
}

type Mailer = {
  sendMail(mail: { from: string; to: string; subject: string; text: string; messageId: string; headers: Record<string, string> }): Promise<unknown>;
};
const mailers = globalThis as unknown as { recardMailer?: { url: string; mailer: Mailer } };

async function mailer(url: string): Promise<Mailer> {
  if (mailers.recardMailer?.url !== url) {
    const nodemailer = await import("nodemailer");
    mailers.recardMailer = { url, mailer: nodemailer.createTransport(url) as unknown as Mailer };
  }
  return mailers.recardMailer.mailer;
}

export type NoticeSendResult = "sent" | "inbox-only" | "skipped" | "retry" | "failed";

/**
 * E-mails one notice, at most once in normal operation and never lost:
 *  1. take a lease (pending, or sending with an expired lease → sending): two workers never send the
 *     same notice at the same time;
 *  2. send, with the notice's own Message-ID (`<notice.<id>@recard>`);
 *  3. mark it sent.
 * A worker that dies between 2 and 3 leaves the lease to expire; the notice is sent again with the
 * same Message-ID, so a mail system that drops repeated Message-IDs shows it once (RFC 5322 §3.6.4).
 */
export async function sendNotice(noticeId: string, now: () => Date = () => new Date()): Promise<NoticeSendResult> {
  const at = now();
  const claimed = await db().cardholderNotice.updateMany({
    where: { id: noticeId, OR: [{ emailStatus: "pending" }, { emailStatus: "sending", emailLeaseUntil: { lt: at } }] },
    data: { emailStatus: "sending", emailLeaseUntil: new Date(at.getTime() + EMAIL_LEASE_MS), emailAttempts: { increment: 1 } },
  });
  if (claimed.count === 0) return "skipped";
  const row = await db().cardholderNotice.findUniqueOrThrow({
    where: { id: noticeId },
    select: { id: true, code: true, params: true, cardholderId: true, emailAttempts: true, cardholder: { select: { email: true, locale: true } } },
  });
  const { SMTP_URL, SMTP_FROM } = env();
  if (!SMTP_URL) {
    await db().cardholderNotice.update({ where: { id: row.id }, data: { emailStatus: "inbox_only", emailLeaseUntil: null } });
    return "inbox-only";
  }
  const rendered = await renderStoredNotice(row, row.cardholder.locale);
  if (!rendered) {
    await db().cardholderNotice.update({
      where: { id: row.id },
      data: { emailStatus: "failed", emailLeaseUntil: null, emailLastError: `unknown notice code ${row.code}` },
    });
    return "failed";
  }
  try {
    await (
      await mailer(SMTP_URL)
    ).sendMail({
      from: SMTP_FROM,
      to: row.cardholder.email,
      subject: rendered.subject,
      text: rendered.text,
      messageId: `<notice.${row.id}@recard>`,
      headers: { "X-ReCard-Notice": row.id, "Content-Language": row.cardholder.locale },
    });
  } catch (error) {
    const failed = row.emailAttempts >= MAX_EMAIL_ATTEMPTS;
    await db().cardholderNotice.update({
      where: { id: row.id },
      data: { emailStatus: failed ? "failed" : "pending", emailLeaseUntil: null, emailLastError: (error as Error).message.slice(0, 500) },
    });
    return failed ? "failed" : "retry";
  }
  await db().cardholderNotice.updateMany({
    where: { id: row.id, emailStatus: "sending" },
    data: { emailStatus: "sent", emailSentAt: now(), emailLeaseUntil: null, emailLastError: null },
  });
  return "sent";
}

/** Notices waiting for the worker: pending ones, and ones whose worker died holding the lease. */
export async function dueNoticeIds(limit: number, now = new Date()): Promise<string[]> {
  const rows = await db().cardholderNotice.findMany({
    where: { OR: [{ emailStatus: "pending" }, { emailStatus: "sending", emailLeaseUntil: { lt: now } }] },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/**
 * After a transaction that recorded notices has committed: queue them at once if this process runs
 * the queue (the app server does); otherwise the sweep queues them within a minute.
 */
export function noticesCommitted(ids: (string | null)[]): void {
  const list = ids.filter((x): x is string => !!x);
  if (list.length === 0) return;
  void enqueueNoticesIfRunning(list).catch((e: Error) => console.warn(`[notices] queue unavailable, the sweep will send: ${e.message}`));
}
