import { MESSAGE_ID_PATTERN } from "@/lib/core/message-id";
import { authorizeCompany } from "@/lib/server/auth/company";
import { exportMessageFile } from "@/lib/server/exchange/files";

export const dynamic = "force-dynamic";

/** Downloads one of the company's messages as a signed message file (the patent's floppy disk). */
export async function GET(_request: Request, { params }: { params: Promise<{ messageId: string }> }) {
  const auth = await authorizeCompany();
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const { messageId } = await params;
  const file = MESSAGE_ID_PATTERN.test(messageId) ? await exportMessageFile(auth.companyId, messageId) : null;
  if (!file) return Response.json({ error: "not_found", message: "No such message of yours." }, { status: 404 });
  return new Response(file.text, {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file.fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
