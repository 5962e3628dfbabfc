"use server";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { multiLineText, requiredNumber } from "@/lib/validation/fields";
import type { FormState } from "@/components/issuer/simple-form";
import { formValues } from "@/lib/server/actions/form-values";
import { issuerRefusal } from "@/lib/server/actions/issuer-refusal";
import { issuerForm } from "@/lib/server/actions/portal-action";
import { issueMonthlyStatement, setFeeSchedule } from "@/lib/server/data/issuer/charges";
import { deliverNow, deliverSoon } from "@/lib/server/exchange/delivery";

/** Claim 13: a new schedule with a normal-load fee and a distinct reissue-reload fee, from now on. */
export const setFeeAction = issuerForm({
  name: "issuer.set-fee",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    const fee = () =>
      requiredNumber(
        z
          .number()
          .int(t("feeWhole"))
          .min(0, t("feeNegative"))
          .max(1_000_000, t("feeMax", { max: 1_000_000 })),
        t("feeMissing"),
      );
    return z.object({
      normalLoadFeeMinor: fee(),
      reissueReloadFeeMinor: fee(),
      reason: multiLineText(500, t("tooLong", { max: 500 })).pipe(z.string().min(5, t("feeReason"))),
    });
  },
  input: (formData) => ({ reason: "", ...formValues(formData) }),
  run: async ({ actor, input }, providerId: string, applicationId: string | null): Promise<FormState> => {
    const { reason, ...fees } = input;
    const result = await setFeeSchedule(actor, { providerId, applicationId, currency: "JPY", ...fees }, reason);
    if (!result.ok) return { message: await issuerRefusal(result.error) };
    revalidatePath("/issuer/charges");
    return { ok: true, message: (await getTranslations("issuer.actions"))("feesSaved") };
  },
});

/** Monthly statement(s) to a provider, sent as charge-statement messages (one per platform type). */
export const issueStatementAction = issuerForm({
  name: "issuer.issue-statement",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    return z.object({
      providerId: z.uuid({ error: t("provider") }),
      period: z.string({ error: t("month") }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, t("month")),
    });
  },
  run: async ({ actor, input }): Promise<FormState> => {
    const result = await issueMonthlyStatement(actor, input.providerId, input.period);
    if (!result.ok) return { message: await issuerRefusal(result.error, { period: input.period }) };
    await deliverNow(result.value.outboxIds).catch(() => deliverSoon(result.value.outboxIds));
    revalidatePath("/issuer/charges");
    const t = await getTranslations("issuer.actions");
    const parts = result.value.statements.map((s) => t("statementPart", { platformType: s.platformType, lines: s.lines, messageId: s.messageId }));
    return { ok: true, message: t("statementSent", { period: input.period, parts: parts.join(t("listSeparator")) }) };
  },
});
