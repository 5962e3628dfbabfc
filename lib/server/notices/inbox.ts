import "server-only";
import type { Locale } from "@/lib/core/notices";
import type { CardholderActor } from "../auth/session";
import { db } from "../db";
import { renderStoredNotice } from "./notices";

export type InboxNotice = { id: string; code: string; subject: string; text: string; createdAt: Date; read: boolean; emailed: boolean };

/** The signed-in cardholder's notices, newest first, in their language. */
export async function listMyNotices(actor: CardholderActor, take = 100): Promise<{ locale: Locale; unread: number; notices: InboxNotice[] }> {
  const holder = await db().cardholder.findUniqueOrThrow({ where: { id: actor.cardholderId }, select: { locale: true } });
  const rows = await db().cardholderNotice.findMany({
    where: { cardholderId: actor.cardholderId },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, code: true, params: true, cardholderId: true, createdAt: true, readAt: true, emailStatus: true },
  });
  const notices: InboxNotice[] = [];
  for (const row of rows) {
    const rendered = await renderStoredNotice(row, holder.locale);
    if (!rendered) continue;
    notices.push({
      id: row.id,
      code: row.code,
      subject: rendered.subject,
      text: rendered.text,
      createdAt: row.createdAt,
      read: row.readAt !== null,
      emailed: row.emailStatus === "sent",
    });
  }
  const unread = await db().cardholderNotice.count({ where: { cardholderId: actor.cardholderId, readAt: null } });
  return { locale: holder.locale, unread, notices };
}

/** Marks every notice of the signed-in cardholder read. */
export async function markMyNoticesRead(actor: CardholderActor, now = new Date()): Promise<number> {
  const { count } = await db().cardholderNotice.updateMany({ where: { cardholderId: actor.cardholderId, readAt: null }, data: { readAt: now } });
  return count;
}

/** The cardholder's language for notices (en / ja). */
export async function setMyLocale(actor: CardholderActor, locale: Locale): Promise<void> {
  await db().cardholder.update({ where: { id: actor.cardholderId }, data: { locale } });
}
