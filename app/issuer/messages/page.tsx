import type { Metadata } from "next";
import { MessagesPage } from "@/components/messages/messages-page";
import { requirePortal } from "@/lib/server/auth/session";

export const metadata: Metadata = { title: "Messages" };

export default async function IssuerMessages({ searchParams }: { searchParams: Promise<{ view?: string }> }) {
  const actor = await requirePortal("issuer", "/issuer/messages");
  const { view } = await searchParams;
  return <MessagesPage companyId={actor.issuerCompanyId} basePath="/issuer/messages" view={view} />;
}
