import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-rose-600">403</p>
        <h1 className="mt-2 text-2xl font-semibold">This portal is not yours</h1>
        <p className="mt-2 text-sm text-slate-600">Your account cannot open this page. Each portal is for one kind of account: issuer operators, provider desks, or cardholders.</p>
        <Link href="/" className="mt-6 inline-block text-sm font-medium text-indigo-700 underline">
          Go to my portal
        </Link>
      </div>
    </main>
  );
}
