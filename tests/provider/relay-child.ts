/**
 * A desk server process for the crash test (card-lease.int.test.ts): it relays a load to a presented card
 * through relayApdu and prints a line after each LOAD block ("LOAD n") or after the card's receipt
 * ("RECEIPT"). After the block or step named by STOP_AFTER it waits forever, for the test to kill -9 it.
 *   DATABASE_URL=… NEXTAUTH_SECRET=… tsx --conditions=react-server tests/provider/relay-child.ts '<json>'
 */
import { fromBase64Url } from "@/lib/core/bytes";
import { buildLoadFile, terminal } from "@/lib/core/card";
import type { ProviderActor } from "@/lib/server/auth/session";
import { relayApdu } from "@/lib/server/data/card-lease";
import type { GrantView } from "@/lib/server/data/provider/permissions";

const { actor, leaseId, tab, grant, stopAfter } = JSON.parse(process.argv[2]!) as {
  actor: ProviderActor;
  leaseId: string;
  tab: string;
  grant: GrantView;
  stopAfter: string;
};
let blocks = 0;
const hang = () => new Promise<never>(() => undefined);

const transmit = async (apdu: Uint8Array): Promise<Uint8Array> => {
  const relayed = await relayApdu(actor, { leaseId, deskTab: tab, apdu });
  if (!relayed.ok) throw new Error(`relay refused: ${relayed.error.code}`);
  if (apdu[1] === 0xe8) {
    blocks++;
    console.log(`LOAD ${blocks}`);
    if (stopAfter === `LOAD ${blocks}`) await hang();
  }
  return relayed.response;
};

await terminal.selectIsd(transmit);
const loaded = await terminal.loadApplication(transmit, {
  permission: fromBase64Url(grant.permissionToken),
  loadFile: buildLoadFile(grant.loadFile),
  aid: grant.applicationAid,
  installParams: grant.installParams,
});
console.log(loaded.ok ? "RECEIPT" : `REFUSED ${loaded.error.sw}`);
if (stopAfter === "RECEIPT") await hang();
process.exit(0);
