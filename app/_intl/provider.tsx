"use client";
import enAuth from "@/messages/en/auth.json";
import enCommon from "@/messages/en/common.json";
import enProvider from "@/messages/en/provider.json";
import jaAuth from "@/messages/ja/auth.json";
import jaCommon from "@/messages/ja/common.json";
import jaProvider from "@/messages/ja/provider.json";
import { scopedIntlProvider } from "./intl-provider";

/** CLIENT_SCOPES.provider (lib/i18n/messages.ts): the provider's words, the desk's among them. */
export const WORDS = { en: { common: enCommon, auth: enAuth, provider: enProvider }, ja: { common: jaCommon, auth: jaAuth, provider: jaProvider } };

export const ProviderIntlProvider = scopedIntlProvider(WORDS);
