import type { Metadata } from "next";
import { SimpleForm } from "@/components/issuer/simple-form";
import { Badge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { formatInstant } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listMyNotices } from "@/lib/server/notices/inbox";
import { markNoticesReadAction, setNoticeLocaleAction } from "./actions";

export const metadata: Metadata = { title: "Notices" };

export default async function NoticesPage() {
  const actor = await requirePortal("cardholder", "/cardholder/notices");
  const { locale, unread, notices } = await listMyNotices(actor);
  return (
    <>
      <PageHeader
        title="Notices"
        description="What the issuer told you about your cards: reports, decisions, new cards, activation, blocks and reloads. The same notices are e-mailed to you when the issuer sends e-mail."
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <Panel title={`Inbox${unread ? ` (${unread} unread)` : ""}`} actions={unread ? <SimpleForm action={markNoticesReadAction} fields={[]} submitLabel="Mark all read" ariaLabel="Mark all notices read" idPrefix="read" variant="secondary" /> : null}>
          {notices.length === 0 ? (
            <p className="text-sm text-slate-500">No notices yet.</p>
          ) : (
            <ul className="divide-y divide-slate-100" aria-label="Notices" lang={locale}>
              {notices.map((n) => (
                <li key={n.id} className="py-3" data-notice-code={n.code}>
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <h3 className={`text-sm ${n.read ? "font-normal" : "font-semibold"}`}>{n.subject.replace(/^ReCard: /, "")}</h3>
                    <span className="flex items-center gap-2 text-xs text-slate-500">
                      {!n.read && <Badge tone="info">new</Badge>}
                      {n.emailed && <Badge tone="neutral">e-mailed</Badge>}
                      <time dateTime={n.createdAt.toISOString()}>{formatInstant(n.createdAt)}</time>
                    </span>
                  </div>
                  <p className="mt-1 whitespace-pre-line text-sm text-slate-700">{n.text.split("\n\n")[0]}</p>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Language">
          <SimpleForm
            action={setNoticeLocaleAction}
            fields={[{ kind: "select", name: "locale", label: "Notices and e-mail in", defaultValue: locale, options: [{ value: "en", label: "English" }, { value: "ja", label: "日本語 (Japanese)" }] }]}
            submitLabel="Save"
            ariaLabel="Language of notices"
            idPrefix="locale"
            variant="secondary"
          />
        </Panel>
      </div>
    </>
  );
}
