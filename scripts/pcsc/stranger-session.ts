/**
 * Prints the stranger's session (lib/core/card/fixtures.ts) for scripts/pcsc-integration.sh, one
 * command a line: `fresh` or `same` (whether its answer is fresh on every read), a tab, the APDU in hex, a
 * tab, its name. The forged issuer key updates (from 70 and 71) are made once here, so every session sends
 * the same bytes.
 *
 *   npx tsx --conditions=react-server scripts/pcsc/stranger-session.ts
 */
import { toHex } from "@/lib/core/bytes";
import { forgedIssuerKeyUpdate, FRESH_ANSWER, strangerSession } from "@/lib/core/card/fixtures";

const forgeries = [await forgedIssuerKeyUpdate(0x70), await forgedIssuerKeyUpdate(0x71)];
for (const { name, apdu } of strangerSession(forgeries)) console.log(`${FRESH_ANSWER.test(name) ? "fresh" : "same"}\t${toHex(apdu)}\t${name}`);
