import type { Metadata } from "next";
import { MessagesPage } from "@/components/messages/messages-page";
import { requirePortal } from "@/lib/server/auth/session";

export const metadata: Metadata = { title: "Messages" };

export default async function IssuerMessages({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/messages");
  return <MessagesPage companyId={actor.issuerCompanyId} basePath="/issuer/messages" params={await searchParams} />;
}
