import { Link } from "@/components/ui/link";
import { useTranslations } from "next-intl";

export default function Forbidden() {
  const t = useTranslations("common.boundary");
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-rose-600">403</p>
        <h1 className="mt-2 text-2xl font-semibold">{t("forbiddenTitle")}</h1>
        <p className="mt-2 text-sm text-slate-600">{t("forbiddenText")}</p>
        <Link href="/" className="mt-6 inline-block text-sm font-medium text-indigo-700 underline">
          {t("goToPortal")}
        </Link>
      </div>
    </main>
  );
}
