"use server";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import type { FormState } from "@/components/issuer/simple-form";
import { LOCALES } from "@/lib/core/notices";
import { LOCALE_NAMES } from "@/lib/i18n/locales";
import { authorize } from "@/lib/server/auth/session";
import { markMyNoticesRead, setMyLocale } from "@/lib/server/notices/inbox";

/** Marks the signed-in cardholder's notices read. */
export async function markNoticesReadAction(_prev: FormState, _formData: FormData): Promise<FormState> {
  const auth = await authorize("cardholder");
  if (!auth.ok) return { message: auth.refusal.message };
  const count = await markMyNoticesRead(auth.actor);
  revalidatePath("/cardholder/notices");
  const t = await getTranslations("cardholder.notices");
  return { ok: true, message: count === 0 ? t("nothingUnread") : t("markedRead", { count }) };
}

/** The language of the cardholder's notices and e-mail. */
export async function setNoticeLocaleAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await authorize("cardholder");
  if (!auth.ok) return { message: auth.refusal.message };
  const t = await getTranslations("cardholder.notices");
  const parsed = z.object({ locale: z.enum(LOCALES, { error: t("unknownLanguage") }) }).safeParse({ locale: formData.get("locale") ?? undefined });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  await setMyLocale(auth.actor, parsed.data.locale);
  revalidatePath("/cardholder/notices");
  return { ok: true, message: t("saved", { language: LOCALE_NAMES[parsed.data.locale] }) };
}
