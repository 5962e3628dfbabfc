"use client";
import "./globals.css";

/** Replaces the root layout when that fails; like app/error.tsx, without Next's inline styles (CSP). */
export default function GlobalError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main className="grid min-h-screen place-items-center px-4">
          <div className="max-w-md text-center" role="alert">
            <h1 className="text-2xl font-semibold">Something went wrong</h1>
            <p className="mt-2 text-sm text-slate-600">The server could not finish this. Try again in a moment.</p>
            <button type="button" onClick={reset} className="mt-6 rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300">
              Try again
            </button>
          </div>
        </main>
      </body>
    </html>
  );
}
