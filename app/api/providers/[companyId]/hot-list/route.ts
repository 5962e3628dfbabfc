import { getActor } from "@/lib/server/auth/session";
import { serveHotList } from "@/lib/server/data/provider/hot-list";

export const dynamic = "force-dynamic";

/**
 * The provider's hot list for its own terminals (gates, counter readers): JSON or CSV, changes since
 * a cursor (`?since=`), ETag / If-None-Match. A terminal token (`Authorization: Bearer …`) or a
 * provider session of the same provider; anyone else is refused (lib/server/data/provider/hot-list.ts).
 */
export async function GET(request: Request, { params }: { params: Promise<{ companyId: string }> }) {
  const { companyId } = await params;
  const url = new URL(request.url);
  const authorization = request.headers.get("authorization");
  const bearer = authorization === null ? null : (/^Bearer (\S+)$/.exec(authorization)?.[1] ?? "");
  const actor = bearer === null ? await getActor() : null;
  const result = await serveHotList({
    companyId,
    bearer,
    sessionProvider: actor?.role === "provider" ? actor.providerCompanyId : null,
    sessionOtherRole: actor !== null && actor.role !== "provider",
    since: url.searchParams.get("since"),
    format: url.searchParams.get("format"),
    accept: request.headers.get("accept"),
    ifNoneMatch: request.headers.get("if-none-match"),
  });
  return new Response(result.status === 304 ? null : result.body, { status: result.status, headers: result.headers });
}
