import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { requirePortal } from "@/lib/server/auth/session";
import { listCardInquiries, listReissueNotices } from "@/lib/server/data/provider/reissuance";
import { FieldErrors } from "@/components/ui/field";
import { parseSearchParam } from "@/lib/validation/fields";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.reissuance"))("title") };
}

const NG_REASONS = ["attribute-data-invalid", "card-not-found", "not-a-reissued-card", "application-not-on-old-card", "old-load-not-successful"] as const;
const isNgReason = (r: string | null): r is (typeof NG_REASONS)[number] => NG_REASONS.some((x) => x === r);

export default async function ReissuancePage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const actor = await requirePortal("provider", "/provider/reissuance");
  const search = parseSearchParam((await searchParams).q, 64);
  const query = search.query;
  const [notices, inquiries] = await Promise.all([listReissueNotices(actor, { query }), listCardInquiries(actor, { query })]);
  const t = await getTranslations("provider.reissuance");
  const v = await getTranslations("provider.validation");
  const format = await getFormatter();
  const when = (d: Date) => format.dateTime(d, "dateTime");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <form className="mb-6 flex gap-2" role="search" aria-label={t("search")}>
        <input
          type="search"
          name="q"
          defaultValue={query}
          aria-label={t("searchLabel")}
          placeholder={t("searchPlaceholder")}
          className="w-96 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
          aria-describedby="q-error"
        />
        <FieldErrors id="q-error" errors={search.error ? [v("control")] : undefined} />
        <button className="rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">{t("searchButton")}</button>
      </form>
      <Panel title={t("pairs")} className="mb-6">
        <Table
          caption={t("pairsCaption")}
          head={[t("head.reissuedCardId"), t("head.oldCardId"), t("head.reissued"), t("head.received"), t("head.how"), t("head.message")]}
          empty={query ? t("noPairMatch") : t("noPairs")}
        >
          {notices.map((n) => (
            <tr key={n.id}>
              <Td mono>{n.reissuedCardId}</Td>
              <Td mono>{n.oldCardId}</Td>
              <Td>{when(n.reissuedAt)}</Td>
              <Td>{when(n.receivedAt)}</Td>
              <Td>
                <Badge tone={n.via === "push" ? "info" : "warn"}>{t("via", { via: n.via })}</Badge>
              </Td>
              <Td mono>{n.sourceMessageId}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
      <Panel title={t("inquiries")}>
        <Table
          caption={t("inquiriesCaption")}
          head={[t("head.asked"), t("head.application"), t("head.inquiry"), t("head.reissue"), t("head.originalMessageId"), t("head.answer")]}
          empty={query ? t("noInquiryMatch") : t("noInquiries")}
        >
          {inquiries.map((i) => (
            <tr key={i.id}>
              <Td>{when(i.askedAt)}</Td>
              <Td mono>{i.applicationAid}</Td>
              <Td mono>{i.requestMessageId}</Td>
              <Td>
                {i.reissueOk === null ? (
                  <Badge tone="warn">{t("noAnswer")}</Badge>
                ) : i.reissueOk ? (
                  <Badge tone="good">OK</Badge>
                ) : (
                  <Badge tone="bad">{t("ng", { reason: isNgReason(i.ngReason) ? t(`ngReasons.${i.ngReason}`) : (i.ngReason ?? "?") })}</Badge>
                )}
              </Td>
              <Td mono>{i.originalMessageId ?? "—"}</Td>
              <Td mono>{i.replyMessageId ?? "—"}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
