import type { ReloadRefusal } from "@/lib/core/workflows/reload";
import { describeRefusal, refusalLabel } from "@/lib/core/workflows/reload-words";

/** A refusal in plain words (rendered from its code), with the patent step where the flow stopped. */
export function RefusalNotice({ refusal, title, nameOf = (aid) => aid }: { refusal: ReloadRefusal; title?: string; nameOf?: (aid: string) => string }) {
  return (
    <div role="alert" className="rounded-lg bg-rose-50 px-4 py-3 text-sm text-rose-900 ring-1 ring-inset ring-rose-200" data-testid="refusal">
      <p className="font-semibold">
        {title ?? refusalLabel(refusal.code)} <span className="font-normal text-rose-700">(step {refusal.step})</span>
      </p>
      <p className="mt-1">{describeRefusal(refusal, { nameOf })}</p>
    </div>
  );
}
