/**
 * Load files: what a provider loads with INSTALL [for load] + LOAD. The load file data block
 * (the value of tag C4 in the LOAD data, GP 2.3.1 §11.6.2.3) starts with a small header naming
 * the applet it contains, followed by the applet's code bytes (opaque to the simulator):
 *
 *   52 43 4C 46   magic "RCLF"
 *   01            format version
 *   kk            applet kind: 01 transit, 02 loyalty, 03 credit
 *   LL …          AID: length (5..16) and bytes; the application it installs as
 *   vv vv         applet version, big-endian
 *   NN NN NN NN   code length, big-endian, then the code bytes
 *
 * The permission carries SHA-256 of this whole block, so the card refuses any other bytes.
 */
import { concatBytes, toHex, u16be, u32be, utf8 } from "../bytes";
import { assertNever, type Result } from "../result";
import { ByteReader, decodeWith, fail, hexField } from "./codec";
import { sha256, sha256Hex } from "./cryptography";
import { CARD_MEMORY_BYTES } from "./gp";

/** First four bytes of every load file data block. */
export const LOAD_FILE_MAGIC = utf8("RCLF");
/** Load file header format version. */
export const LOAD_FILE_VERSION = 0x01;
/** Header bytes besides the AID: magic 4 + version 1 + kind 1 + AID length 1 + version 2 + code length 4. */
export const LOAD_FILE_HEADER_BYTES = 13;

/** The applets this card OS can run. */
export type AppletKind = "transit" | "loyalty" | "credit";
/** Every applet kind. */
export const APPLET_KINDS: readonly AppletKind[] = ["transit", "loyalty", "credit"];
/** Applet kind codes in load file headers and install parameters. */
export const APPLET_KIND_CODE = { transit: 0x01, loyalty: 0x02, credit: 0x03 } as const;

/** A load file's content. */
export type LoadFile = {
  readonly kind: AppletKind;
  /** AID of the application it installs, upper-case hex. */
  readonly aid: string;
  readonly version: number;
  readonly code: Uint8Array;
};

/** Arguments of buildLoadFile: either the code bytes or a size for generated filler code. */
export type LoadFileSpec = {
  readonly kind: AppletKind;
  readonly aid: string;
  readonly version: number;
} & ({ readonly code: Uint8Array } | { readonly codeSize: number });

function kindFromCode(code: number): AppletKind | null {
  for (const kind of APPLET_KINDS) if (APPLET_KIND_CODE[kind] === code) return kind;
  return null;
}

/** Deterministic filler standing in for applet code: SHA-256 blocks over the kind, AID and version. */
function fillerCode(spec: { kind: AppletKind; aid: string; version: number }, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const seed = concatBytes(utf8(`ReCard/applet-code/${spec.kind}/${spec.aid}/${spec.version}/`));
  for (let block = 0; block * 32 < size; block++) {
    out.set(sha256(concatBytes(seed, u32be(block))).subarray(0, Math.min(32, size - block * 32)), block * 32);
  }
  return out;
}

/** Encodes a load file data block; throws RangeError naming the field when a value cannot be encoded. */
export function encodeLoadFile(file: LoadFile): Uint8Array {
  const aid = hexField(file.aid, "loadFile.aid", 5, 16);
  if (!Number.isInteger(file.version) || file.version < 0 || file.version > 0xffff) throw new RangeError(`loadFile.version: ${file.version}`);
  if (file.code.length + LOAD_FILE_HEADER_BYTES + aid.length > CARD_MEMORY_BYTES) {
    throw new RangeError(`loadFile.code: ${file.code.length} bytes cannot fit any card (${CARD_MEMORY_BYTES} bytes)`);
  }
  switch (file.kind) {
    case "transit":
    case "loyalty":
    case "credit":
      break;
    default:
      assertNever(file.kind, "applet kind");
  }
  return concatBytes(
    LOAD_FILE_MAGIC,
    Uint8Array.of(LOAD_FILE_VERSION, APPLET_KIND_CODE[file.kind], aid.length),
    aid,
    u16be(file.version),
    u32be(file.code.length),
    file.code,
  );
}

/** Decodes a load file data block strictly (magic, version, kind, AID, exact code length, no trailing bytes). */
export function decodeLoadFile(bytes: Uint8Array): Result<LoadFile, string> {
  return decodeWith("load file", () => {
    const r = new ByteReader(bytes, "loadFile");
    const magic = r.take(4, "magic");
    if (toHex(magic) !== toHex(LOAD_FILE_MAGIC)) fail("loadFile.magic", `expected "RCLF", got ${toHex(magic)}`);
    const version = r.u8("formatVersion");
    if (version !== LOAD_FILE_VERSION) fail("loadFile.formatVersion", `unknown version ${version}`);
    const kindCode = r.u8("kind");
    const kind = kindFromCode(kindCode);
    if (kind === null) fail("loadFile.kind", `unknown applet kind ${kindCode}`);
    const aidLength = r.u8("aidLength");
    if (aidLength < 5 || aidLength > 16) fail("loadFile.aidLength", `must be 5..16, got ${aidLength}`);
    const aid = toHex(r.take(aidLength, "aid"));
    const appletVersion = r.u16("appletVersion");
    const codeLength = r.u32("codeLength");
    const code = r.take(codeLength, "code");
    r.end();
    return { kind, aid, version: appletVersion, code };
  });
}

/** Builds a load file data block (the bytes whose SHA-256 a permission names). */
export function buildLoadFile(spec: LoadFileSpec): Uint8Array {
  const code = "code" in spec ? spec.code : fillerCode(spec, checkedSize(spec.codeSize));
  return encodeLoadFile({ kind: spec.kind, aid: spec.aid, version: spec.version, code });
}

function checkedSize(size: number): number {
  if (!Number.isInteger(size) || size < 0 || size > CARD_MEMORY_BYTES) throw new RangeError(`loadFile.codeSize: ${size}`);
  return size;
}

/** SHA-256 of a load file data block, upper-case hex (what permissions and receipts carry). */
export function loadFileHash(loadFile: Uint8Array): string {
  return sha256Hex(loadFile);
}
