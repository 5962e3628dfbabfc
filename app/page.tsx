import { redirect } from "next/navigation";
import { getActor, PORTAL_HOME } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";

/** The front door: each signed-in person goes to their own portal, everyone else to sign-in. */
export default async function Home() {
  const actor = await getActor();
  redirect(actor ? PORTAL_HOME[actor.role] : "/signin");
}
