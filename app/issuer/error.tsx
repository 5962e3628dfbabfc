"use client";
import { PortalError } from "@/components/shell/portal-boundaries";

/** An unexpected failure in the issuer portal, shown inside its shell (app/error.tsx outside the portals). */
export default function IssuerError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PortalError home="/issuer" reset={reset} />;
}
