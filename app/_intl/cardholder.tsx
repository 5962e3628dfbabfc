"use client";
import enAuth from "@/messages/en/auth.json";
import enCardholder from "@/messages/en/cardholder.json";
import enCommon from "@/messages/en/common.json";
import jaAuth from "@/messages/ja/auth.json";
import jaCardholder from "@/messages/ja/cardholder.json";
import jaCommon from "@/messages/ja/common.json";
import { scopedIntlProvider } from "./intl-provider";

/** CLIENT_SCOPES.cardholder (lib/i18n/messages.ts): the cardholder's own words. */
export const WORDS = {
  en: { common: enCommon, auth: enAuth, cardholder: enCardholder },
  ja: { common: jaCommon, auth: jaAuth, cardholder: jaCardholder },
};

export const CardholderIntlProvider = scopedIntlProvider(WORDS);
