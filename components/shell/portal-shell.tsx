import { Link } from "@/components/ui/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { LanguageSwitcher } from "./language-switcher";
import { NavLinks, type NavItem } from "./nav-links";
import { SignOutButton } from "./sign-out-button";

const ACCENT = {
  issuer: "bg-[var(--color-issuer)]",
  provider: "bg-[var(--color-provider)]",
  cardholder: "bg-[var(--color-cardholder)]",
} as const;

/** The frame of each portal: who is signed in, for which company, the sections, the language, and sign-out. */
export async function PortalShell({
  portal,
  person,
  company,
  nav,
  children,
}: {
  portal: keyof typeof ACCENT;
  person: { name: string; email: string };
  company: string;
  nav: NavItem[];
  children: ReactNode;
}) {
  const t = await getTranslations("common.shell");
  return (
    <div className="min-h-screen">
      <header className={`${ACCENT[portal]} text-white`}>
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-4 px-6 py-3">
          <div className="flex items-center gap-3">
            <Link href={`/${portal}`} className="flex items-center gap-2 font-semibold tracking-tight">
              <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-black/25 text-xs font-bold">
                RC
              </span>
              <span>ReCard</span>
            </Link>
            <span className="text-sm text-white/90">{t(`portalTitle.${portal}`)}</span>
          </div>
          <div className="flex items-center gap-4">
            <div className="text-right text-sm leading-tight" data-testid="signed-in-as">
              <div className="font-medium">{person.name}</div>
              <div className="text-white/90">{t("signedInAs", { company, email: person.email })}</div>
            </div>
            <LanguageSwitcher tone="dark" />
            <SignOutButton />
          </div>
        </div>
        <div className="mx-auto max-w-7xl px-4 pb-2">
          <NavLinks items={nav} root={`/${portal}`} label={t("navLabel")} />
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-6 py-8">{children}</main>
    </div>
  );
}
