import { checkHealth } from "@/lib/server/data/health";

export const dynamic = "force-dynamic";

/** Liveness and database reachability: 200 with the database in use, 503 when it cannot be reached. */
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
