import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { MessagesPage } from "@/components/messages/messages-page";
import { requirePortal } from "@/lib/server/auth/session";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.nav"))("messages") };
}

export default async function ProviderMessages({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("provider", "/provider/messages");
  return <MessagesPage companyId={actor.providerCompanyId} basePath="/provider/messages" params={await searchParams} />;
}
