/**
 * The message codec: strict decoding of untrusted JSON into a typed Message, and the canonical
 * encoding that is signed. decode(encode(x)) gives x back, and its canonical bytes are x's.
 */
import type { z } from "zod";
import { fromUtf8, utf8 } from "../bytes";
import { err, ok, type Result } from "../result";
import { canonicalJson } from "./canonical-json";
import { isMessageType, type MessageType } from "./message-types";
import { refusal, type Refusal, type RefusalCode } from "./refusal";
import { checkMessageRules, findCardReferenceMismatch } from "./rules";
import { MESSAGE_SCHEMAS, MESSAGE_VERSION, type Message } from "./schemas";

/** Largest encoded message accepted (a full charge statement fits with room to spare). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** "pairs[2].oldCardId" from ["pairs", 2, "oldCardId"]. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let node: unknown = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, segment)) return { present: false, value: undefined };
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return { present: true, value: node };
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function issueToRefusal(issue: z.core.$ZodIssue, raw: unknown, type: MessageType): Refusal {
  const field = fieldPath(issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0] ?? "?";
      const unknownField = field === "" ? key : `${field}.${key}`;
      return refusal("unknown-field", `${unknownField} is not a field of a ${type} message`, unknownField);
    }
    case "invalid_type": {
      const at = valueAt(raw, issue.path);
      if (!at.present || at.value === undefined) return refusal("missing-field", `${field} is required`, field);
      if (issue.expected === "int") return refusal("invalid-field", `${field} must be a whole number`, field);
      return refusal("invalid-field", `${field} must be ${article(issue.expected)} (got ${describeValue(at.value)})`, field);
    }
    case "invalid_value":
      return refusal("invalid-field", `${field} must be ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}`, field);
    case "invalid_union": {
      const at = valueAt(raw, issue.path);
      if (!at.present) return refusal("missing-field", `${field} is required`, field);
      return refusal("invalid-field", `${field}: ${issue.message}`, field);
    }
    case "custom": {
      const code = (issue.params as { refusal?: RefusalCode } | undefined)?.refusal ?? "invalid-field";
      return refusal(code, `${field}: ${issue.message}`, field);
    }
    default:
      return refusal("invalid-field", `${field} ${issue.message}`, field);
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/**
 * Strictly decodes untrusted JSON (already parsed) into a Message: unknown fields, missing fields,
 * malformed values and cross-field inconsistencies are refused, each naming the field.
 */
export function parseMessage(json: unknown): Result<Message, Refusal> {
  if (!isRecord(json)) return err(refusal("not-a-message", `a message is a JSON object, not ${describeValue(json)}`));
  const header = json["header"];
  if (header === undefined) return err(refusal("missing-field", "header is required", "header"));
  if (!isRecord(header)) return err(refusal("invalid-field", `header must be an object (got ${describeValue(header)})`, "header"));
  const type = header["type"];
  if (type === undefined) return err(refusal("missing-field", "header.type is required", "header.type"));
  if (!isMessageType(type)) {
    const shown = typeof type === "string" ? `"${type.slice(0, 64)}"` : describeValue(type);
    return err(refusal("unknown-message-type", `header.type ${shown} is not a known message type`, "header.type"));
  }
  const version = header["version"];
  if (version === undefined) return err(refusal("missing-field", "header.version is required", "header.version"));
  if (version !== MESSAGE_VERSION) {
    return err(
      refusal(
        "unsupported-version",
        `header.version ${JSON.stringify(version)} is not supported (this codec reads version ${MESSAGE_VERSION})`,
        "header.version",
      ),
    );
  }
  const stray = findCardReferenceMismatch(json, json["platformType"]);
  if (stray) return err(stray);

  const parsed = MESSAGE_SCHEMAS[type].safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return err(first ? issueToRefusal(first, json, type) : refusal("invalid-field", `not a valid ${type} message`));
  }
  const message = parsed.data as Message;
  const broken = checkMessageRules(message);
  return broken ? err(broken) : ok(message);
}

/** Decodes UTF-8 JSON text or bytes into a Message (JSON syntax errors are `malformed-json`). */
export function decodeMessage(input: Uint8Array | string): Result<Message, Refusal> {
  const size = typeof input === "string" ? input.length : input.length;
  if (size > MAX_MESSAGE_BYTES) return err(refusal("malformed-json", `message is larger than ${MAX_MESSAGE_BYTES} bytes`));
  let text: string;
  try {
    text = typeof input === "string" ? input : fromUtf8(input);
  } catch {
    return err(refusal("malformed-json", "message is not valid UTF-8"));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(refusal("malformed-json", `message is not JSON: ${e instanceof Error ? e.message : String(e)}`));
  }
  return parseMessage(json);
}

/** Canonical JSON text of a message (RFC 8785): what is signed, stored and exported. */
export function encodeMessage(message: Message): string {
  return canonicalJson(message);
}

/** The exact bytes that are signed: UTF-8 of the canonical JSON text. */
export function canonicalize(message: Message): Uint8Array {
  return utf8(encodeMessage(message));
}
