"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useActionState, useEffect } from "react";
import { reissueQueueQuery } from "@/components/issuer/reissue-queue";
import { Button } from "@/components/ui/button";

/** What "approve all eligible" answered: counts and codes only (the words are here); `message` when it did not run. */
export type BulkApprovalState = {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  outcome?: { approved: number; left: { code: string; requests: number }[]; providers: number; pendingAfter: number };
};

const LEFT_CODES = ["examination-failed", "card-terminated", "already-decided", "busy"] as const;

/** The reissue queue's bulk approval (issue 16): one button, its outcome read out (aria-live). */
export function BulkApproval({ action }: { action: (prev: BulkApprovalState, formData: FormData) => Promise<BulkApprovalState> }) {
  const t = useTranslations("issuer.bulkApproval");
  const queryClient = useQueryClient();
  const [state, formAction, pending] = useActionState(action, {} as BulkApprovalState);
  useEffect(() => {
    if (state.outcome) void queryClient.invalidateQueries({ queryKey: reissueQueueQuery.queryKey });
  }, [state, queryClient]);
  return (
    <form action={formAction} className="mb-4 flex flex-wrap items-center gap-3">
      <Button type="submit" disabled={pending} aria-describedby="bulk-approval-hint">
        {pending ? t("working") : t("button")}
      </Button>
      <span id="bulk-approval-hint" className="text-xs text-slate-500">
        {t("hint")}
      </span>
      <p className="w-full text-sm" role="status" aria-live="polite">
        {state.message}
        {state.outcome && (
          <>
            {t("approved", { count: state.outcome.approved, providers: state.outcome.providers })}{" "}
            {state.outcome.left
              .filter((l) => (LEFT_CODES as readonly string[]).includes(l.code))
              .map((l) => t(`left.${l.code as (typeof LEFT_CODES)[number]}`, { count: l.requests }))
              .join(" ")}{" "}
            {t("pendingAfter", { count: state.outcome.pendingAfter })}
          </>
        )}
      </p>
    </form>
  );
}
