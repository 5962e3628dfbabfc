"use client";

import { useTranslations } from "next-intl";
import { guideDesk, reloadableNow, type CardAtDesk, type DeskAction } from "@/lib/core/workflows/desk-guide";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { PersonName } from "@/components/ui/person-name";
import { useDeskFormat } from "./use-desk-format";

type GuideWords = ReturnType<typeof useTranslations<"provider.guide">>;

/** The words of each action's button. */
function actionLabel(action: DeskAction, card: CardAtDesk, t: GuideWords): string {
  switch (action.kind) {
    case "reload": {
      const names = card.applications.filter((a) => action.aids.includes(a.aid)).map((a) => a.name);
      return t("reloadNamed", { names: names.join(t("and")) });
    }
    case "reload-form":
      return t("reloadForm");
    case "first-load":
      return t("firstLoad");
  }
}

/**
 * One panel after the card is read (issue 15): whose card it is, whether it replaces an old card,
 * what is on it, what can be reloaded and what that costs, and the one sensible next action with the
 * others one click away.
 */
export function CardGuide({ card, onAction, disabled }: { card: CardAtDesk; onAction: (action: DeskAction) => void; disabled: boolean }) {
  const t = useTranslations("provider.guide");
  const fmt = useDeskFormat();
  const guidance = guideDesk(card);
  const reloadable = reloadableNow(card);
  const onCard = card.applications.filter((a) => a.isOnCard);
  return (
    <section aria-label={t("label")} className="space-y-3 text-sm" data-testid="card-guide">
      <p className="text-base font-semibold text-slate-900">
        {card.customer ? (
          <>
            {t.rich("whose", {
              name: () => <PersonName name={card.customer!.fullName} kana={card.customer!.fullNameKana} />,
              customerNo: card.customer.customerNo,
              muted: (chunks) => <span className="font-normal text-slate-500">{chunks}</span>,
            })}
          </>
        ) : card.platformType === 200 ? (
          t("holderIssuerOnly")
        ) : (
          t("notOurCustomer")
        )}
      </p>
      <ul className="space-y-1.5">
        <li>
          {card.reissue.status === "replaces" ? (
            <>
              <Badge tone="info">{t("reissued")}</Badge>{" "}
              {card.reissue.oldCardLast4 ? t("replacesLast4", { last4: card.reissue.oldCardLast4 }) : t("replacesId", { cardId: card.reissue.oldCardId ?? "" })}
            </>
          ) : card.reissue.status === "issuer-only" ? (
            t("issuerOnly")
          ) : (
            t("notNamed")
          )}
        </li>
        <li>
          <span className="text-slate-500">{t("onCard")}</span>
          {card.platformType === 200
            ? t("onCardNotListed")
            : onCard.length === 0 && card.othersOnCard === 0
              ? t("onCardNothing")
              : t("onCardList", {
                  list: [...onCard.map((a) => a.name), ...(card.othersOnCard > 0 ? [t("others", { count: card.othersOnCard })] : [])].join(t("separator")),
                })}
        </li>
        {reloadable.map((a) => (
          <li key={a.aid} data-testid={`can-reload-${a.aid}`}>
            <Badge tone="good">{t("canReload")}</Badge>{" "}
            {t.rich("reloadable", {
              name: a.name,
              reissueFee: fmt.money(a.fee!.reissueFeeMinor, a.fee!.currency),
              normalFee: fmt.money(a.fee!.normalFeeMinor, a.fee!.currency),
              strong: (chunks) => <strong>{chunks}</strong>,
            })}
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-2 pt-1">
        {guidance.next ? (
          <Button onClick={() => onAction(guidance.next!)} disabled={disabled}>
            {actionLabel(guidance.next, card, t)}
          </Button>
        ) : (
          <span className="text-slate-600">{t("nothingLeft")}</span>
        )}
        {guidance.others.length > 0 && <span className="text-xs text-slate-500">{t("or")}</span>}
        {guidance.others.map((action) => (
          <Button key={action.kind} variant="secondary" onClick={() => onAction(action)} disabled={disabled}>
            {actionLabel(action, card, t)}
          </Button>
        ))}
      </div>
    </section>
  );
}
