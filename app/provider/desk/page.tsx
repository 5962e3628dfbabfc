import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { StatusBadge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { RELOAD_REFUSAL_CODES, type ReloadRefusalCode } from "@/lib/core/workflows/reload";
import { refusalLabel, type WordsT } from "@/lib/core/workflows/reload-words";
import { requirePortal } from "@/lib/server/auth/session";
import { findApplication, listDeskApplications } from "@/lib/server/data/provider/catalog";
import { getCreditPolicy } from "@/lib/server/data/provider/credit-policy";
import { listReloadCases } from "@/lib/server/data/provider/reload";
import { Desk } from "./_components/desk";

const isRefusalCode = (code: string): code is ReloadRefusalCode => RELOAD_REFUSAL_CODES.some((c) => c === code);

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.deskPage"))("title") };
}

export default async function DeskPage() {
  const actor = await requirePortal("provider", "/provider/desk");
  const [applications, policy, cases] = await Promise.all([listDeskApplications(actor), getCreditPolicy(actor), listReloadCases(actor, 10)]);
  const t = await getTranslations("provider.deskPage");
  const words = await getTranslations("provider.words");
  const wordsT: WordsT = (key, values) => words(key as never, values as never);
  const format = await getFormatter();
  // A case names applications by AID (what the card and the issuer speak); people read the name from our own
  // catalogue. An AID that is not ours (a card's other provider's application asked about: refused 1107) has no
  // name here, so it says so and keeps the AID as the secondary line.
  const applicationOf = (aid: string) => {
    const name = findApplication(actor.providerCompanyId, aid)?.name;
    return (
      <span key={aid} className="block" data-testid="case-application">
        {name ? <span translate="no">{name}</span> : t("notOurs")}
        {!name && (
          <span className="block font-mono text-xs text-slate-500" translate="no">
            {t("aid", { aid })}
          </span>
        )}
      </span>
    );
  };
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Desk applications={applications} policy={policy} />
      <Panel title={t("recent")} className="mt-8">
        <Table
          caption={t("recent")}
          head={[t("head.started"), t("head.platform"), t("head.card"), t("head.applications"), t("head.outcome"), t("head.refusal")]}
          empty={t("empty")}
        >
          {cases.map((c) => (
            <tr key={c.id}>
              <Td>{format.dateTime(c.startedAt, "dateTime")}</Td>
              <Td>{c.platformType ? t("platform", { platformType: c.platformType }) : "—"}</Td>
              <Td mono>{c.cardId ? <span translate="no">{c.cardId}</span> : t("sealed")}</Td>
              <Td className="whitespace-normal">{c.applicationAids.map(applicationOf)}</Td>
              <Td>
                <StatusBadge status={c.outcome} />
              </Td>
              <Td className="whitespace-normal text-slate-600">
                {c.refusalCode ? (
                  <span>
                    {t("refusal", {
                      label: isRefusalCode(c.refusalCode) ? refusalLabel(c.refusalCode, wordsT) : c.refusalCode,
                      step: wordsT("stepName", { step: c.refusalStep ?? "?" }),
                    })}
                  </span>
                ) : (
                  "—"
                )}
              </Td>
            </tr>
          ))}
        </Table>
        <p className="mt-3 text-xs text-slate-500">
          {t.rich("seeAlso", {
            records: (chunks) => (
              <Link className="underline" href="/provider/records">
                {chunks}
              </Link>
            ),
            charges: (chunks) => (
              <Link className="underline" href="/provider/charges">
                {chunks}
              </Link>
            ),
          })}
        </p>
      </Panel>
    </>
  );
}
