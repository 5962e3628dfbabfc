import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { requirePortal } from "@/lib/server/auth/session";
import { listCustomers } from "@/lib/server/data/provider/customers";
import { FieldErrors } from "@/components/ui/field";
import { parseSearchParam } from "@/lib/validation/fields";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.customers"))("title") };
}

export default async function CustomersPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const actor = await requirePortal("provider", "/provider/customers");
  const search = parseSearchParam((await searchParams).q, 64);
  const query = search.query;
  const customers = await listCustomers(actor, { query });
  const t = await getTranslations("provider.customers");
  const v = await getTranslations("provider.validation");
  const format = await getFormatter();
  const day = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeZone: "UTC" });
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Panel>
        <form className="mb-4 flex gap-2" role="search" aria-label={t("search")}>
          <input
            type="search"
            name="q"
            defaultValue={query}
            aria-label={t("searchLabel")}
            placeholder={t("searchPlaceholder")}
            className="w-80 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
            aria-describedby="q-error"
          />
          <FieldErrors id="q-error" errors={search.error ? [v("control")] : undefined} />
          <button className="rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">{t("searchButton")}</button>
        </form>
        <Table
          caption={t("title")}
          head={[t("head.customer"), t("head.name"), t("head.born"), t("head.loads"), t("head.since")]}
          empty={query ? t("noMatch") : t("empty")}
        >
          {customers.map((c) => (
            <tr key={c.id}>
              <Td mono>
                <Link className="underline" href={`/provider/customers/${c.id}`} translate="no">
                  {c.customerNo}
                </Link>
              </Td>
              <Td>{c.fullName}</Td>
              <Td>{c.birthDate ? day(c.birthDate) : "—"}</Td>
              <Td className="text-right tabular-nums">{c.loads}</Td>
              <Td>{format.dateTime(c.createdAt, "date")}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
