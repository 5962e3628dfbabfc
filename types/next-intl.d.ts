import type { FORMATS } from "@/lib/i18n/formats";
import type { AppLocale } from "@/lib/i18n/locales";
import type { AppMessages } from "@/lib/i18n/messages";

// Type-safe keys: t("unknown") fails `tsc` (docs/i18n.md). The English files are the reference.
declare module "next-intl" {
  interface AppConfig {
    Locale: AppLocale;
    Messages: AppMessages;
    Formats: typeof FORMATS;
  }
}
