"use client";
import { Link } from "@/components/ui/link";
import { useTranslations } from "next-intl";

/**
 * A portal's own error and not-found boundaries (app/<portal>/error.tsx, not-found.tsx): shown inside
 * the portal's shell, so its navigation stays, with the way back to the portal's overview. The root
 * boundaries (app/error.tsx, app/not-found.tsx) show the same, pointing to "/".
 */
export function PortalError({ home, label = "backToOverview", reset }: { home: string; label?: "backToOverview" | "goToPortal"; reset: () => void }) {
  const t = useTranslations("common.boundary");
  return (
    <div className="mx-auto max-w-md py-12 text-center" role="alert">
      <h1 className="text-2xl font-semibold">{t("errorTitle")}</h1>
      <p className="mt-2 text-sm text-slate-600">{t("errorText")}</p>
      <div className="mt-6 flex justify-center gap-4 text-sm font-medium">
        <button type="button" onClick={reset} className="rounded-md px-3 py-1.5 ring-1 ring-slate-300">
          {t("tryAgain")}
        </button>
        <Link href={home} className="px-3 py-1.5 text-indigo-700 underline">
          {t(label)}
        </Link>
      </div>
    </div>
  );
}

export function PortalNotFound({ home, label = "backToOverview" }: { home: string; label?: "backToOverview" | "goToPortal" }) {
  const t = useTranslations("common.boundary");
  return (
    <div className="mx-auto max-w-md py-12 text-center">
      <p className="text-sm font-semibold text-slate-500">404</p>
      <h1 className="mt-2 text-2xl font-semibold">{t("notFoundTitle")}</h1>
      <p className="mt-2 text-sm text-slate-600">{t("notFoundText")}</p>
      <Link href={home} className="mt-6 inline-block text-sm font-medium text-indigo-700 underline">
        {t(label)}
      </Link>
    </div>
  );
}
