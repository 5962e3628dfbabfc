import { describe, expect, it } from "vitest";
import { parseVpcdEntries, vpcdReaderName } from "./reader-name";

// Debian's vsmartcard-vpcd package ships exactly this /etc/reader.conf.d/vpcd.
const DEBIAN = `FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x8C7B
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    0x8C7B
`;

describe("vpcd reader names", () => {
  it("names the two slots of Debian's default entry", () => {
    const entries = parseVpcdEntries([DEBIAN]);
    expect(entries).toEqual([{ friendlyName: "Virtual PCD", basePort: 35963 }]);
    expect(vpcdReaderName(35963, entries)).toBe("Virtual PCD 00 00");
    expect(vpcdReaderName(35964, entries)).toBe("Virtual PCD 00 01");
    expect(vpcdReaderName(35965, entries)).toBeNull();
  });

  it("numbers a second entry of the same name 01, and reads the port from DEVICENAME when CHANNELID is absent", () => {
    const second = `# another pair\nFRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:40000\nLIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\n`;
    const entries = parseVpcdEntries([DEBIAN, second]);
    expect(vpcdReaderName(40001, entries)).toBe("Virtual PCD 01 01");
    expect(parseVpcdEntries(['FRIENDLYNAME "Other"\nLIBPATH /usr/lib/other.so\nCHANNELID 1\n'])).toEqual([]);
  });
});
