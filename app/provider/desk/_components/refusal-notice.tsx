import { RELOAD_REFUSAL_LABELS, type ReloadRefusal } from "@/lib/core/workflows/reload";

/** A refusal in plain words, with the patent step where the flow stopped. */
export function RefusalNotice({ refusal, title }: { refusal: ReloadRefusal; title?: string }) {
  return (
    <div role="alert" className="rounded-lg bg-rose-50 px-4 py-3 text-sm text-rose-900 ring-1 ring-inset ring-rose-200" data-testid="refusal">
      <p className="font-semibold">
        {title ?? RELOAD_REFUSAL_LABELS[refusal.code]} <span className="font-normal text-rose-700">(step {refusal.step})</span>
      </p>
      <p className="mt-1">{refusal.reason}</p>
    </div>
  );
}
