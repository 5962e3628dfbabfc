import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { Button, LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { requirePortal } from "@/lib/server/auth/session";
import { listCardholders } from "@/lib/server/data/issuer/cards";
import { FieldErrors } from "@/components/ui/field";
import { parseSearchParam } from "@/lib/validation/fields";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.cardholders"))("title") };
}

const FilterSchema = z.object({ q: z.string().max(64).optional().catch(undefined) });

export default async function CardholdersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/cardholders");
  const params = await searchParams;
  // A search word with a control character (NUL…) is refused by the box, not sent to the database.
  const search = parseSearchParam(params.q, 64);
  const f = FilterSchema.parse({ ...params, q: search.query });
  const rows = await listCardholders(actor, f.q);
  const [t, common] = await Promise.all([getTranslations("issuer.cardholders"), getTranslations("common")]);
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            <LinkButton href="/issuer/cards">{t("cardsLink")}</LinkButton>
            <LinkButton href="/issuer/cardholders/new" variant="primary">
              {t("new")}
            </LinkButton>
          </>
        }
      />
      <Panel>
        <form className="mb-4 flex items-end gap-3" role="search">
          <label className="text-sm">
            <span className="block font-medium text-slate-700">{t("search")}</span>
            <input
              name="q"
              defaultValue={f.q}
              placeholder={t("placeholder")}
              className="mt-1 w-64 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
              aria-describedby="q-error"
            />
            <FieldErrors id="q-error" errors={search.error ? [common("form.controlCharacters")] : undefined} />
          </label>
          <Button type="submit">{t("search")}</Button>
        </form>
        <Table
          head={[t("col.number"), t("col.name"), t("col.email"), t("col.cards"), t("col.identity"), t("col.flags")]}
          caption={t("title")}
          empty={t("empty")}
        >
          {rows.map((r) => (
            <tr key={r.id}>
              <Td mono>{r.holderNo}</Td>
              <Td>
                <Link className="underline" href={`/issuer/cardholders/${r.id}`} translate="no">
                  {r.fullName}
                </Link>
              </Td>
              <Td>{r.email}</Td>
              <Td>{t("cardsInUse", { active: r.activeCards, total: r.cards })}</Td>
              <Td>{r.identityVerified ? <Badge tone="good">{t("verified")}</Badge> : <Badge tone="warn">{t("notVerified")}</Badge>}</Td>
              <Td>{r.fraudFlag ? <Badge tone="bad">{t("fraudFlag")}</Badge> : "—"}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
