import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes";
import { cardInSlot, loadPermissionFor, sampleLoadFile, SAMPLE_AIDS, signDemo } from "./fixtures";
import { SW } from "./status-words";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { openSecureChannel } from "./scp03-host";

const DEMO_KEYS = { enc: fromHex(DEMO_ISD_KEYS.enc), mac: fromHex(DEMO_ISD_KEYS.mac), dek: fromHex(DEMO_ISD_KEYS.dek) };
import {
  describeStatusWord,
  exchange,
  getStatus,
  loadApplication,
  readCplc,
  readIin,
  readPlatformType,
  selectApplication,
  selectIsd,
  readBalance,
  type Transmit,
} from "./terminal";

/** A scripted card: answers each command with the next canned response and records what it got. */
function scripted(responses: string[]): { transmit: Transmit; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    transmit: async (apdu) => {
      sent.push(toHex(apdu));
      return fromHex(responses.shift() ?? "6F00");
    },
  };
}

describe("exchange", () => {
  it("follows 61xx with GET RESPONSE and concatenates the data", async () => {
    const card = scripted(["01026103", "0304059000"]);
    expect(await exchange(card.transmit, fromHex("80CA9F7F00"), "GET DATA")).toEqual({ ok: true, value: { data: fromHex("0102030405"), sw: 0x9000 } });
    expect(card.sent).toEqual(["80CA9F7F00", "00C0000003"]);
  });

  it("resends a short case-2 command with the exact Le after 6Cxx", async () => {
    const card = scripted(["6C05", "01020304059000"]);
    expect(await exchange(card.transmit, fromHex("80CA9F7F00"), "GET DATA")).toEqual({ ok: true, value: { data: fromHex("0102030405"), sw: 0x9000 } });
    expect(card.sent).toEqual(["80CA9F7F00", "80CA9F7F05"]);
  });

  it("reports a response shorter than a status word as a refusal without SW", async () => {
    const card = scripted(["90"]);
    expect(await exchange(card.transmit, fromHex("80CA9F7F00"), "GET DATA")).toEqual({
      ok: false,
      error: { step: "GET DATA", sw: null, meaning: "malformed response" },
    });
  });
});

describe("terminal against the simulated card", () => {
  it("reads IIN, CPLC and platform type", async () => {
    const slot = await cardInSlot(100);
    expect(await readIin(slot.transmit)).toEqual({ ok: true, value: "99000001" });
    expect(await readPlatformType(slot.transmit)).toEqual({ ok: true, value: 100 });
    const cplc = await readCplc(slot.transmit);
    expect(cplc.ok && cplc.value.icFabricator).toBe("5243");
    expect(cplc.ok && cplc.value.icPersonalizationDate).toBe("6001");
  });

  it("loads with extended-length LOAD blocks as well, and lists the application with GET STATUS", async () => {
    const slot = await cardInSlot(200);
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 }));
    const sent: number[] = [];
    const counting: Transmit = (apdu) => {
      sent.push(apdu.length);
      return slot.transmit(apdu);
    };
    const result = await loadApplication(counting, {
      permission: token,
      loadFile: sampleLoadFile("transit"),
      aid: SAMPLE_AIDS.transit,
      blockSize: 8192,
      lengths: "extended",
    });
    expect(result.ok).toBe(true);
    expect(sent).toHaveLength(1 + 5 + 1);
    // Platform 200: GET STATUS only inside the issuer's secure channel.
    expect(await getStatus(slot.transmit)).toMatchObject({ ok: false, error: { sw: SW.SECURITY_STATUS_NOT_SATISFIED } });
    const channel = await openSecureChannel(slot.transmit, { keys: DEMO_KEYS, keyVersion: 0, level: 0x01, hostChallenge: new Uint8Array(8) });
    if (!channel.ok) throw new Error(channel.error.meaning);
    expect(await getStatus(channel.value.transmit)).toEqual({ ok: true, value: [{ aid: SAMPLE_AIDS.transit, lifeCycle: 0x07, privileges: "000000" }] });
    // Platform 200: SELECT of an absent application answers like a present one; what it would read needs a channel (6982).
    expect(await selectApplication(slot.transmit, "F0000000099999")).toEqual({
      ok: true,
      value: { aid: "F0000000099999", label: null, version: null, isCardLocked: false },
    });
    expect(await readBalance(slot.transmit)).toMatchObject({ ok: false, error: { sw: SW.SECURITY_STATUS_NOT_SATISFIED } });
  });
});

describe("describeStatusWord", () => {
  it("gives a specific meaning for every status word the card uses", () => {
    for (const sw of Object.values(SW)) {
      expect(describeStatusWord(sw), sw.toString(16)).not.toMatch(/not used by this card|Unknown/);
    }
    expect(describeStatusWord(0x6110)).toMatch(/16 byte\(s\) still available/);
    expect(describeStatusWord(0x6100)).toMatch(/256 or more/);
    expect(describeStatusWord(0x6c2a)).toMatch(/Le = 42/);
    expect(describeStatusWord(0x6a87)).toMatch(/not used by this card/);
    expect(describeStatusWord(0x1234)).toBe("Unknown status word");
  });
});

describe("a chain another terminal session left open", () => {
  it("SELECT ISD is sent again after the card drops the chain (6883), once", async () => {
    const slot = await cardInSlot(100);
    // A command cut in the middle of its chain (CLA b5: more parts follow), then the desk's page reloads.
    expect(await slot.send("90E8000004DEADBEEF")).toBe("9000");
    const sent: string[] = [];
    const traced: Transmit = async (apdu) => {
      const response = await slot.transmit(apdu);
      sent.push(toHex(response.subarray(response.length - 2)));
      return response;
    };
    const selected = await selectIsd(traced);
    expect(selected.ok).toBe(true);
    expect(sent).toEqual(["6883", "9000"]);
    // Only once: a card answering 6883 again is refused with it.
    const stubborn = scripted(["6883", "6883"]);
    const refused = await selectIsd(stubborn.transmit);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.sw).toBe(SW.LAST_COMMAND_OF_CHAIN_EXPECTED);
    expect(stubborn.sent).toHaveLength(2);
  });
});
