import { describe, expect, test } from "vitest";
import { INITIAL_SESSION, processApdu } from "./card-os";
import { toHex } from "../bytes";
import { seededCardEnv } from "./env";
import { cardInSlot, loadPermissionFor, sampleLoadFile, signDemo } from "./fixtures";
import { decodeCardSession, encodeCardSession } from "./session-codec";
import { loadApplication } from "./terminal";

describe("the card session as JSON (the presented-card relay keeps it between APDUs)", () => {
  test("a session in the middle of a LOAD round-trips through JSON, and the card continues from it exactly as without the trip", async () => {
    const slot = await cardInSlot(100, "session-codec");
    const loadFile = sampleLoadFile("transit");
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1, loadFile }));
    // Record the APDUs of a whole load on one card.
    const commands: Uint8Array[] = [];
    const loaded = await loadApplication(async (apdu) => (commands.push(apdu), slot.transmit(apdu)), { permission: token, loadFile, aid: "F0000000010001" });
    expect(loaded.ok).toBe(true);
    // Replay them on the pure card OS twice: once keeping the session in memory, once through JSON text each time.
    const run = (viaJson: boolean) => {
      let image = slot.image;
      let session = INITIAL_SESSION;
      const responses: string[] = [];
      const cardEnv = seededCardEnv("session-codec-replay");
      for (const c of commands) {
        const step = processApdu(image, session, c, cardEnv);
        image = step.image;
        session = viaJson ? decodeCardSession(JSON.parse(JSON.stringify(encodeCardSession(step.session)))) : step.session;
        responses.push(toHex(step.response));
      }
      return { image, responses };
    };
    expect(run(true)).toEqual(run(false));
  });

  test("anything that is not a stored session is the power-on session", () => {
    expect(decodeCardSession(null)).toEqual(INITIAL_SESSION);
    expect(decodeCardSession({})).toEqual(INITIAL_SESSION);
    expect(decodeCardSession(encodeCardSession(INITIAL_SESSION))).toEqual(INITIAL_SESSION);
  });
});
