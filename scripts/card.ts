/**
 * Card tool: personalise demo card images and serve them to the PC/SC world through vpcd.
 * Run as `npm run card -- <command> …`; `--help` for usage. Exit codes: 0 done, 1 failure
 * (unreadable file, I/O), 2 bad arguments.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { toHex } from "@/lib/core/bytes";
import {
  createDemoCard,
  decodeCardImage,
  encodeCardImage,
  seededCardEnv,
  SimulatedCard,
  systemCardEnv,
  type CardImage,
  type CardPlatformType,
} from "@/lib/core/card";
import { startVpcdClient } from "@/lib/reader/node/vpcd-client";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { VPCD_DEFAULT_PORT } from "@/lib/reader/vpcd/frame";
import { parseVpcdEntries, vpcdReaderName } from "@/lib/reader/vpcd/reader-name";

const USAGE = `ReCard card tool

usage: npm run card -- <command> [options]

commands:
  new   --platform 100|200 --out FILE [--seed TEXT] [--force]
        Personalise a demo card image with the DEMO issuer keys (no database).
        --seed makes the card reproducible (card id, surface number, keys).
  vpcd  --card FILE [--host 127.0.0.1] [--port ${VPCD_DEFAULT_PORT}]
        Insert the card into vsmartcard's virtual reader (pcscd + vpcd) until SIGINT/SIGTERM;
        the image is saved back to FILE after each change and on exit.
        Prints the PC/SC reader name pcscd gives that port (from /etc/reader.conf.d): with Debian's
        vpcd, ${VPCD_DEFAULT_PORT} is "Virtual PCD 00 00", ${VPCD_DEFAULT_PORT + 1} is "Virtual PCD 00 01".
  info  --card FILE
        Describe a card image.

exit codes: 0 done, 1 failure, 2 bad arguments. See docs/reader.md.`;

class UsageError extends Error {}
class ToolError extends Error {}

type CommandName = "new" | "vpcd" | "info";

const COMMANDS: Record<CommandName, NonNullable<ParseArgsConfig["options"]>> = {
  new: { platform: { type: "string" }, out: { type: "string" }, seed: { type: "string" }, force: { type: "boolean" } },
  vpcd: { card: { type: "string" }, host: { type: "string" }, port: { type: "string" } },
  info: { card: { type: "string" } },
};

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new UsageError(`missing --${flag}`);
  return value;
}

function parsePlatform(text: string): CardPlatformType {
  if (text === "100") return 100;
  if (text === "200") return 200;
  throw new UsageError(`--platform must be 100 or 200, got "${text}"`);
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return VPCD_DEFAULT_PORT;
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new UsageError(`--port must be 1 to 65535, got "${text}"`);
  return Number(text);
}

/** pcscd's reader configuration (Debian: /etc/reader.conf.d; RECARD_READER_CONF_DIR overrides it for tests). */
const READER_CONF_DIR = process.env.RECARD_READER_CONF_DIR ?? "/etc/reader.conf.d";

/** The reader name PC/SC shows for this vpcd port, read from pcscd's configuration; null when no vpcd entry listens there. */
async function readerName(port: number): Promise<string | null> {
  let texts: string[] = [];
  try {
    const files = (await readdir(READER_CONF_DIR)).sort();
    texts = await Promise.all(files.map((f) => readFile(`${READER_CONF_DIR}/${f}`, "utf8").catch(() => "")));
  } catch {
    return null;
  }
  return vpcdReaderName(port, parseVpcdEntries(texts));
}

async function loadImage(path: string): Promise<CardImage> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ToolError(`cannot read card image ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const decoded = decodeCardImage(text);
  if (!decoded.ok) throw new ToolError(`${path} is not a card image: ${decoded.error}`);
  return decoded.value;
}

/** Writes next to the target and renames, so a crash never leaves half an image. */
async function saveImage(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${text}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

function describe(image: CardImage, atr?: Uint8Array): [string, string][] {
  const rows: [string, string][] = [
    ["card id", image.platformType === 100 ? image.cardId : "hidden (platform 200: the card only gives out encrypted card attribute data)"],
    ["surface number", image.surfaceNumber],
    ["platform type", String(image.platformType)],
  ];
  if (atr) rows.push(["ATR", toHex(atr)]);
  rows.push(
    ["issuer", image.issuerCompanyId],
    ["IIN", image.iin],
    ["life cycle", image.lifeCycle],
    ["issued at", image.issuedAt],
    ["cardholder", image.cardholderName ?? "-"],
    ["confirmation counter", String(image.confirmationCounter)],
    ["applications", image.applications.length === 0 ? "none" : image.applications.map((a) => `${a.aid} (${a.applet.kind}, ${a.messageId})`).join(", ")],
  );
  return rows;
}

function print(rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  for (const [key, value] of rows) console.log(`${`${key}:`.padEnd(width)}${value}`);
}

async function commandNew(values: { platform?: string; out?: string; seed?: string; force?: boolean }): Promise<void> {
  const platformType = parsePlatform(required(values.platform, "platform"));
  const out = required(values.out, "out");
  if (values.seed === "") throw new UsageError("--seed must not be empty");
  if (existsSync(out) && !values.force) throw new ToolError(`${out} exists: refusing to overwrite a card image (use --force)`);
  const env = values.seed !== undefined ? seededCardEnv(values.seed) : systemCardEnv();
  const { image } = await createDemoCard({ platformType, env, isdKeys: DEMO_ISD_KEYS });
  try {
    await saveImage(out, encodeCardImage(image));
  } catch (error) {
    throw new ToolError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  console.log(`personalised a DEMO card (demo issuer keys: never for production) → ${out}`);
  print(describe(image).slice(0, 3));
}

async function commandInfo(values: { card?: string }): Promise<void> {
  const image = await loadImage(required(values.card, "card"));
  print(describe(image, new SimulatedCard(image, systemCardEnv()).atr));
}

async function commandVpcd(values: { card?: string; host?: string; port?: string }): Promise<void> {
  const path = required(values.card, "card");
  const host = values.host ?? "127.0.0.1";
  const port = parsePort(values.port);
  const image = await loadImage(path);
  // The real clock and randomness: card attribute data must be fresh on every read.
  const card = new SimulatedCard(image, systemCardEnv());
  let saved = encodeCardImage(image);
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    saving = saving.then(async () => {
      const text = encodeCardImage(card.image());
      if (text === saved) return;
      await saveImage(path, text);
      saved = text;
    });
    return saving;
  };
  const log = (message: string) => console.error(`[card ${image.surfaceNumber}] ${message}`);
  const reader = await readerName(port);
  // On stdout, so scripts can read it: the name PC/SC tools (opensc-tool -r, scriptor -r) need.
  console.log(reader ? `PC/SC reader: ${reader}` : `PC/SC reader: none (no vpcd entry in ${READER_CONF_DIR} listens on port ${port})`);
  // pcscd negotiates T=1 with this ATR through vpcd (scripts/pcsc/transmit.py prints it), but vpcd's
  // wire protocol does not carry it: power the card on as T=1, so case-3 data comes back with 9000.
  const slot = {
    atr: card.atr,
    powerOn: () => card.powerOn("T=1"),
    powerOff: () => card.powerOff(),
    reset: () => card.reset(),
    transmit: (apdu: Uint8Array) => card.transmit(apdu),
  };
  const client = startVpcdClient({
    card: slot,
    host,
    port,
    onChange: () => {
      save().catch((error: unknown) => log(`saving ${path} failed: ${String(error)}`));
    },
    onState: (state, detail) => {
      if (state === "connected") log(`inserted into ${reader ?? `the vpcd reader on port ${port}`} (vpcd at ${host}:${port}); Ctrl-C removes it`);
      else if (state === "waiting") log(detail ?? "waiting for vpcd");
    },
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: removing the card`);
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await client.close();
  await save();
  log(`image saved to ${path}`);
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      console.error(USAGE);
      return 2;
    }
    if (name === "--help" || name === "-h" || name === "help") {
      console.log(USAGE);
      return 0;
    }
    if (!isCommand(name)) throw new UsageError(`unknown command "${name}"`);
    let values: Record<string, string | boolean | undefined>;
    try {
      const parsed = parseArgs({
        args: [...rest],
        options: { ...COMMANDS[name], help: { type: "boolean", short: "h" } },
        strict: true,
        allowPositionals: false,
      });
      // No option is declared `multiple`, so every value is a string or a boolean.
      values = parsed.values as Record<string, string | boolean | undefined>;
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    switch (name) {
      case "new":
        await commandNew(values as Parameters<typeof commandNew>[0]);
        return 0;
      case "info":
        await commandInfo(values as Parameters<typeof commandInfo>[0]);
        return 0;
      case "vpcd":
        await commandVpcd(values as Parameters<typeof commandVpcd>[0]);
        return 0;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`card: ${error.message}\nrun \`npm run card -- --help\` for usage`);
      return 2;
    }
    if (error instanceof ToolError) {
      console.error(`card: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
