import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { SimpleForm } from "@/components/issuer/simple-form";
import { Badge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { LOCALE_NAMES } from "@/lib/i18n/locales";
import { requirePortal } from "@/lib/server/auth/session";
import { listMyNotices } from "@/lib/server/notices/inbox";
import { markNoticesReadAction, setNoticeLocaleAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("cardholder.notices");
  return { title: t("metaTitle") };
}

/**
 * The cardholder's notices. The page speaks the reader's language; the notices themselves are written
 * in the language chosen for notices and e-mail (the same words as the e-mail), marked with its lang.
 */
export default async function NoticesPage() {
  const actor = await requirePortal("cardholder", "/cardholder/notices");
  const { locale, unread, notices } = await listMyNotices(actor);
  const t = await getTranslations("cardholder.notices");
  const format = await getFormatter();
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <Panel
          title={unread ? t("inboxUnread", { count: unread }) : t("inbox")}
          actions={
            unread ? (
              <SimpleForm
                action={markNoticesReadAction}
                fields={[]}
                submitLabel={t("markRead")}
                ariaLabel={t("markReadLabel")}
                idPrefix="read"
                variant="secondary"
              />
            ) : null
          }
        >
          {notices.length === 0 ? (
            <p className="text-sm text-slate-500">{t("none")}</p>
          ) : (
            <ul className="divide-y divide-slate-100" aria-label={t("listLabel")}>
              {notices.map((n) => (
                <li key={n.id} className="py-3" data-notice-code={n.code}>
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <h3 lang={locale} className={`text-sm ${n.read ? "font-normal" : "font-semibold"}`}>
                      {n.subject.replace(/^(ReCard: |【ReCard】)/, "")}
                    </h3>
                    <span className="flex items-center gap-2 text-xs text-slate-500">
                      {!n.read && <Badge tone="info">{t("new")}</Badge>}
                      {n.emailed && <Badge tone="neutral">{t("emailed")}</Badge>}
                      <time dateTime={n.createdAt.toISOString()}>{format.dateTime(n.createdAt, "dateTime")}</time>
                    </span>
                  </div>
                  <p lang={locale} className="mt-1 whitespace-pre-line text-sm text-slate-700">
                    {n.text.split("\n\n")[0]}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title={t("language")}>
          <SimpleForm
            action={setNoticeLocaleAction}
            fields={[
              {
                kind: "select",
                name: "locale",
                label: t("noticesIn"),
                hint: t("languageHint"),
                defaultValue: locale,
                options: [
                  { value: "en", label: LOCALE_NAMES.en },
                  { value: "ja", label: LOCALE_NAMES.ja },
                ],
              },
            ]}
            submitLabel={t("save")}
            pendingLabel={t("saving")}
            ariaLabel={t("languageFormLabel")}
            idPrefix="locale"
            variant="secondary"
          />
        </Panel>
      </div>
    </>
  );
}
