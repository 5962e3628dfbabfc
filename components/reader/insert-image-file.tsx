"use client";

import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import type { CardImage } from "@/lib/core/card";
import { checkCardImage } from "@/lib/core/card/image";
import { cardImageProblemWords } from "@/lib/reader/card-image-words";
import { FieldErrors } from "@/components/ui/field";
import { FileField } from "@/components/ui/file-field";

/**
 * Inserts a card image file (e.g. one made with `npm run card -- new`) into the desk's simulator
 * reader: a test card that no cardholder presented, so nothing is returned to a wallet afterwards.
 */
export function InsertImageFile({ onImage, disabled = false, hint }: { onImage: (image: CardImage) => void; disabled?: boolean; hint?: React.ReactNode }) {
  const t = useTranslations("common.reader.imageFile");
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <FileField
        id={id}
        label={t("label")}
        accept=".json,application/json"
        disabled={disabled}
        describedBy={`${id}-hint ${id}-error`}
        onChange={async (event) => {
          const file = event.currentTarget.files?.[0];
          event.currentTarget.value = "";
          if (!file) return;
          const decoded = checkCardImage(await file.text());
          if (!decoded.ok) {
            // Words in the reader's language from the problem's code; the field's path stays as the file has it.
            setError(cardImageProblemWords((key, values) => t(key as never, values as never), decoded.error));
            return;
          }
          setError(null);
          onImage(decoded.value);
        }}
      />
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
        {hint ?? t.rich("hint", { code: (chunks) => <code>{chunks}</code> })}
      </p>
      <FieldErrors id={`${id}-error`} errors={error ? [error] : undefined} />
    </div>
  );
}
