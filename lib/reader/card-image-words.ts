import type { CardImageProblem } from "@/lib/core/card/image";

/** `useTranslations("common.reader.imageFile")`, keyed loosely (the keys are built from codes). */
export type ImageFileT = (key: string, values?: Record<string, string | number>) => string;

/**
 * Why a file is not a card image, in the reader's language (issue 15): the problem's code rendered from
 * messages/<locale>/common.json "reader.imageFile.problems", with the field's path as written in the file
 * and, for a field of the wrong form, what it must be ("expected.<code>"). The decoder's English
 * (`describeCardImageProblem`) is for tools and logs only.
 */
export function cardImageProblemWords(t: ImageFileT, problem: CardImageProblem): string {
  const expected = problem.code === "invalid" ? t(`expected.${problem.params.expected}`) : "";
  return t("invalid", { problem: t(`problems.${problem.code}`, { ...problem.params, path: problem.path, expected }) });
}
