import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Stat, StatGrid } from "@/components/ui/stat";
import { Table, Td } from "@/components/ui/table";
import { formatInstant, formatMoney, maskSurfaceNumber, platformTypeShort } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listPermissions } from "@/lib/server/data/issuer/permission-registry";
import { FieldErrors } from "@/components/ui/field";
import { parseSearchParam } from "@/lib/validation/fields";

export const metadata: Metadata = { title: "Loading permissions" };

const FilterSchema = z.object({
  status: z.enum(["granted", "refused", "confirmed", "failed"]).optional().catch(undefined),
  kind: z.enum(["first_load", "reload"]).optional().catch(undefined),
  provider: z
    .string()
    .regex(/^[A-Z0-9]{4,12}$/)
    .optional()
    .catch(undefined),
  q: z.string().max(40).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
});

const PAGE = 50;
const SELECT = "mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300";

export default async function PermissionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/permissions");
  const params = await searchParams;
  // A search word with a control character (NUL…) is refused by the box, not sent to the database.
  const search = parseSearchParam(params.q, 40);
  const f = FilterSchema.parse({ ...params, q: search.query });
  const { rows, total, byStatus } = await listPermissions(
    actor,
    { status: f.status, kind: f.kind, providerCompanyId: f.provider, messageId: f.q },
    { skip: (f.page - 1) * PAGE, take: PAGE },
  );
  const query = (page: number) =>
    `?${new URLSearchParams({ ...(f.status ? { status: f.status } : {}), ...(f.kind ? { kind: f.kind } : {}), ...(f.provider ? { provider: f.provider } : {}), ...(f.q ? { q: f.q } : {}), page: String(page) })}`;
  return (
    <>
      <PageHeader
        title="Loading permissions"
        description="Every AP loading permission the issuer decided, keyed by its message id (Fig. 17): first loads after checking contract, registration and load file; reloads on reissued cards proven by the reissue link; refusals with their reason. Only a verified card receipt makes a permission confirmed."
      />
      <StatGrid>
        <Stat label="Confirmed" value={byStatus.confirmed ?? 0} hint="receipt verified, on the card" />
        <Stat label="Granted" value={byStatus.granted ?? 0} hint="waiting for the card's receipt" />
        <Stat label="Refused" value={byStatus.refused ?? 0} hint="with a reason code" />
        <Stat label="Failed" value={byStatus.failed ?? 0} hint="the card refused the load" />
      </StatGrid>
      <Panel className="mt-6">
        <form className="mb-4 flex flex-wrap items-end gap-3" role="search" aria-label="Filter permissions">
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Message id</span>
            <input
              name="q"
              defaultValue={f.q}
              placeholder="RECARD01-METRO01-I…"
              className="mt-1 w-64 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
              aria-describedby="q-error"
            />
            <FieldErrors id="q-error" errors={search.error ? [search.error] : undefined} />
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Status</span>
            <select name="status" defaultValue={f.status ?? ""} className={SELECT}>
              <option value="">Any</option>
              <option value="confirmed">Confirmed</option>
              <option value="granted">Granted</option>
              <option value="refused">Refused</option>
              <option value="failed">Failed</option>
            </select>
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Kind</span>
            <select name="kind" defaultValue={f.kind ?? ""} className={SELECT}>
              <option value="">Any</option>
              <option value="first_load">First load</option>
              <option value="reload">Reload</option>
            </select>
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Provider</span>
            <select name="provider" defaultValue={f.provider ?? ""} className={SELECT}>
              <option value="">Any</option>
              <option value="METRO01">METRO01</option>
              <option value="HOSHI01">HOSHI01</option>
              <option value="SAKURA01">SAKURA01</option>
            </select>
          </label>
          <Button type="submit">Filter</Button>
        </form>
        <p className="mb-2 text-xs text-slate-500" aria-live="polite">
          {total} permission{total === 1 ? "" : "s"}
        </p>
        <Table
          head={["Message id", "Provider", "Application", "Card", "Kind", "Status", "Decided", "Reason / original", "Charge"]}
          caption="Loading permissions"
          empty="No permission matches."
        >
          {rows.map((p) => (
            <tr key={p.id}>
              <Td mono>{p.messageId}</Td>
              <Td>{p.provider.companyId}</Td>
              <Td>{p.application ? `${p.application.name}` : "—"}</Td>
              <Td mono>
                {p.card ? (
                  <Link className="underline" href={`/issuer/cards/${p.card.id}`}>
                    {maskSurfaceNumber(p.card.surfaceNumber)} · {platformTypeShort(p.card.platformType)}
                  </Link>
                ) : (
                  "—"
                )}
              </Td>
              <Td>{p.kind.replace("_", " ")}</Td>
              <Td>
                <StatusBadge status={p.status} />
              </Td>
              <Td>{formatInstant(p.decidedAt)}</Td>
              <Td className="max-w-sm truncate">
                {p.refusalCode ? (
                  <span title={p.refusalReason ?? ""}>
                    <span className="font-mono text-xs">{p.refusalCode}</span>: {p.refusalReason}
                  </span>
                ) : p.originalMessageId ? (
                  <span className="font-mono text-xs">reload of {p.originalMessageId}</span>
                ) : (
                  "—"
                )}
              </Td>
              <Td>{p.charge ? `${formatMoney(p.charge.amountMinor, p.charge.currency)} ${p.charge.kind === "reissue_reload" ? "(reissue)" : ""}` : "—"}</Td>
            </tr>
          ))}
        </Table>
        {total > PAGE && (
          <nav className="mt-4 flex gap-3 text-sm" aria-label="Pages">
            {f.page > 1 && (
              <a className="underline" href={query(f.page - 1)}>
                Previous
              </a>
            )}
            {f.page * PAGE < total && (
              <a className="underline" href={query(f.page + 1)}>
                Next
              </a>
            )}
          </nav>
        )}
      </Panel>
    </>
  );
}
