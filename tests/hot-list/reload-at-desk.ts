/** The desk's reload as its page runs it: open the case, confirm, load every grant on the card and record it. */
import type { ProviderActor } from "@/lib/server/auth/session";
import { confirmReloadCase, openReloadCase, recordReloadLoad, type ReloadCaseView } from "@/lib/server/data/provider/reload";
import { grantsOf, type DeskCard } from "../provider/helpers";

export async function reloadAtDesk(actor: ProviderActor, card: DeskCard, aids: string[]) {
  const opened = await openReloadCase(actor, { ...(await card.read()), applicationAids: aids });
  if (opened.outcome !== "in_progress") return { opened, confirmed: null as ReloadCaseView | null, recorded: [] };
  const confirmed = await confirmReloadCase(actor, opened.id);
  const recorded = [];
  for (const grant of grantsOf(confirmed.applications))
    recorded.push((await recordReloadLoad(actor, opened.id, grant.permissionId, await card.load(grant))).recorded);
  return { opened, confirmed, recorded };
}
