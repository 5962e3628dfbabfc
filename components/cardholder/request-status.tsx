import { useFormatter, useTranslations } from "next-intl";
import { StatusBadge } from "@/components/ui/badge";
import { reasonWord } from "@/components/cardholder/words";

type Request = {
  requestNo: number;
  reason: string;
  status: "pending" | "approved" | "rejected" | "withdrawn";
  createdAt: Date;
  decidedAt: Date | null;
  rejectionReason: string | null;
};

/** The status of a reissue request as the cardholder follows it; a rejection shows its reason (504/904). */
export function RequestStatus({ request }: { request: Request }) {
  const t = useTranslations("cardholder");
  const format = useFormatter();
  const tone = request.status === "rejected" ? "bg-rose-50 text-rose-900 ring-rose-200" : "bg-amber-50 text-amber-900 ring-amber-200";
  return (
    <div
      className={`mb-3 rounded-lg px-3 py-2 text-sm ring-1 ring-inset ${tone}`}
      data-testid="request-status"
      aria-label={t("requestStatus.label", { requestNo: String(request.requestNo) })}
    >
      <p className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{t("requestStatus.title", { requestNo: String(request.requestNo), reason: reasonWord(t, request.reason) })}</span>
        <StatusBadge status={request.status} />
      </p>
      {request.status === "pending" && <p className="mt-1 text-xs">{t("requestStatus.pending", { date: format.dateTime(request.createdAt, "dateTime") })}</p>}
      {request.status === "rejected" && (
        <p className="mt-1">
          {t("requestStatus.rejected", { date: request.decidedAt ? format.dateTime(request.decidedAt, "dateTime") : "" })}{" "}
          <span data-testid="rejection-reason">{request.rejectionReason}</span>
        </p>
      )}
    </div>
  );
}
