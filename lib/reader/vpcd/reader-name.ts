/**
 * Which PC/SC reader name a vpcd port shows up as. pcscd reads /etc/reader.conf.d/*: each vpcd entry
 * (LIBPATH …libifdvpcd…) listens on CHANNELID (or the number after ':' in DEVICENAME) for slot 0 and
 * the next port for slot 1, and pcscd names the slots "FRIENDLYNAME RR SS": RR the reader number
 * (00 for the first entry of that name), SS the slot, both two hex digits.
 */

/** One vpcd entry of a reader.conf file. */
export type VpcdEntry = { readonly friendlyName: string; readonly basePort: number };

/** vpcd serves two slots per entry (vsmartcard's VPCD_MAX_SLOTS). */
export const VPCD_SLOTS = 2;

/** The vpcd entries of reader.conf texts, in order. */
export function parseVpcdEntries(texts: readonly string[]): VpcdEntry[] {
  const out: VpcdEntry[] = [];
  for (const text of texts) {
    let fields: Record<string, string> = {};
    const flush = () => {
      const port = fields.CHANNELID ? Number.parseInt(fields.CHANNELID, fields.CHANNELID.startsWith("0x") ? 16 : 10) : Number.NaN;
      const fromDevice = /:(0x[0-9a-fA-F]+|\d+)$/.exec(fields.DEVICENAME ?? "")?.[1];
      const basePort = Number.isInteger(port) ? port : fromDevice ? Number.parseInt(fromDevice, fromDevice.startsWith("0x") ? 16 : 10) : Number.NaN;
      if (/vpcd/.test(fields.LIBPATH ?? "") && Number.isInteger(basePort)) out.push({ friendlyName: fields.FRIENDLYNAME ?? "Virtual PCD", basePort });
      fields = {};
    };
    for (const raw of text.split("\n")) {
      const line = raw.replace(/#.*/, "").trim();
      const match = /^(FRIENDLYNAME|DEVICENAME|LIBPATH|CHANNELID)\s+(.+)$/.exec(line);
      if (!match) continue;
      if (match[1] === "FRIENDLYNAME" && Object.keys(fields).length > 0) flush();
      fields[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1");
    }
    flush();
  }
  return out;
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");

/** The reader name pcscd shows for a vpcd port, or null when no vpcd entry listens there. */
export function vpcdReaderName(port: number, entries: readonly VpcdEntry[]): string | null {
  const seen = new Map<string, number>();
  for (const entry of entries) {
    const number = seen.get(entry.friendlyName) ?? 0;
    seen.set(entry.friendlyName, number + 1);
    const slot = port - entry.basePort;
    if (slot >= 0 && slot < VPCD_SLOTS) return `${entry.friendlyName} ${hex2(number)} ${hex2(slot)}`;
  }
  return null;
}
