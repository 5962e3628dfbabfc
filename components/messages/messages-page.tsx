import { getTranslations } from "next-intl/server";
import { Panel, PageHeader } from "@/components/ui/panel";
import { MESSAGE_ID_PATTERN } from "@/lib/core/message-id";
import { getCompanyMessage, listCompanyMessages } from "@/lib/server/data/messages";
import { ImportForm } from "./import-form";
import { MessagesView } from "./messages-view";

/** The messages page of a company (issuer or provider): live traffic, one message's content, import. */
export async function MessagesPage({ companyId, basePath, view }: { companyId: string; basePath: string; view?: string }) {
  const [initial, detail] = await Promise.all([
    listCompanyMessages(companyId),
    view && MESSAGE_ID_PATTERN.test(view) ? getCompanyMessage(companyId, view) : Promise.resolve(null),
  ]);
  const t = await getTranslations("common.messages.page");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="grid gap-6 xl:grid-cols-[1fr_22rem]">
        <Panel>
          <MessagesView initial={initial} basePath={basePath} />
        </Panel>
        <div className="space-y-6">
          <Panel title={t("importTitle")}>
            <p className="mb-3 text-xs text-slate-600">{t("importText")}</p>
            <ImportForm />
          </Panel>
          {detail && (
            <Panel title={t("detailTitle", { messageId: view ?? "", direction: detail.direction })}>
              <pre className="max-h-[32rem] overflow-auto rounded-lg bg-slate-950 p-3 text-xs text-slate-100" data-testid="message-json">
                {detail.json}
              </pre>
            </Panel>
          )}
        </div>
      </div>
    </>
  );
}
