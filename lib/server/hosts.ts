/**
 * `RECARD_HOSTS` parsed (pure: used by the server, the seed and the scripts): the set of company ids a
 * deployment hosts, or null for "every company" (unset or empty). Ids are upper-case letters and digits.
 */
export const HOSTS_PATTERN = /^\s*[A-Z0-9_-]+(\s*,\s*[A-Z0-9_-]+)*\s*$/;

export function parseHosts(value: string | undefined | null): ReadonlySet<string> | null {
  if (value === undefined || value === null || value.trim() === "") return null;
  if (!HOSTS_PATTERN.test(value))
    throw new Error(`RECARD_HOSTS must be company ids separated by commas (e.g. "METRO01" or "HOSHI01,SAKURA01"), not ${JSON.stringify(value)}`);
  return new Set(value.split(",").map((id) => id.trim()));
}
