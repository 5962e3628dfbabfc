"use server";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import type { FormState } from "@/components/issuer/simple-form";
import { LOCALES } from "@/lib/core/notices";
import { LOCALE_NAMES } from "@/lib/i18n/locales";
import { cardholderForm } from "@/lib/server/actions/portal-action";
import { markMyNoticesRead, setMyLocale } from "@/lib/server/notices/inbox";

/** Marks the signed-in cardholder's notices read. */
export const markNoticesReadAction = cardholderForm({
  name: "cardholder.notices-read",
  run: async ({ actor }): Promise<FormState> => {
    const count = await markMyNoticesRead(actor);
    revalidatePath("/cardholder/notices");
    const t = await getTranslations("cardholder.notices");
    return { ok: true, message: count === 0 ? t("nothingUnread") : t("markedRead", { count }) };
  },
});

/** The language of the cardholder's notices and e-mail. */
export const setNoticeLocaleAction = cardholderForm({
  name: "cardholder.notice-locale",
  schema: async () => {
    const t = await getTranslations("cardholder.notices");
    return z.object({ locale: z.enum(LOCALES, { error: t("unknownLanguage") }) });
  },
  run: async ({ actor, input }): Promise<FormState> => {
    await setMyLocale(actor, input.locale);
    revalidatePath("/cardholder/notices");
    const t = await getTranslations("cardholder.notices");
    return { ok: true, message: t("saved", { language: LOCALE_NAMES[input.locale] }) };
  },
});
