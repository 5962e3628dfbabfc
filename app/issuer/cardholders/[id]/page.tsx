import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { IssueCardForm } from "@/components/issuer/issue-card-form";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { PersonName } from "@/components/ui/person-name";
import { Table, Td } from "@/components/ui/table";
import { groupSurfaceNumber, minorToMajor } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { getCardholder } from "@/lib/server/data/issuer/cards";
import { SimpleForm } from "@/components/issuer/simple-form";
import { FormMessage } from "@/components/ui/field";
import { issueCardAction } from "../../cards/actions";
import { inviteCardholderAction } from "../actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.cardholder"))("metaTitle") };
}

export default async function CardholderPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const created = (await searchParams).created;
  const actor = await requirePortal("issuer", `/issuer/cardholders/${id}`);
  const h = await getCardholder(actor, id);
  if (!h) notFound();
  const [t, words, format] = await Promise.all([getTranslations("issuer.cardholder"), getTranslations("issuer.words"), getFormatter()]);
  const date = (d: Date | string) => format.dateTime(new Date(d), "date");
  const sex = h.sex === "female" || h.sex === "male" || h.sex === "other" || h.sex === "undisclosed" ? t(`sex.${h.sex}`) : h.sex;
  return (
    <>
      <PageHeader
        title={<PersonName name={h.fullName} kana={h.fullNameKana} />}
        description={t("since", { holderNo: h.holderNo, date: date(h.createdAt) })}
        actions={<LinkButton href="/issuer/cardholders">{t("all")}</LinkButton>}
      />
      {typeof created === "string" && /^\d{4}$/.test(created) && (
        <div className="mb-6">
          <FormMessage tone="good">{t("created", { last4: created })}</FormMessage>
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <Panel title={t("info")}>
          <dl className="grid grid-cols-[10rem_1fr] gap-y-1 text-sm">
            {h.fullNameKana && (
              <>
                <dt className="text-slate-500">{t("reading")}</dt>
                <dd lang="ja">{h.fullNameKana}</dd>
              </>
            )}
            <dt className="text-slate-500">{t("noticesIn")}</dt>
            <dd>{h.locale === "ja" ? t("japanese") : t("english")}</dd>
            <dt className="text-slate-500">{t("account")}</dt>
            <dd>{h.hasAccount ? <Badge tone="good">{t("accountYes")}</Badge> : <Badge tone="warn">{t("accountNone")}</Badge>}</dd>
            <dt className="text-slate-500">{t("born")}</dt>
            <dd>{format.dateTime(new Date(h.birthDate), { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" })}</dd>
            <dt className="text-slate-500">{t("sexLabel")}</dt>
            <dd>{sex}</dd>
            <dt className="text-slate-500">{t("occupation")}</dt>
            <dd translate="no">{h.occupation}</dd>
            <dt className="text-slate-500">{t("income")}</dt>
            <dd>{format.number(minorToMajor(h.annualIncomeMinor, h.currency), { style: "currency", currency: h.currency })}</dd>
            <dt className="text-slate-500">{t("address")}</dt>
            <dd translate="no">
              {h.postalCode} {h.address}
            </dd>
            <dt className="text-slate-500">{t("contact")}</dt>
            <dd>
              {h.email} · {h.phone}
            </dd>
            <dt className="text-slate-500">{t("identity")}</dt>
            <dd>{h.identityVerifiedAt ? t("verifiedOn", { date: date(h.identityVerifiedAt) }) : <Badge tone="warn">{t("notVerified")}</Badge>}</dd>
            <dt className="text-slate-500">{t("fraudFlag")}</dt>
            <dd>{h.fraudFlag ? <Badge tone="bad">{h.fraudNote ? <span translate="no">{h.fraudNote}</span> : t("flagged")}</Badge> : t("noFlag")}</dd>
          </dl>
        </Panel>
        <div className="space-y-6">
          <Panel title={t("issueTitle")}>
            <IssueCardForm action={issueCardAction.bind(null, h.id)} />
          </Panel>
          {!h.hasAccount && (
            <Panel title={t("account")}>
              <p className="mb-3 text-sm text-slate-600">{t("inviteText")}</p>
              <SimpleForm
                action={inviteCardholderAction.bind(null, h.id)}
                fields={[]}
                submitLabel={t("inviteSubmit")}
                pendingLabel={t("inviting")}
                ariaLabel={t("inviteLabel")}
                idPrefix="invite"
                variant="secondary"
              />
            </Panel>
          )}
        </div>
      </div>
      <Panel title={t("cards")} className="mt-6">
        <Table
          head={[t("col.surface"), t("col.cardId"), t("col.platform"), t("col.status"), t("col.issued"), t("col.generation"), t("col.apps")]}
          caption={t("cardsCaption")}
          empty={t("noCards")}
        >
          {h.cards.map((c) => (
            <tr key={c.id}>
              <Td mono>
                <Link className="underline" href={`/issuer/cards/${c.id}`}>
                  {groupSurfaceNumber(c.surfaceNumber)}
                </Link>
              </Td>
              <Td mono>{c.cardId}</Td>
              <Td>{words("pfShort", { type: c.platformType })}</Td>
              <Td>
                <StatusBadge status={c.status} />
              </Td>
              <Td>{date(c.issuedAt)}</Td>
              <Td>{c.generation}</Td>
              <Td>{c._count.applications}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
