"use client";
import Link from "next/link";

/**
 * A portal's own error and not-found boundaries (app/<portal>/error.tsx, not-found.tsx): shown inside
 * the portal's shell, so its navigation stays, with the way back to the portal's overview. The root
 * boundaries (app/error.tsx, app/not-found.tsx) show the same, pointing to "/".
 */
export function PortalError({ home, homeLabel = "Back to the overview", reset }: { home: string; homeLabel?: string; reset: () => void }) {
  return (
    <div className="mx-auto max-w-md py-12 text-center" role="alert">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600">The server could not finish this. Nothing you did was lost on our side; try again.</p>
      <div className="mt-6 flex justify-center gap-4 text-sm font-medium">
        <button type="button" onClick={reset} className="rounded-md px-3 py-1.5 ring-1 ring-slate-300">
          Try again
        </button>
        <Link href={home} className="px-3 py-1.5 text-indigo-700 underline">
          {homeLabel}
        </Link>
      </div>
    </div>
  );
}

export function PortalNotFound({ home, homeLabel = "Back to the overview" }: { home: string; homeLabel?: string }) {
  return (
    <div className="mx-auto max-w-md py-12 text-center">
      <p className="text-sm font-semibold text-slate-500">404</p>
      <h1 className="mt-2 text-2xl font-semibold">Nothing here</h1>
      <p className="mt-2 text-sm text-slate-600">The page does not exist, or it is not one your account can see.</p>
      <Link href={home} className="mt-6 inline-block text-sm font-medium text-indigo-700 underline">
        {homeLabel}
      </Link>
    </div>
  );
}
