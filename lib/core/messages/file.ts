/**
 * Message files: the patent lets the companies exchange communication data "by sending an
 * information storage medium such as a floppy disk by mail" instead of online. A file holds one
 * signed message (the same compact JWS as online delivery) under a few plain-text label lines for
 * the people handling the disk:
 *
 *   ReCard-Message-File v1
 *   Message-Type: card-information-reply
 *   Message-Id: RECARD01-SAKURA01-I0000000004
 *   Sender: RECARD01
 *   Receiver: SAKURA01
 *   Timestamp: 2025-06-12T13:45:01.000Z
 *   Exported-At: 2025-06-12T13:50:00.000Z
 *   Note: optional, one line
 *
 *   <the JWS, wrapped at 76 characters>
 *   END ReCard-Message-File
 *
 * The labels are not signed: the importer checks they agree with the signed payload (so a relabelled
 * file is caught), then passes the JWS to verifyMessage exactly like an online delivery.
 */
import { fromUtf8 } from "../bytes";
import { err, ok, type Result } from "../result";
import { refusal, type Refusal } from "./refusal";
import { isUtcInstant } from "./schemas";
import { readJwsUnverified } from "./signature";

/** First word of a message file, its format version, and its last line. */
export const MESSAGE_FILE_MAGIC = "ReCard-Message-File";
export const MESSAGE_FILE_VERSION = "v1";
export const MESSAGE_FILE_END = `END ${MESSAGE_FILE_MAGIC}`;
/** Suggested file name extension. */
export const MESSAGE_FILE_EXTENSION = ".recard-msg";
/** Largest file accepted, in characters. */
export const MAX_MESSAGE_FILE_LENGTH = 8 * 1024 * 1024;

const LINE_WIDTH = 76;

/** What the exporter adds beside the JWS. */
export type MessageFileMeta = {
  readonly exportedAt: Date;
  /** A one-line note for the person at the other end (not signed, not trusted). */
  readonly note?: string;
};

/** The labels read back from a file (all of them checked against the signed payload, except note). */
export type MessageFileLabels = {
  readonly messageType: string;
  readonly messageId: string;
  readonly sender: string;
  readonly receiver: string;
  readonly timestamp: string;
  readonly exportedAt: string;
  readonly note?: string;
};

const LABEL_KEYS = {
  "Message-Type": "messageType",
  "Message-Id": "messageId",
  Sender: "sender",
  Receiver: "receiver",
  Timestamp: "timestamp",
  "Exported-At": "exportedAt",
  Note: "note",
} as const satisfies Record<string, keyof MessageFileLabels>;
type LabelKey = keyof typeof LABEL_KEYS;

const REQUIRED_LABELS: readonly LabelKey[] = ["Message-Type", "Message-Id", "Sender", "Receiver", "Timestamp", "Exported-At"];

type PayloadHeader = { type: string; messageId: string; senderCompanyId: string; receiverCompanyId: string; timestamp: string };

/** Reads the (unverified) header of a JWS payload; only for labels, never for decisions. */
function peekHeader(jws: string): Result<PayloadHeader, string> {
  const read = readJwsUnverified(jws);
  if (!read.ok) return err(read.error.message);
  try {
    const json: unknown = JSON.parse(fromUtf8(read.value.payload));
    const h = (json as { header?: Record<string, unknown> }).header;
    const fields = ["type", "messageId", "senderCompanyId", "receiverCompanyId", "timestamp"] as const;
    if (h && fields.every((f) => typeof h[f] === "string")) return ok(h as PayloadHeader);
  } catch {
    // fall through
  }
  return err("the JWS payload is not a message with a header");
}

const isOneLine = (text: string) => !/[\u0000-\u001f\u007f]/.test(text);

/** Writes a signed message as a file. Throws when `jws` is not a signed message (a caller bug). */
export function encodeMessageFile(jws: string, meta: MessageFileMeta): string {
  const header = peekHeader(jws);
  if (!header.ok) throw new RangeError(`message file: ${header.error}`);
  if (meta.note !== undefined && (!isOneLine(meta.note) || meta.note.length > 200)) {
    throw new RangeError("message file: note must be one line of at most 200 characters");
  }
  const h = header.value;
  const lines = [
    `${MESSAGE_FILE_MAGIC} ${MESSAGE_FILE_VERSION}`,
    `Message-Type: ${h.type}`,
    `Message-Id: ${h.messageId}`,
    `Sender: ${h.senderCompanyId}`,
    `Receiver: ${h.receiverCompanyId}`,
    `Timestamp: ${h.timestamp}`,
    `Exported-At: ${meta.exportedAt.toISOString()}`,
    ...(meta.note === undefined ? [] : [`Note: ${meta.note}`]),
    "",
  ];
  for (let i = 0; i < jws.length; i += LINE_WIDTH) lines.push(jws.slice(i, i + LINE_WIDTH));
  lines.push(MESSAGE_FILE_END, "");
  return lines.join("\r\n");
}

/** A file name for a message file, from its message id. */
export function messageFileName(messageId: string): string {
  return `${messageId}${MESSAGE_FILE_EXTENSION}`;
}

const malformed = (message: string) => err(refusal("malformed-file", message));

/**
 * Reads a message file back to its JWS (and labels). Refuses anything that is not exactly the
 * format, and labels that disagree with the signed payload. The JWS still has to pass verifyMessage.
 */
export function decodeMessageFile(text: string): Result<{ jws: string; labels: MessageFileLabels }, Refusal> {
  if (text.length > MAX_MESSAGE_FILE_LENGTH) return malformed(`the file is larger than ${MAX_MESSAGE_FILE_LENGTH} characters`);
  // Accept what mail, FTP and editors do to text files: a BOM, CRLF or LF line ends.
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const first = lines[0] ?? "";
  const magic = /^ReCard-Message-File (\S+)$/.exec(first);
  if (!magic) return malformed(`line 1 must be "${MESSAGE_FILE_MAGIC} ${MESSAGE_FILE_VERSION}"`);
  if (magic[1] !== MESSAGE_FILE_VERSION) {
    return err(refusal("unsupported-file-version", `file format ${magic[1]} is not supported (this reader reads ${MESSAGE_FILE_VERSION})`));
  }

  const labels: Partial<Record<keyof MessageFileLabels, string>> = {};
  let i = 1;
  for (; i < lines.length && lines[i] !== ""; i++) {
    const line = lines[i]!;
    const m = /^([A-Za-z-]+): (.*)$/.exec(line);
    if (!m) return malformed(`line ${i + 1} must be "Label: value"`);
    const key = m[1]!;
    if (!Object.hasOwn(LABEL_KEYS, key)) return malformed(`line ${i + 1}: unknown label "${key.slice(0, 40)}"`);
    const field = LABEL_KEYS[key as LabelKey];
    if (labels[field] !== undefined) return malformed(`line ${i + 1}: label ${key} appears twice`);
    labels[field] = m[2]!;
  }
  for (const key of REQUIRED_LABELS) {
    if (labels[LABEL_KEYS[key]] === undefined) return malformed(`the label ${key} is missing`);
  }
  if (!isUtcInstant(labels.exportedAt ?? "")) return malformed("the label Exported-At must be a UTC ISO-8601 instant");
  if (i >= lines.length) return malformed("no blank line separates the labels from the signed message");

  const body: string[] = [];
  let ended = false;
  for (i += 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === MESSAGE_FILE_END) {
      ended = true;
      break;
    }
    if (!/^[A-Za-z0-9_.-]+$/.test(line)) return malformed(`line ${i + 1} is not part of a JWS (base64url and dots only)`);
    body.push(line);
  }
  if (!ended) return malformed(`the file is cut short: "${MESSAGE_FILE_END}" is missing`);
  if (lines.slice(i + 1).some((line) => line !== "")) return malformed(`text follows "${MESSAGE_FILE_END}"`);
  const jws = body.join("");

  const header = peekHeader(jws);
  if (!header.ok) return malformed(`the signed message cannot be read: ${header.error}`);
  const h = header.value;
  const checks: readonly [LabelKey, string | undefined, string][] = [
    ["Message-Type", labels.messageType, h.type],
    ["Message-Id", labels.messageId, h.messageId],
    ["Sender", labels.sender, h.senderCompanyId],
    ["Receiver", labels.receiver, h.receiverCompanyId],
    ["Timestamp", labels.timestamp, h.timestamp],
  ];
  for (const [key, label, signed] of checks) {
    if (label !== signed) {
      return err(
        refusal(
          "file-meta-mismatch",
          `the label ${key} says "${(label ?? "").slice(0, 80)}" but the signed message says "${signed.slice(0, 80)}": the file was altered`,
        ),
      );
    }
  }
  return ok({ jws, labels: labels as MessageFileLabels });
}
