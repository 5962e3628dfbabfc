import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { getFormatter, getTranslations } from "next-intl/server";
import { requirePortal } from "@/lib/server/auth/session";
import { listLoadRecords } from "@/lib/server/data/provider/load-records";
import { LookupForm } from "./lookup-form";
import { FieldErrors } from "@/components/ui/field";
import { parseSearchParam } from "@/lib/validation/fields";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.records"))("title") };
}

export default async function RecordsPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const actor = await requirePortal("provider", "/provider/records");
  const search = parseSearchParam((await searchParams).q, 64);
  const rows = await listLoadRecords(actor, { query: search.query });
  const t = await getTranslations("provider.records");
  const v = await getTranslations("provider.validation");
  const format = await getFormatter();
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Panel title={t("find")} className="mb-6">
        <LookupForm />
      </Panel>
      <Panel title={t("records")}>
        <form className="mb-4 flex gap-2" role="search" aria-label={t("search")}>
          <input
            name="q"
            defaultValue={search.query}
            aria-label={t("search")}
            placeholder={t("searchPlaceholder")}
            className="w-80 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
            aria-describedby="q-error"
          />
          <FieldErrors id="q-error" errors={search.error ? [v("control")] : undefined} />
          <button className="rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">{t("searchButton")}</button>
        </form>
        <Table
          head={[
            t("head.messageId"),
            t("head.card"),
            t("head.platform"),
            t("head.application"),
            t("head.customer"),
            t("head.kind"),
            t("head.status"),
            t("head.loaded"),
          ]}
          empty={t("empty")}
          caption={t("title")}
        >
          {rows.map((r) => (
            <tr key={r.id}>
              <Td mono>
                <Link className="underline" href={`/provider/records/${r.id}`} translate="no">
                  {r.messageId}
                </Link>
              </Td>
              <Td mono>{r.cardId ?? t("sealed", { last4: r.surfaceNumberLast4 ?? "", hasLast4: r.surfaceNumberLast4 ? "yes" : "no" })}</Td>
              <Td>{t("platform", { platformType: r.platformType })}</Td>
              <Td mono>{r.applicationAid}</Td>
              <Td>{r.customerName}</Td>
              <Td>{t("kind", { kind: r.kind })}</Td>
              <Td>
                <StatusBadge status={r.status} />
              </Td>
              <Td>{r.loadedAt ? format.dateTime(r.loadedAt, "dateTime") : "—"}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
