"use client";
import Link from "next/link";

/**
 * What a page shows when rendering or an action fails unexpectedly. Our own, styled by the app's
 * stylesheet: Next's built-in fallback carries an inline <style> that the Content-Security-Policy
 * (no 'unsafe-inline') would block.
 */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="grid min-h-[50vh] place-items-center px-4">
      <div className="max-w-md text-center" role="alert">
        <h1 className="text-2xl font-semibold">Something went wrong</h1>
        <p className="mt-2 text-sm text-slate-600">The server could not finish this. Nothing you did was lost on our side; try again.</p>
        <div className="mt-6 flex justify-center gap-4 text-sm font-medium">
          <button type="button" onClick={reset} className="rounded-md px-3 py-1.5 ring-1 ring-slate-300">
            Try again
          </button>
          <Link href="/" className="px-3 py-1.5 text-indigo-700 underline">
            Go to my portal
          </Link>
        </div>
      </div>
    </main>
  );
}
