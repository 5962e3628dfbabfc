"use client";
import { PortalError } from "@/components/shell/portal-boundaries";

/**
 * What a page shows when rendering or an action fails unexpectedly. Our own, styled by the app's
 * stylesheet: Next's built-in fallback carries an inline <style> that the Content-Security-Policy
 * (no 'unsafe-inline') would block.
 */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="grid min-h-[50vh] place-items-center px-4">
      <PortalError home="/" label="goToPortal" reset={reset} />
    </main>
  );
}
