"use client";
import enAuth from "@/messages/en/auth.json";
import enCommon from "@/messages/en/common.json";
import jaAuth from "@/messages/ja/auth.json";
import jaCommon from "@/messages/ja/common.json";
import { scopedIntlProvider } from "./intl-provider";

/** CLIENT_SCOPES.shared (lib/i18n/messages.ts): the words of the shell, the shared components and sign-in. */
export const WORDS = { en: { common: enCommon, auth: enAuth }, ja: { common: jaCommon, auth: jaAuth } };

export const SharedIntlProvider = scopedIntlProvider(WORDS);
