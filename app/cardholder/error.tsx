"use client";
import { PortalError } from "@/components/shell/portal-boundaries";

/** An unexpected failure in the cardholder portal, shown inside its shell (app/error.tsx outside the portals). */
export default function CardholderError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PortalError home="/cardholder" reset={reset} />;
}
