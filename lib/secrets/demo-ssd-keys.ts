import "server-only";

/**
 * DEMO ONLY: the master key the demo providers' application keys (their applications' own security
 * domains, lib/core/card/ssd.ts) are diversified from when RECARD_PROVIDER_SSD_MASTER_KEY is not set
 * (lib/server/data/provider/application-keys.ts). Public: it is in this repository.
 */
export const DEMO_PROVIDER_SSD_MASTER_KEY = "5245434152442D5353444D4153544552303030303030303030303030303030BB";
