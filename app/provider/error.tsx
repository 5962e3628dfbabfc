"use client";
import { PortalError } from "@/components/shell/portal-boundaries";

/** An unexpected failure in the provider portal, shown inside its shell (app/error.tsx outside the portals). */
export default function ProviderError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PortalError home="/provider" reset={reset} />;
}
