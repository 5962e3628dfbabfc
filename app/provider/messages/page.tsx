import type { Metadata } from "next";
import { MessagesPage } from "@/components/messages/messages-page";
import { requirePortal } from "@/lib/server/auth/session";

export const metadata: Metadata = { title: "Messages" };

export default async function ProviderMessages({ searchParams }: { searchParams: Promise<{ view?: string }> }) {
  const actor = await requirePortal("provider", "/provider/messages");
  const { view } = await searchParams;
  return <MessagesPage companyId={actor.providerCompanyId} basePath="/provider/messages" view={view} />;
}
