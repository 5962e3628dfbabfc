import { describe, expect, test } from "vitest";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { resolveDemoKey } from "./demo-keys";
import { EXAMPLE_MESSAGES } from "./fixtures";
import { decodeMessageFile, encodeMessageFile, messageFileName } from "./file";
import type { RefusalCode } from "./refusal";
import { signMessage, verifyMessage } from "./signature";

const reply = EXAMPLE_MESSAGES["card-information-reply"]; // RECARD01 → SAKURA01
const issuer = DEMO_COMPANY_KEYS.RECARD01;
const jws = await signMessage(reply, { privateKey: issuer.privateKey, kid: issuer.kid });
const exportedAt = new Date("2025-06-12T13:50:00.000Z");
const file = encodeMessageFile(jws, { exportedAt, note: "Disk 3 of 5, sent by registered mail" });

/** Import as the patent's floppy disk would be: decode, then the same checks as online delivery. */
async function importFile(text: string, now = new Date("2025-06-15T09:00:00.000Z")) {
  const decoded = decodeMessageFile(text);
  if (!decoded.ok) return decoded;
  return verifyMessage(decoded.value.jws, {
    resolveSenderKey: resolveDemoKey,
    expectedReceiverCompanyId: "SAKURA01",
    receiverRole: "provider",
    now,
    maxSkewSeconds: 300,
    maxAgeSeconds: 30 * 86_400,
  });
}

describe("message files", () => {
  test("the format: labels, a blank line, the JWS wrapped at 76, the end line", () => {
    const lines = file.split("\r\n");
    expect(lines.slice(0, 10)).toEqual([
      "ReCard-Message-File v1",
      "Message-Type: card-information-reply",
      "Message-Id: RECARD01-SAKURA01-I0000000004",
      "Sender: RECARD01",
      "Receiver: SAKURA01",
      "Timestamp: 2025-06-12T13:45:01.000Z",
      "Exported-At: 2025-06-12T13:50:00.000Z",
      "Note: Disk 3 of 5, sent by registered mail",
      "",
      jws.slice(0, 76),
    ]);
    expect(lines.at(-2)).toBe("END ReCard-Message-File");
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(9, -2).every((line) => line.length <= 76)).toBe(true);
  });

  test("round trip: export, import, verify like an online delivery", async () => {
    const decoded = decodeMessageFile(file);
    expect(decoded.ok && decoded.value.jws).toBe(jws);
    expect(decoded.ok && decoded.value.labels.note).toBe("Disk 3 of 5, sent by registered mail");
    expect(await importFile(file)).toStrictEqual({ ok: true, value: reply });
  });

  test("survives LF line ends, a BOM, and no note", async () => {
    expect(await importFile(`\uFEFF${file.replace(/\r\n/g, "\n")}`)).toStrictEqual({ ok: true, value: reply });
    expect(await importFile(encodeMessageFile(jws, { exportedAt }))).toStrictEqual({ ok: true, value: reply });
  });

  test("messageFileName", () => {
    expect(messageFileName(reply.header.messageId)).toBe("RECARD01-SAKURA01-I0000000004.recard-msg");
  });

  const bodyLine = 9;
  const editLine = (n: number, edit: (line: string) => string) =>
    file
      .split("\r\n")
      .map((line, i) => (i === n ? edit(line) : line))
      .join("\r\n");

  const refused: readonly (readonly [string, string, RefusalCode])[] = [
    ["another magic line", file.replace("ReCard-Message-File v1", "Message v1"), "malformed-file"],
    ["version 2", file.replace("ReCard-Message-File v1", "ReCard-Message-File v2"), "unsupported-file-version"],
    ["relabelled message id", file.replace("Message-Id: RECARD01-SAKURA01-I0000000004", "Message-Id: RECARD01-SAKURA01-I0000000005"), "file-meta-mismatch"],
    ["relabelled receiver", file.replace("Receiver: SAKURA01", "Receiver: METRO01"), "file-meta-mismatch"],
    ["relabelled type", file.replace("Message-Type: card-information-reply", "Message-Type: reissuance-notification"), "file-meta-mismatch"],
    ["a label missing", file.replace("Sender: RECARD01\r\n", ""), "malformed-file"],
    ["a label twice", file.replace("Sender: RECARD01\r\n", "Sender: RECARD01\r\nSender: RECARD01\r\n"), "malformed-file"],
    ["an unknown label", file.replace("Sender: RECARD01\r\n", "Sender: RECARD01\r\nPriority: high\r\n"), "malformed-file"],
    ["Exported-At not an instant", file.replace("Exported-At: 2025-06-12T13:50:00.000Z", "Exported-At: yesterday"), "malformed-file"],
    ["cut short", file.slice(0, file.indexOf("END")), "malformed-file"],
    ["text after the end line", `${file}P.S. call me\r\n`, "malformed-file"],
    ["a line that is not JWS text", editLine(bodyLine, (line) => `${line} `), "malformed-file"],
    ["no blank line", file.replace("registered mail\r\n\r\n", "registered mail\r\n"), "malformed-file"],
    ["empty", "", "malformed-file"],
    ["JWS body replaced by garbage", editLine(bodyLine, () => "AAAA"), "malformed-file"],
  ];
  test.each(refused)("refused: %s", (_name, text, code) => {
    const decoded = decodeMessageFile(text);
    expect(decoded.ok ? "accepted" : decoded.error.code).toBe(code);
  });

  test("tampered signed content: the file decodes but verification refuses it", async () => {
    // Change the 6 bits of one signature character (same file, same labels, one character differs).
    const at = jws.lastIndexOf(".") + 5;
    const tamperedJws = jws.slice(0, at) + (jws[at] === "A" ? "B" : "A") + jws.slice(at + 1);
    const tampered = encodeMessageFile(tamperedJws, { exportedAt, note: "Disk 3 of 5, sent by registered mail" });
    expect([...tampered].filter((c, i) => c !== file[i])).toHaveLength(1);
    expect(decodeMessageFile(tampered).ok).toBe(true);
    const result = await importFile(tampered);
    expect(result.ok ? "accepted" : result.error.code).toBe("bad-signature");
  });

  test("spare bits changed in the last signature character: refused, not silently equal", async () => {
    const lines = file.split("\r\n");
    const last = lines.length - 3;
    const ch = lines[last]!.at(-1)!;
    // The last character of a 64-byte signature carries 2 bits and 4 spare bits that must be zero.
    lines[last] = lines[last]!.slice(0, -1) + String.fromCharCode(ch.charCodeAt(0) + 1);
    const result = await importFile(lines.join("\r\n"));
    expect(result.ok ? "accepted" : result.error.code).toBe("malformed-file");
  });

  test("a file for another company is refused on import", async () => {
    const decoded = decodeMessageFile(file);
    if (!decoded.ok) throw new Error("decode failed");
    const result = await verifyMessage(decoded.value.jws, {
      resolveSenderKey: resolveDemoKey,
      expectedReceiverCompanyId: "METRO01",
      receiverRole: "provider",
      now: new Date(reply.header.timestamp),
      maxSkewSeconds: 300,
    });
    expect(!result.ok && result.error.code).toBe("wrong-receiver");
  });

  test("exporting something that is not a signed message, or a multi-line note, is a caller bug", () => {
    expect(() => encodeMessageFile("not.a.jws", { exportedAt })).toThrow(RangeError);
    expect(() => encodeMessageFile(jws, { exportedAt, note: "two\nlines" })).toThrow(RangeError);
  });
});
