"use server";
import { z } from "zod";
import { authorizeCompany } from "@/lib/server/auth/company";
import { retryCompanyMessage } from "@/lib/server/data/messages";
import { deliverSoon } from "@/lib/server/exchange/delivery";
import { importMessageFile } from "@/lib/server/exchange/files";

export type ImportState = { fieldErrors?: { file?: string[] }; tone?: "good" | "bad"; message?: string };

const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Imports a message file addressed to the signed-in company, through the same checks as online. */
export async function importMessageFileAction(_prev: ImportState, formData: FormData): Promise<ImportState> {
  const auth = await authorizeCompany();
  if (!auth.ok) return { tone: "bad", message: auth.refusal.message };
  const file = formData.get("file");
  if (!(file instanceof File) || file.size === 0) return { fieldErrors: { file: ["Choose a message file (.recard-msg)."] } };
  if (file.size > MAX_FILE_BYTES) return { fieldErrors: { file: ["A message file is at most 8 MiB."] } };
  const outcome = await importMessageFile(auth.companyId, await file.text());
  switch (outcome.status) {
    case "processed":
      return { tone: "good", message: `Imported ${outcome.messageId} (${outcome.type}): ${outcome.summary}` };
    case "replayed":
      return { tone: "good", message: `${outcome.messageId} was already received; nothing was done twice (${outcome.summary}).` };
    case "refused":
      return { tone: "bad", message: `Refused (${outcome.refusal.code}): ${outcome.refusal.message}` };
  }
}

const RetrySchema = z.object({ outboxId: z.uuid() });

/** Sends a dead message again. */
export async function retryMessageAction(formData: FormData): Promise<void> {
  const auth = await authorizeCompany();
  if (!auth.ok) return;
  const parsed = RetrySchema.safeParse({ outboxId: formData.get("outboxId") });
  if (!parsed.success) return;
  if (await retryCompanyMessage(auth.companyId, parsed.data.outboxId)) deliverSoon([parsed.data.outboxId]);
}
