"use client";

import { formatMoney } from "@/lib/core/format";
import { guideDesk, reloadableNow, type CardAtDesk, type DeskAction } from "@/lib/core/workflows/desk-guide";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";

/** The words of each action's button. */
function actionLabel(action: DeskAction, card: CardAtDesk): string {
  switch (action.kind) {
    case "reload": {
      const names = card.applications.filter((a) => action.aids.includes(a.aid)).map((a) => a.name);
      return `Reload ${names.join(" and ")}`;
    }
    case "reload-form":
      return "Reload on a reissued card";
    case "first-load":
      return "First load";
  }
}

/**
 * One panel after the card is read (issue 15): whose card it is, whether it replaces an old card,
 * what is on it, what can be reloaded and what that costs, and the one sensible next action with the
 * others one click away.
 */
export function CardGuide({ card, onAction, disabled }: { card: CardAtDesk; onAction: (action: DeskAction) => void; disabled: boolean }) {
  const guidance = guideDesk(card);
  const reloadable = reloadableNow(card);
  const onCard = card.applications.filter((a) => a.isOnCard);
  return (
    <section aria-label="This card" className="space-y-3 text-sm" data-testid="card-guide">
      <p className="text-base font-semibold text-slate-900">
        {card.customer ? (
          <>
            {card.customer.fullName}&apos;s card <span className="font-normal text-slate-500">(customer {card.customer.customerNo})</span>
          </>
        ) : card.platformType === 200 ? (
          "A card whose holder only the issuer can name"
        ) : (
          "Not a card of one of our customers, as far as our records go"
        )}
      </p>
      <ul className="space-y-1.5">
        <li>
          {card.reissue.status === "replaces" ? (
            <>
              <Badge tone="info">reissued card</Badge>{" "}
              {card.reissue.oldCardLast4
                ? `This card replaces …${card.reissue.oldCardLast4}.`
                : `This card replaces the card with id ${card.reissue.oldCardId}.`}
            </>
          ) : card.reissue.status === "issuer-only" ? (
            "Whether this card replaces an old one only the issuer can tell (the card shows no card id): checking a reload asks it."
          ) : (
            "The reissuance information we received does not name this card: checking a reload asks the issuer before anything is concluded."
          )}
        </li>
        <li>
          <span className="text-slate-500">On the card: </span>
          {card.platformType === 200
            ? "not listed (a platform-200 card shows its applications only inside the issuer's secure channel)."
            : onCard.length === 0 && card.othersOnCard === 0
              ? "nothing yet."
              : [
                  ...onCard.map((a) => a.name),
                  ...(card.othersOnCard > 0 ? [`${card.othersOnCard} application${card.othersOnCard === 1 ? "" : "s"} of other providers`] : []),
                ].join(", ") + "."}
        </li>
        {reloadable.map((a) => (
          <li key={a.aid} data-testid={`can-reload-${a.aid}`}>
            <Badge tone="good">can be reloaded</Badge> <strong>{a.name}</strong> can be reloaded: {formatMoney(a.fee!.reissueFeeMinor, a.fee!.currency)} reissue
            fee instead of {formatMoney(a.fee!.normalFeeMinor, a.fee!.currency)}; the old examination is reused.
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-2 pt-1">
        {guidance.next ? (
          <Button onClick={() => onAction(guidance.next!)} disabled={disabled}>
            {actionLabel(guidance.next, card)}
          </Button>
        ) : (
          <span className="text-slate-600">Nothing of ours left to load on this card.</span>
        )}
        {guidance.others.length > 0 && <span className="text-xs text-slate-500">or</span>}
        {guidance.others.map((action) => (
          <Button key={action.kind} variant="secondary" onClick={() => onAction(action)} disabled={disabled}>
            {actionLabel(action, card)}
          </Button>
        ))}
      </div>
    </section>
  );
}
