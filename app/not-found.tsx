import Link from "next/link";

export default function NotFound() {
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-slate-500">404</p>
        <h1 className="mt-2 text-2xl font-semibold">Nothing here</h1>
        <p className="mt-2 text-sm text-slate-600">The page does not exist, or it is not one your account can see.</p>
        <Link href="/" className="mt-6 inline-block text-sm font-medium text-indigo-700 underline">
          Go to my portal
        </Link>
      </div>
    </main>
  );
}
