import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromHex, toHex } from "@/lib/core/bytes";
import {
  CcidFormatError,
  decodeCcidCommand,
  decodeCcidResponse,
  decodeNotifySlotChange,
  encodeCcidCommand,
  encodeCcidResponse,
  encodeNotifySlotChange,
  type CcidCommand,
  type CcidResponse,
} from "./message";

const commands: [string, CcidCommand, string][] = [
  ["IccPowerOn automatic", { type: "IccPowerOn", slot: 0, seq: 0, powerSelect: 0 }, "62 00000000 00 00 00 0000"],
  ["IccPowerOn 3 V", { type: "IccPowerOn", slot: 1, seq: 0x7f, powerSelect: 2 }, "62 00000000 01 7F 02 0000"],
  ["IccPowerOff", { type: "IccPowerOff", slot: 0, seq: 1 }, "63 00000000 00 01 000000"],
  ["GetSlotStatus", { type: "GetSlotStatus", slot: 0, seq: 2 }, "65 00000000 00 02 000000"],
  [
    "XfrBlock SELECT ISD",
    { type: "XfrBlock", slot: 0, seq: 3, bwi: 0, levelParameter: 0, data: fromHex("00A4040008A000000151000000") },
    "6F 0D000000 00 03 00 0000 00A4040008A000000151000000",
  ],
  ["XfrBlock next response part", { type: "XfrBlock", slot: 0, seq: 0xff, bwi: 0, levelParameter: 0x10, data: new Uint8Array(0) }, "6F 00000000 00 FF 00 1000"],
  [
    "XfrBlock 300 bytes, begins and continues",
    { type: "XfrBlock", slot: 0, seq: 4, bwi: 2, levelParameter: 1, data: new Uint8Array(300).fill(0xaa) },
    "6F 2C010000 00 04 02 0100" + "AA".repeat(300),
  ],
];

const responses: [string, CcidResponse, string][] = [
  [
    "DataBlock with an ATR",
    { type: "DataBlock", slot: 0, seq: 0, status: 0x00, error: 0, chainParameter: 0, data: fromHex("3B86800152454341524404") },
    "80 0B000000 00 00 00 00 00 3B86800152454341524404",
  ],
  [
    "DataBlock time extension",
    { type: "DataBlock", slot: 0, seq: 5, status: 0x80, error: 1, chainParameter: 0, data: new Uint8Array(0) },
    "80 00000000 00 05 80 01 00",
  ],
  [
    "DataBlock ICC mute",
    { type: "DataBlock", slot: 0, seq: 6, status: 0x42, error: 0xfe, chainParameter: 0, data: new Uint8Array(0) },
    "80 00000000 00 06 42 FE 00",
  ],
  [
    "DataBlock awaiting next part",
    { type: "DataBlock", slot: 0, seq: 7, status: 0, error: 0, chainParameter: 0x10, data: new Uint8Array(0) },
    "80 00000000 00 07 00 00 10",
  ],
  ["SlotStatus no card", { type: "SlotStatus", slot: 0, seq: 8, status: 0x02, error: 0, clockStatus: 0 }, "81 00000000 00 08 02 00 00"],
  ["SlotStatus inactive, clock stopped", { type: "SlotStatus", slot: 0, seq: 9, status: 0x01, error: 0, clockStatus: 3 }, "81 00000000 00 09 01 00 03"],
];

describe("CCID messages (CCID Rev 1.1 §6.1, §6.2)", () => {
  it.each(commands)("command %s", (_name, command, hex) => {
    expect(toHex(encodeCcidCommand(command))).toBe(hex.replace(/\s/g, ""));
    expect(decodeCcidCommand(fromHex(hex))).toEqual(command);
  });

  it.each(responses)("response %s", (_name, response, hex) => {
    expect(toHex(encodeCcidResponse(response))).toBe(hex.replace(/\s/g, ""));
    expect(decodeCcidResponse(fromHex(hex))).toEqual(response);
  });

  const badCommands: [string, string, string][] = [
    ["short header", "62 00000000 00 00 00 00", "header"],
    ["abData shorter than dwLength", "6F 05000000 00 00 00 0000 0102", "abData"],
    ["trailing bytes", "65 00000000 00 00 000000 00", "abData"],
    ["PowerOn with data", "62 01000000 00 00 00 0000 01", "dwLength"],
    ["bPowerSelect 4", "62 00000000 00 00 04 0000", "bPowerSelect"],
    ["RFU byte set", "63 00000000 00 00 000100", "abRFU"],
    ["unknown message type", "6A 00000000 00 00 000000", "bMessageType"],
  ];
  it.each(badCommands)("rejects command with %s", (_name, hex, field) => {
    expect(() => decodeCcidCommand(fromHex(hex))).toThrow(CcidFormatError);
    expect(() => decodeCcidCommand(fromHex(hex))).toThrow(`CCID ${field}:`);
  });

  const badResponses: [string, string, string][] = [
    ["RFU bStatus bits", "81 00000000 00 00 04 00 00", "bStatus"],
    ["bmICCStatus 3", "81 00000000 00 00 03 00 00", "bStatus"],
    ["bmCommandStatus 3", "80 00000000 00 00 C0 00 00", "bStatus"],
    ["SlotStatus with data", "81 01000000 00 00 00 00 00 AA", "dwLength"],
    ["a bulk-OUT type", "62 00000000 00 00 00 00 00", "bMessageType"],
  ];
  it.each(badResponses)("rejects response with %s", (_name, hex, field) => {
    expect(() => decodeCcidResponse(fromHex(hex))).toThrow(`CCID ${field}:`);
  });

  it("round-trips any XfrBlock and DataBlock", () => {
    const xfr = fc.record({
      type: fc.constant("XfrBlock" as const),
      slot: fc.integer({ min: 0, max: 255 }),
      seq: fc.integer({ min: 0, max: 255 }),
      bwi: fc.integer({ min: 0, max: 255 }),
      levelParameter: fc.integer({ min: 0, max: 0xffff }),
      data: fc.uint8Array({ maxLength: 600 }),
    });
    fc.assert(
      fc.property(xfr, (command) => {
        expect(decodeCcidCommand(encodeCcidCommand(command))).toEqual(command);
      }),
    );
    const block = fc.record({
      type: fc.constant("DataBlock" as const),
      slot: fc.integer({ min: 0, max: 255 }),
      seq: fc.integer({ min: 0, max: 255 }),
      status: fc.constantFrom(0x00, 0x01, 0x02, 0x40, 0x41, 0x42, 0x80, 0x81),
      error: fc.integer({ min: 0, max: 255 }),
      chainParameter: fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x10),
      data: fc.uint8Array({ maxLength: 600 }),
    });
    fc.assert(
      fc.property(block, (response) => {
        expect(decodeCcidResponse(encodeCcidResponse(response))).toEqual(response);
      }),
    );
  });

  it("encodes RDR_to_PC_NotifySlotChange two bits per slot (§6.3.1)", () => {
    expect(toHex(encodeNotifySlotChange([{ isPresent: true, hasChanged: true }]))).toBe("5003");
    expect(
      toHex(
        encodeNotifySlotChange([
          { isPresent: false, hasChanged: true },
          { isPresent: true, hasChanged: false },
        ]),
      ),
    ).toBe("5006");
    expect(decodeNotifySlotChange(fromHex("5002")).slice(0, 1)).toEqual([{ isPresent: false, hasChanged: true }]);
    expect(() => decodeNotifySlotChange(fromHex("51 00"))).toThrow("bMessageType");
  });
});
