import { useFormatter, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { maskSurfaceNumber } from "@/lib/core/format";
import { platformWords } from "@/components/cardholder/words";

/** A card as the cardholder knows it: the plastic with its masked surface number and status. */
export function CardVisual({
  surfaceNumber,
  status,
  platformType,
  expiresAt,
  children,
}: {
  surfaceNumber: string;
  status: string;
  platformType: number;
  expiresAt: Date;
  children?: ReactNode;
}) {
  const t = useTranslations("cardholder");
  const format = useFormatter();
  const dim = status === "terminated" ? "opacity-60 grayscale" : "";
  return (
    <div className={`rounded-2xl bg-gradient-to-br from-slate-800 to-slate-600 p-5 text-white shadow-md ${dim}`} data-testid="card-visual">
      <div className="flex items-start justify-between">
        <div className="text-sm font-semibold tracking-wide">ReCard</div>
        <StatusBadge status={status} />
      </div>
      <div aria-hidden className="mt-4 h-8 w-11 rounded-md bg-gradient-to-br from-amber-200 to-amber-400" />
      <div className="mt-4 font-mono text-lg tracking-widest" aria-label={t("card.ending", { last4: surfaceNumber.slice(-4) })}>
        {maskSurfaceNumber(surfaceNumber)}
      </div>
      <div className="mt-2 flex justify-between text-xs text-white/90">
        <span>{platformWords(t, platformType)}</span>
        <span>{t("card.validTo", { month: format.dateTime(expiresAt, "month") })}</span>
      </div>
      {children}
    </div>
  );
}
