/**
 * Starts the embedded server on argv[2], prints its URL, and waits to be killed: the stand-in for a
 * ReCard process that dies with kill -9 and leaves its database server running.
 */
import { startEmbeddedDatabase } from "../../lib/server/db/embedded";

const embedded = await startEmbeddedDatabase({ dir: process.argv[2]! });
console.log(`URL ${embedded.url}`);
setInterval(() => {}, 1 << 30);
