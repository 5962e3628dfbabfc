import { getTranslations } from "next-intl/server";
import { Panel, PageHeader } from "@/components/ui/panel";
import { MESSAGE_ID_PATTERN } from "@/lib/core/message-id";
import { encodeCursor } from "@/lib/core/table/list-query";
import { getCompanyMessage, listCompanyMessages } from "@/lib/server/data/messages";
import { parseMessageListParams } from "@/lib/validation/message-lists";
import { ImportForm } from "./import-form";
import { MessagesView } from "./messages-view";

/**
 * The messages page of a company (issuer or provider): live traffic, one kind a tab, 100 a page in an
 * index-backed order with the CSV of the whole list (`${basePath}/export`: each portal's own export
 * route, which checks the role itself), one message's content, import.
 */
export async function MessagesPage({
  companyId,
  basePath,
  params,
}: {
  companyId: string;
  basePath: string;
  params: Record<string, string | string[] | undefined>;
}) {
  const list = parseMessageListParams(params);
  const view = typeof params.view === "string" ? params.view : undefined;
  const [initial, detail] = await Promise.all([
    listCompanyMessages(companyId, list),
    view && MESSAGE_ID_PATTERN.test(view) ? getCompanyMessage(companyId, view) : Promise.resolve(null),
  ]);
  const t = await getTranslations("common.messages.page");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="grid gap-6 xl:grid-cols-[1fr_22rem]">
        <Panel>
          <MessagesView
            initial={initial}
            basePath={basePath}
            links={list.links}
            after={list.after ? encodeCursor([list.after.value, list.after.id]) : undefined}
            sort={list.sort}
          />
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
