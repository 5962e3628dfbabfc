"use client";
import enAuth from "@/messages/en/auth.json";
import enCardholder from "@/messages/en/cardholder.json";
import enCommon from "@/messages/en/common.json";
import enIssuer from "@/messages/en/issuer.json";
import jaAuth from "@/messages/ja/auth.json";
import jaCardholder from "@/messages/ja/cardholder.json";
import jaCommon from "@/messages/ja/common.json";
import jaIssuer from "@/messages/ja/issuer.json";
import { scopedIntlProvider } from "./intl-provider";

/**
 * CLIENT_SCOPES.issuer (lib/i18n/messages.ts): the issuer's own words and the cardholder's report form,
 * which an operator fills on a cardholder's behalf (components/cardholder/report-form.tsx).
 */
export const WORDS = {
  en: { common: enCommon, auth: enAuth, issuer: enIssuer, cardholder: enCardholder },
  ja: { common: jaCommon, auth: jaAuth, issuer: jaIssuer, cardholder: jaCardholder },
};

export const IssuerIntlProvider = scopedIntlProvider(WORDS);
