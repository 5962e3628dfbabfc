/**
 * Simulator throughput and transport framing overhead. Every ratio is against a baseline
 * measured in this run, so the table compares like with like on any machine.
 */
import { fromHex, toHex } from "@/lib/core/bytes";
import {
  createDemoCard,
  generateIssuerKeys,
  INITIAL_SESSION,
  processApdu,
  seededCardEnv,
  signIssuerKeyUpdate,
  SimulatedCard,
  TAG,
  type CardImage,
} from "@/lib/core/card";
import { encodeCommandApdu } from "@/lib/core/card/apdu";
import { decryptCardAttributeData, encryptCardAttributeData, publicKeyFromJwk } from "@/lib/core/card/cryptography";
import { openCardAttributeData } from "@/lib/server/issuer/attribute-data";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { loadPermissionFor, sampleLoadFile, SAMPLE_AIDS, signDemo } from "@/lib/core/card/fixtures";
import { getDataCommand, getStatusCommand, loadApplication, loadCommands, selectCommand } from "@/lib/core/card/terminal";
import { SECURITY_LEVEL } from "@/lib/core/card/scp03";
import { openSecureChannel } from "@/lib/core/card/scp03-host";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { createCcidDevice } from "@/lib/reader/ccid/emulator";
import { startVpcdClient } from "@/lib/reader/node/vpcd-client";
import { VpcdReader } from "@/lib/reader/node/vpcd-reader";
import { createEmulatedSerialPort } from "@/lib/reader/pn532/emulated-port";
import { SimulatorReader } from "@/lib/reader/simulator";
import type { Reader } from "@/lib/reader/types";
import { encodeVpcdFrame, VpcdStreamDecoder } from "@/lib/reader/vpcd/frame";
import { VpcdCardSession } from "@/lib/reader/vpcd/session";
import { WebSerialReader } from "@/lib/reader/webserial";
import { WebUsbReader } from "@/lib/reader/webusb";
import { measure, measureEach, pooled, withRatios, type BenchContext, type BenchModule, type BenchTable } from "./harness";

/** A minimal case-1 APDU (CLA INS P1 P2) with an instruction the ISD does not know: answered 6D00. */
const BASELINE_APDU = fromHex("80100000");
const BASELINE = "raw SimulatedCard.transmit of a case-1 APDU answered 6D00 (80 10 00 00)";

function poweredCard(image: CardImage): SimulatedCard {
  const card = new SimulatedCard(image, seededCardEnv("bench"));
  card.powerOn();
  return card;
}

async function expectSw(card: { transmit(apdu: Uint8Array): Promise<Uint8Array> }, apdu: Uint8Array, sw: string): Promise<void> {
  const hex = toHex(await card.transmit(apdu));
  if (!hex.endsWith(sw)) throw new Error(`bench: ${toHex(apdu)} answered ${hex}, expected SW ${sw}`);
}

async function throughput(image: CardImage, ctx: BenchContext): Promise<BenchTable> {
  const opts = { minTimeMs: ctx.isQuick ? 150 : 800 };
  const card = poweredCard(image);
  const select = selectCommand();
  const df70 = getDataCommand(TAG.PLATFORM_TYPE);
  const df7a = getDataCommand(TAG.CARD_ATTRIBUTE_DATA);
  await expectSw(card, BASELINE_APDU, "6D00");
  await expectSw(card, select, "9000");
  await expectSw(card, df70, "9000");
  await expectSw(card, df7a, "9000");
  const before = await measure(() => card.transmit(BASELINE_APDU), opts);
  const rows = [
    { name: "SELECT ISD (with Le) → FCI 9000", measurement: await measure(() => card.transmit(select), opts) },
    { name: "GET DATA DF70 (platform type)", measurement: await measure(() => card.transmit(df70), opts) },
    {
      name: "GET DATA DF7A (card attribute data)",
      measurement: await measure(() => card.transmit(df7a), { ...opts, minIterations: 10 }),
      note: "fresh ECDH encryption per read",
    },
  ];
  const baseline = { name: "baseline: 80 10 00 00 → 6D00", measurement: pooled(before, await measure(() => card.transmit(BASELINE_APDU), opts)) };
  return {
    title: "Simulator throughput (APDUs straight into SimulatedCard)",
    baseline: `${BASELINE}, measured before and after the rows`,
    rows: withRatios(baseline.name, [baseline, ...rows]),
  };
}

/** Method 2's cost at the issuer (issue 16): opening card attribute data, card-library (pure JS) vs Node's native crypto. */
async function attributeData(ctx: BenchContext): Promise<BenchTable> {
  const opts = { minTimeMs: ctx.isQuick ? 300 : 1500, minIterations: 20 };
  const key = DEMO_ISSUER_KEYS.encryption.privateKeyJwk;
  const samples = Array.from({ length: 64 }, () =>
    encryptCardAttributeData(
      crypto.getRandomValues(new Uint8Array(8)),
      publicKeyFromJwk(DEMO_ISSUER_KEYS.encryption.publicKeyJwk),
      crypto.getRandomValues(new Uint8Array(48)),
    ),
  );
  const pure = await measure((i) => {
    if (!decryptCardAttributeData(key, samples[i % samples.length]!).ok) throw new Error("bench: attribute data did not open");
  }, opts);
  const native = await measure((i) => {
    if (!openCardAttributeData(key, samples[i % samples.length]!).ok) throw new Error("bench: attribute data did not open");
  }, opts);
  return {
    title: "The issuer opens card attribute data (method 2 inquiry, Fig. 10)",
    baseline: "the card library's pure-JS ECDH + HKDF + AES-GCM (@noble), same run",
    rows: withRatios("baseline: pure JS (lib/core/card)", [
      { name: "baseline: pure JS (lib/core/card)", measurement: pure, note: "what the issuer used before stop 9" },
      { name: "native (lib/server/issuer/attribute-data.ts)", measurement: native, note: "node:crypto ECDH, HKDF, AES-256-GCM" },
    ]),
  };
}

async function applicationLoad(image: CardImage, ctx: BenchContext): Promise<BenchTable> {
  const loadFile = sampleLoadFile("transit");
  const blocks = loadCommands(loadFile).length;
  const card = poweredCard(image);
  await expectSw(card, BASELINE_APDU, "6D00");
  const baselineOptions = { minTimeMs: ctx.isQuick ? 150 : 800 };
  const before = await measure(() => card.transmit(BASELINE_APDU), baselineOptions);
  const iterations = ctx.isQuick ? 3 : 15;
  // Each load needs a fresh card and a permission signed for it: both are prepared outside the clock.
  const load = await measureEach(
    async (i) => {
      const fresh = poweredCard(image);
      const permission = await signDemo(loadPermissionFor({ cardId: image.cardId, sequence: i + 1, loadFile }));
      return { fresh, permission };
    },
    async ({ fresh, permission }) => {
      const result = await loadApplication((apdu) => fresh.transmit(apdu), { permission, loadFile, aid: SAMPLE_AIDS.transit });
      if (!result.ok) throw new Error(`bench: load refused at ${result.error.step}: ${result.error.meaning}`);
    },
    iterations,
  );
  const baseline = pooled(before, await measure(() => card.transmit(BASELINE_APDU), baselineOptions));
  const rows = [
    { name: "baseline: 80 10 00 00 → 6D00", measurement: baseline },
    {
      name: "load a 32 KiB application",
      measurement: load,
      note: `INSTALL [for load] + ${blocks} LOAD blocks + INSTALL [for install], issuer permission verified twice`,
    },
  ];
  return {
    title: "Application load (32 KiB transit applet, loadApplication from lib/core/card/terminal)",
    baseline: `${BASELINE}, measured before and after the loads`,
    rows: withRatios(rows[0]!.name, rows),
    notes: [`load file ${loadFile.length.toLocaleString("en-US")} bytes; one load = ${blocks + 2} APDUs; ratio = one load ÷ one baseline APDU`],
  };
}

async function framing(image: CardImage, ctx: BenchContext): Promise<BenchTable> {
  const opts = { minTimeMs: ctx.isQuick ? 150 : 800 };
  const df70 = getDataCommand(TAG.PLATFORM_TYPE);
  const direct = poweredCard(image);
  await expectSw(direct, df70, "9000");

  const simulator = new SimulatorReader(new SimulatedCard(image, seededCardEnv("bench")));
  await simulator.connect();

  // vpcd: the frames a TCP peer would exchange, without the socket.
  const session = new VpcdCardSession(poweredCard(image));
  const toCard = new VpcdStreamDecoder();
  const toVpcd = new VpcdStreamDecoder();
  const vpcdFrame = encodeVpcdFrame(df70);
  const viaVpcd = async () => {
    for (const payload of toCard.push(vpcdFrame)) {
      const reply = await session.handle(payload);
      if (reply) toVpcd.push(reply);
    }
  };

  const pn532: Reader = new WebSerialReader(createEmulatedSerialPort({ card: new SimulatedCard(image, seededCardEnv("bench")) }), { presencePollMs: 0 });
  await pn532.connect();
  const ccid: Reader = new WebUsbReader(createCcidDevice({ card: new SimulatedCard(image, seededCardEnv("bench")) }));
  await ccid.connect();
  // vpcd over loopback TCP: our VpcdReader plays vpcd, so both ends set TCP_NODELAY (no Nagle delay).
  const tcp = new VpcdReader();
  await tcp.connect();
  const tcpCard = startVpcdClient({ card: new SimulatedCard(image, seededCardEnv("bench")), port: tcp.port! });
  await new Promise<void>((resolve) => (tcp.isCardPresent() ? resolve() : tcp.onPresenceChange((present) => present && resolve())));
  for (const reader of [simulator, pn532, ccid, tcp]) await expectSw(reader, df70, "9000");

  const before = await measure(() => direct.transmit(df70), opts);
  const rows = [
    { name: "SimulatorReader", measurement: await measure(() => simulator.transmit(df70), opts) },
    { name: "vpcd frames (codec + session, no socket)", measurement: await measure(viaVpcd, opts) },
    {
      name: "Web Serial ↔ PN532 emulator",
      measurement: await measure(() => pn532.transmit(df70), opts),
      note: "ACK + InDataExchange frames, streams both ways",
    },
    { name: "WebUSB ↔ CCID emulator", measurement: await measure(() => ccid.transmit(df70), opts), note: "XfrBlock / DataBlock, bSeq checked" },
    { name: "vpcd over loopback TCP", measurement: await measure(() => tcp.transmit(df70), opts), note: "VpcdReader ↔ vpcd client, TCP_NODELAY both ends" },
  ];
  await pn532.disconnect();
  await ccid.disconnect();
  await tcpCard.close();
  await tcp.disconnect();
  const directRow = { name: "direct: SimulatedCard.transmit", measurement: pooled(before, await measure(() => direct.transmit(df70), opts)) };
  const base = directRow.measurement.meanMs;
  return {
    title: "Transport framing overhead per APDU (GET DATA DF70; emulated readers in process, vpcd over loopback TCP)",
    baseline: "direct SimulatedCard.transmit of the same APDU, measured before and after the rows",
    rows: withRatios(directRow.name, [directRow, ...rows]).map((r, i) =>
      i === 0 ? r : { ...r, note: `${signedMicros(r.measurement.meanMs - base)}/APDU${r.note ? `; ${r.note}` : ""}` },
    ),
    notes: [
      "no wire time: a PN532 at 115200 baud adds ≈ 1 ms per 11 bytes on a real line",
      "the TCP row is not pcscd's vpcd: Debian's vpcd adds ≈ 45 ms per APDU (Nagle) unless pcscd gets TCP_NODELAY (docs/reader.md)",
    ],
  };
}

function signedMicros(ms: number): string {
  const us = ms * 1000;
  return `${us >= 0 ? "+" : "−"}${Math.abs(us).toFixed(1)} µs`;
}

/**
 * SCP03 cost on the simulated card, as ratios to a plain (unprotected) GET STATUS of the ISD in the
 * same run: the handshake (INITIALIZE UPDATE + card cryptogram check + EXTERNAL AUTHENTICATE, host
 * and card side together) and one protected GET STATUS at levels 01 (C-MAC) and 33 (C-MAC, C-DEC,
 * R-MAC, R-ENC). Platform 100, where GET STATUS needs no channel, so the same command is compared.
 */
async function secureChannel(image: CardImage, ctx: BenchContext): Promise<BenchTable> {
  const opts = { minTimeMs: ctx.isQuick ? 150 : 800 };
  const card = poweredCard(image);
  const transmit = (apdu: Uint8Array) => card.transmit(apdu);
  const keys = { enc: fromHex(DEMO_ISD_KEYS.enc), mac: fromHex(DEMO_ISD_KEYS.mac), dek: fromHex(DEMO_ISD_KEYS.dek) };
  const status = getStatusCommand("isd");
  await expectSw(card, status, "9000");
  const open = async (level: number, i: number) => {
    const r = await openSecureChannel(transmit, { keys, keyVersion: 0, level, hostChallenge: Uint8Array.of(0, 0, 0, 0, i >> 24, i >> 16, i >> 8, i) });
    if (!r.ok) throw new Error(`bench: ${r.error.meaning}`);
    return r.value;
  };
  const before = await measure(() => card.transmit(status), opts);
  const handshake = await measure((i) => open(SECURITY_LEVEL.C_MAC, i), { ...opts, minIterations: 20 });
  const mac = await open(SECURITY_LEVEL.C_MAC, 1);
  const macRow = await measure(() => mac.transmit(status), opts);
  const full = await open(SECURITY_LEVEL.C_MAC_C_DEC_R_MAC_R_ENC, 2);
  const fullRow = await measure(() => full.transmit(status), opts);
  if (!mac.isOpen() || !full.isOpen()) throw new Error("bench: a channel closed during the run");
  // The issuer's signed key update (PUT KEY outside a channel, the card verifies an ECDSA signature):
  // run on the card OS as a pure function of the same image, so every iteration updates '70' → '71'.
  const next = await generateIssuerKeys();
  const update = await signIssuerKeyUpdate({
    issuerCompanyId: image.issuerCompanyId,
    oldVersion: 0x70,
    newVersion: 0x71,
    signingPublicKeyJwk: next.signing.publicKeyJwk,
    encryptionPublicKeyJwk: next.encryption.publicKeyJwk,
    oldSigningPrivateKeyJwk: DEMO_ISSUER_KEYS.signing.privateKeyJwk,
  });
  const putKey = encodeCommandApdu({ cla: 0x80, ins: 0xd8, p1: 0x70, p2: 0x81, data: update.data, ne: 256, extended: false });
  const env = seededCardEnv("bench-key-update");
  const first = processApdu(image, INITIAL_SESSION, putKey, env);
  if (toHex(first.response) !== "719000") throw new Error(`bench: signed key update answered ${toHex(first.response)}`);
  const keyUpdateRow = await measure(() => processApdu(image, INITIAL_SESSION, putKey, env), opts);
  const baseline = { name: "baseline: plain GET STATUS (ISD), no channel", measurement: pooled(before, await measure(() => card.transmit(status), opts)) };
  return {
    title: "SCP03 secure channel (simulated card, terminal and card side in one process)",
    baseline: "unprotected GET STATUS of the ISD (80 F2 80 02 02 4F 00 00) on the same card, measured before and after the rows",
    rows: withRatios(baseline.name, [
      baseline,
      {
        name: "SCP03 handshake (INITIALIZE UPDATE + EXTERNAL AUTHENTICATE)",
        measurement: handshake,
        note: "2 APDUs; SCP03 KDF runs: 6 card side, 5 host side",
      },
      { name: "GET STATUS with C-MAC (level 01)", measurement: macRow },
      { name: "GET STATUS with C-MAC, C-DEC, R-MAC, R-ENC (level 33)", measurement: fullRow },
      {
        name: "signed issuer key update (PUT KEY outside a channel)",
        measurement: keyUpdateRow,
        note: "card side only (processApdu): one ECDSA P-256 verification",
      },
    ]),
  };
}

export const cardBench: BenchModule = {
  name: "card",
  async run(ctx) {
    const { image } = await createDemoCard({ platformType: 100, env: seededCardEnv("bench-card"), isdKeys: DEMO_ISD_KEYS });
    return [
      await throughput(image, ctx),
      await attributeData(ctx),
      await secureChannel(image, ctx),
      await applicationLoad(image, ctx),
      await framing(image, ctx),
    ];
  },
};
