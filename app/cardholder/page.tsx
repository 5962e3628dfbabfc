import type { Metadata } from "next";
import { CardVisual } from "@/components/card-visual";
import { Badge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { formatDate } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listMyCards, type MyCard } from "@/lib/server/data/cardholder/cards";

export const metadata: Metadata = { title: "My cards" };

function Applications({ card }: { card: MyCard }) {
  const live = card.applications.filter((a) => a.status === "loaded");
  if (live.length === 0) return <p className="text-sm text-slate-500">No applications on this card.</p>;
  return (
    <ul className="divide-y divide-slate-100" aria-label={`Applications on card ending ${card.surfaceNumber.slice(-4)}`}>
      {live.map((a) => (
        <li key={`${a.name}-${a.loadedAt.toISOString()}`} className="flex items-center justify-between py-2 text-sm">
          <span>
            <span className="font-medium">{a.name}</span> <span className="text-slate-500">by {a.providerName}</span>
          </span>
          <span className="flex items-center gap-2 text-xs text-slate-500">
            <Badge tone="info">{a.kind}</Badge> since {formatDate(a.loadedAt)}
          </span>
        </li>
      ))}
    </ul>
  );
}

export default async function MyCardsPage() {
  const actor = await requirePortal("cardholder", "/cardholder");
  const { current, earlier } = await listMyCards(actor);
  return (
    <>
      <PageHeader title={`Hello, ${actor.name.split(" ")[0]}`} description="Your cards, what is loaded on them, and the cards they replaced." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        {current.map((card) => (
          <Panel key={card.id} title={`Card ending ${card.surfaceNumber.slice(-4)}`}>
            <div className="grid gap-4 sm:grid-cols-[18rem_1fr]">
              <CardVisual surfaceNumber={card.surfaceNumber} status={card.status} platformType={card.platformType} expiresAt={card.expiresAt} />
              <div>
                {card.status === "blocked" && (
                  <p className="mb-3 rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800 ring-1 ring-rose-200">
                    Blocked{card.blockedReason ? `: ${card.blockedReason}` : ""}. Nothing can be loaded on it any more.
                  </p>
                )}
                {card.replacedCardSurfaceNumber && <p className="mb-2 text-xs text-slate-500">Reissued to replace the card ending {card.replacedCardSurfaceNumber.slice(-4)}.</p>}
                <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Applications</h3>
                <Applications card={card} />
              </div>
            </div>
          </Panel>
        ))}
        {current.length === 0 && <p className="text-sm text-slate-600">You have no card in use.</p>}
      </div>
      {earlier.length > 0 && (
        <Panel title="Earlier cards" className="mt-8">
          <ul className="divide-y divide-slate-100 text-sm">
            {earlier.map((card) => (
              <li key={card.id} className="flex justify-between py-2">
                <span className="font-mono">…{card.surfaceNumber.slice(-4)}</span>
                <span className="text-slate-500">
                  issued {formatDate(card.issuedAt)}, {card.applications.length} application{card.applications.length === 1 ? "" : "s"}, replaced
                </span>
              </li>
            ))}
          </ul>
        </Panel>
      )}
    </>
  );
}
