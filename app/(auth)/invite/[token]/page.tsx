import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { SimpleForm } from "@/components/issuer/simple-form";
import { readInvitation } from "@/lib/server/data/issuer/cardholders";
import { acceptInvitationAction } from "./actions";

export const metadata: Metadata = { title: "Your ReCard account", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const valid = /^[A-Za-z0-9_-]{20,100}$/.test(token);
  const invitation = valid
    ? await readInvitation(token)
    : { ok: false as const, error: { message: "This invitation link is not valid. Ask the issuer for a new one." } };
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div className="mx-auto mb-3 grid h-12 w-12 place-items-center rounded-xl bg-slate-900 text-sm font-bold text-white">RC</div>
          <h1 className="text-xl font-semibold">Your ReCard account</h1>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          {invitation.ok ? (
            <>
              <p className="mb-4 text-sm text-slate-700">
                Welcome, {invitation.value.name}. Choose a password for <strong>{invitation.value.email}</strong>; you then sign in with it to see your cards
                and notices.
              </p>
              <SimpleForm
                action={acceptInvitationAction.bind(null, token)}
                idPrefix="invite"
                ariaLabel="Set your password"
                submitLabel="Set password"
                pendingLabel="Saving…"
                fields={[
                  { kind: "password", name: "password", label: "Password", hint: "At least 10 characters." },
                  { kind: "password", name: "confirm", label: "Password again" },
                ]}
              />
            </>
          ) : (
            <p role="alert" className="text-sm text-rose-700">
              {invitation.error.message}{" "}
              <Link className="underline" href="/signin">
                Sign in
              </Link>
            </p>
          )}
        </div>
      </div>
    </main>
  );
}
