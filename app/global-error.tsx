"use client";
import "./globals.css";

/**
 * Replaces the root layout when that fails; like app/error.tsx, without Next's inline styles (CSP).
 * Outside the root layout there is no language provider: it says it in both languages.
 */
export default function GlobalError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main className="grid min-h-screen place-items-center px-4">
          <div className="max-w-md text-center" role="alert">
            <h1 className="text-2xl font-semibold">Something went wrong</h1>
            <p className="mt-2 text-sm text-slate-600">The server could not finish this. Try again in a moment.</p>
            <p lang="ja" className="mt-2 text-sm text-slate-600">
              問題が発生しました。サーバーで処理を完了できませんでした。しばらくしてからもう一度お試しください。
            </p>
            <button type="button" onClick={reset} className="mt-6 rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300">
              Try again · <span lang="ja">再試行</span>
            </button>
          </div>
        </main>
      </body>
    </html>
  );
}
