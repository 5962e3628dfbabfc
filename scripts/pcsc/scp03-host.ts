/**
 * A small SCP03 host through the real PC/SC stack (pcscd + vpcd): our terminal-side code
 * (lib/core/card/scp03-host.ts) talks to the card in READER through scripts/pcsc/transmit.py
 * (libpcsclite via ctypes). Used by scripts/pcsc-integration.sh; prints "ok"/"FAIL" per check and
 * exits 1 on any failure.
 *
 *   npx tsx --conditions=react-server scripts/pcsc/scp03-host.ts --reader "Virtual PCD 00 01" --platform 200
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { fromHex, toHex } from "@/lib/core/bytes";
import { SECURITY_LEVEL } from "@/lib/core/card/scp03";
import {
  applyIssuerKeyUpdates,
  initializeUpdateCommand,
  openIsdChannel,
  openSecureChannel,
  readIssuerKeyVersion,
  rotateIsdKeys,
} from "@/lib/core/card/scp03-host";
import {
  exchange,
  getDataCommand,
  getStatus,
  loadApplication,
  readCardAttributeData,
  readCreditInfo,
  selectApplication,
  selectIsd,
  type Transmit,
} from "@/lib/core/card/terminal";
import {
  buildLoadFile,
  cardBinding,
  decryptCardAttributeData,
  generateIssuerKeys,
  loadFileHash,
  privateKeyFromJwk,
  publicKeyFromJwk,
  signIssuerKeyUpdate,
  signPermission,
} from "@/lib/core/card";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { diversifySsdKeys, establishApplicationKeys, readCreditInOwnChannel } from "@/lib/core/card/ssd";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";

const { values } = parseArgs({ options: { reader: { type: "string" }, platform: { type: "string" } } });
if (!values.reader || (values.platform !== "100" && values.platform !== "200")) {
  console.error("usage: scp03-host.ts --reader NAME --platform 100|200");
  process.exit(2);
}

let failures = 0;
const check = (label: string, isOk: boolean, detail = "") => {
  if (!isOk) failures++;
  console.log(`  ${isOk ? "ok  " : "FAIL"}  ${label}${detail ? `: ${detail}` : ""}`);
};

const pipe = spawn("python3", [new URL("./transmit.py", import.meta.url).pathname, values.reader], { stdio: ["pipe", "pipe", "inherit"] });
const lines = createInterface({ input: pipe.stdout })[Symbol.asyncIterator]();
const nextLine = async () => {
  const line = await lines.next();
  if (line.done) throw new Error("transmit.py ended");
  return line.value;
};
const transmit: Transmit = async (apdu) => {
  pipe.stdin.write(`${toHex(apdu)}\n`);
  const line = await nextLine();
  if (line.startsWith("ERR")) throw new Error(`PC/SC ${line}`);
  return fromHex(line);
};

async function main(): Promise<void> {
  const protocol = await nextLine();
  check("connected through pcscd", protocol.startsWith("PROTOCOL"), protocol);
  const keys = { enc: fromHex(DEMO_ISD_KEYS.enc), mac: fromHex(DEMO_ISD_KEYS.mac), dek: fromHex(DEMO_ISD_KEYS.dek) };
  check("SELECT ISD", (await selectIsd(transmit)).ok);

  if (values.platform === "200") {
    const status = await getStatus(transmit, "applications");
    check(
      "GET STATUS without a secure channel refused (platform 200)",
      !status.ok && status.error.sw === 0x6982,
      status.ok ? "answered" : status.error.meaning,
    );
    // Two unauthenticated reads: the platform type is the same, the card attribute data and the INITIALIZE UPDATE answer are not.
    const reads = [];
    for (let i = 0; i < 2; i++) {
      await selectIsd(transmit);
      const df70 = await exchange(transmit, getDataCommand(0xdf70), "DF70");
      const df7a = await exchange(transmit, getDataCommand(0xdf7a), "DF7A");
      const init = await exchange(transmit, initializeUpdateCommand(0, new Uint8Array(8)), "INITIALIZE UPDATE");
      reads.push([df70, df7a, init].map((r) => (r.ok ? `${toHex(r.value.data)}/${r.value.sw.toString(16)}` : "refused")));
    }
    const [first, second] = reads as [string[], string[]];
    check("two unauthenticated reads: same platform type", first[0] === second[0] && first[0]!.startsWith("DF700200C8"), first[0]);
    check("two unauthenticated reads: different card attribute data", first[1] !== second[1]);
    check(
      "two unauthenticated reads: different INITIALIZE UPDATE answers (random challenge, no counter)",
      first[2] !== second[2] && first[2]!.length === 29 * 2 + 5,
    );
    await selectIsd(transmit);
    await applicationOwnKeys(keys);
    await selectIsd(transmit);
  }

  const hostChallenge = () => new Uint8Array(randomBytes(8));
  const opened = await openSecureChannel(transmit, { keys, keyVersion: 0, level: SECURITY_LEVEL.C_MAC_C_DEC_R_MAC_R_ENC, hostChallenge: hostChallenge() });
  check(
    "SCP03 channel opened at level 33 (C-MAC, C-DEC, R-MAC, R-ENC)",
    opened.ok,
    opened.ok ? `key version ${opened.value.keyVersion.toString(16)}, i=${opened.value.initializeUpdate.iParameter.toString(16)}` : opened.error.meaning,
  );
  if (!opened.ok) return;
  const isd = await getStatus(opened.value.transmit, "isd");
  const apps = await getStatus(opened.value.transmit, "applications");
  check(
    "GET STATUS (ISD) inside the channel",
    isd.ok,
    isd.ok ? isd.value.map((e) => `${e.aid} life cycle ${e.lifeCycle.toString(16)}`).join(", ") : isd.error.meaning,
  );
  check(
    "GET STATUS (applications) inside the channel",
    apps.ok,
    apps.ok ? `${apps.value.length} application(s)${apps.value.map((e) => ` ${e.aid}`).join("")}` : apps.error.meaning,
  );

  const next = { enc: new Uint8Array(randomBytes(16)), mac: new Uint8Array(randomBytes(16)), dek: new Uint8Array(randomBytes(16)) };
  const rotated = await rotateIsdKeys(opened.value, { currentDek: keys.dek, oldVersion: DEMO_ISD_KEYS.keyVersion, newVersion: 0x31, keys: next });
  check("PUT KEY rotates the ISD keys to version 31 (key check values match)", rotated.ok, rotated.ok ? "" : rotated.error.meaning);

  await selectIsd(transmit);
  const oldVersion = await exchange(transmit, initializeUpdateCommand(DEMO_ISD_KEYS.keyVersion, hostChallenge()), "INITIALIZE UPDATE 30");
  if (values.platform === "100") {
    check(
      "the old key version is refused (INITIALIZE UPDATE 30 → 6A88)",
      oldVersion.ok && oldVersion.value.sw === 0x6a88,
      oldVersion.ok ? oldVersion.value.sw.toString(16) : "",
    );
  } else {
    // Platform 200 does not say which versions it holds: the old version gets the usual answer, with keys nobody holds.
    check(
      "INITIALIZE UPDATE 30 after the rotation answers the usual shape, 30 echoed (no 6A88 telling the version)",
      oldVersion.ok && oldVersion.value.sw === 0x9000 && /^0{20}300360[0-9A-F]{32}$/.test(toHex(oldVersion.value.data)),
      oldVersion.ok ? `${toHex(oldVersion.value.data)} ${oldVersion.value.sw.toString(16)}` : "",
    );
  }
  for (const keyVersion of [0, DEMO_ISD_KEYS.keyVersion]) {
    const oldKeys = await openSecureChannel(transmit, { keys, keyVersion, level: SECURITY_LEVEL.C_MAC, hostChallenge: hostChallenge() });
    check(`the old keys are refused with P1 ${keyVersion.toString(16).padStart(2, "0")}`, !oldKeys.ok, oldKeys.ok ? "opened!" : oldKeys.error.meaning);
  }
  const fresh = await openSecureChannel(transmit, { keys: next, keyVersion: 0x31, level: SECURITY_LEVEL.C_MAC_R_MAC, hostChallenge: hostChallenge() });
  const again = fresh.ok ? await getStatus(fresh.value.transmit, "isd") : null;
  check("the new keys open a channel and GET STATUS answers", fresh.ok && again?.ok === true, fresh.ok ? "" : fresh.error.meaning);

  // The issuer's host names the version it knows first (30), then the others (31): the channel opens at 31.
  await selectIsd(transmit);
  const found = await openIsdChannel(transmit, {
    keysFor: (keyVersion) => (keyVersion === 0x31 ? next : keys),
    versions: [DEMO_ISD_KEYS.keyVersion, 0x31],
    level: SECURITY_LEVEL.C_MAC_C_DEC_R_MAC_R_ENC,
    hostChallenge: hostChallenge(),
  });
  check("openIsdChannel tries 30, then opens 31", found.ok && found.value.keyVersion === 0x31, found.ok ? "" : found.error.meaning);
  if (!found.ok) return;
  const listed = await readIssuerKeyVersion(found.value.transmit);
  check(
    "GET DATA E0 inside the ISD's channel: issuer key version 70",
    listed.ok && listed.value === 0x70,
    listed.ok ? listed.value.toString(16) : listed.error.meaning,
  );

  if (values.platform === "200") {
    await selectIsd(transmit);
    const outside = await readIssuerKeyVersion(transmit);
    check("GET DATA E0 without a channel refused (platform 200)", !outside.ok && outside.error.sw === 0x6982, outside.ok ? "answered" : outside.error.meaning);
    // The issuer's signed key update 70 → 71, relayed without keys: the card now differs from a fresh one in both key versions.
    const v71 = await generateIssuerKeys();
    const update = await signIssuerKeyUpdate({
      issuerCompanyId: "RECARD01",
      oldVersion: 0x70,
      newVersion: 0x71,
      signingPublicKeyJwk: v71.signing.publicKeyJwk,
      encryptionPublicKeyJwk: v71.encryption.publicKeyJwk,
      oldSigningPrivateKeyJwk: DEMO_ISSUER_KEYS.signing.privateKeyJwk,
    });
    const applied = await applyIssuerKeyUpdates(transmit, [update]);
    check("the signed issuer key update 70 → 71 taken outside a channel", applied.ok && applied.value.to === 0x71, applied.ok ? "" : applied.error.meaning);
    const stale = await applyIssuerKeyUpdates(transmit, [update]);
    check("the same update again: 6A88, read as already up to date", stale.ok && stale.value.applied.length === 0, stale.ok ? "" : stale.error.meaning);
  }
}

/**
 * A provider application's own security domain over real PC/SC (lib/core/card/ssd.ts): a credit application
 * installed with a demo-signed token, its own keys established in the same session (ECDH, nothing secret on
 * the wire), the holder reference through its own level-33 channel; the ISD's key version is refused on it.
 */
async function applicationOwnKeys(isdKeys: { enc: Uint8Array; mac: Uint8Array; dek: Uint8Array }): Promise<void> {
  const aid = "F0000000030001";
  const attribute = await readCardAttributeData(transmit);
  const opened = attribute.ok ? decryptCardAttributeData(DEMO_ISSUER_KEYS.encryption.privateKeyJwk, attribute.value) : null;
  if (!opened?.ok) return check("card attribute data opened with the demo issuer key", false);
  const messageId = "RECARD01-HOSHI01-I0000000001";
  const loadFile = buildLoadFile({ kind: "credit", aid, version: 1, codeSize: 512 });
  const token = await signPermission(DEMO_ISSUER_KEYS.signing.privateKeyJwk, {
    operation: "load",
    messageId,
    cardBinding: cardBinding(opened.value.cardId, messageId),
    aid,
    loadFileHash: loadFileHash(loadFile),
    kind: "first-load",
    originalMessageId: null,
    establishmentKey: toHex(publicKeyFromJwk(DEMO_COMPANY_KEYS.HOSHI01.publicKey)),
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  const loaded = await loadApplication(transmit, {
    permission: token,
    loadFile,
    aid,
    installParams: { kind: "credit", limit: 300_000, currency: "JPY", holderReference: "HOSHI-0001234" },
  });
  check("credit application installed (platform 200)", loaded.ok, loaded.ok ? "" : loaded.error.meaning);
  const keys = diversifySsdKeys(new Uint8Array(32).fill(0x5a), "HOSHI01", fromHex(aid), messageId, 0x01);
  const established = await establishApplicationKeys(transmit, {
    aid,
    keys,
    hostPrivateKey: new Uint8Array(randomBytes(32)),
    establishmentPrivateKey: privateKeyFromJwk(DEMO_COMPANY_KEYS.HOSHI01.privateKey),
    entropy: new Uint8Array(randomBytes(32)),
  });
  check(
    "the application's own keys established in the install session (GET DATA 7F49, PUT KEY 80 D8 00 81)",
    established.ok,
    established.ok ? "" : established.error.meaning,
  );
  await selectApplication(transmit, aid);
  const plain = await readCreditInfo(transmit);
  check(
    "nothing read without the application's channel (platform 200: READ → 6982)",
    !plain.ok && plain.error.sw === 0x6982,
    plain.ok ? JSON.stringify(plain.value) : plain.error.meaning,
  );
  const isdVersion = await exchange(transmit, initializeUpdateCommand(DEMO_ISD_KEYS.keyVersion, new Uint8Array(randomBytes(8))), "INITIALIZE UPDATE 30");
  check(
    "INITIALIZE UPDATE 30 on the application answers the usual shape (no 6A88 telling which versions exist)",
    isdVersion.ok && isdVersion.value.sw === 0x9000 && /^0{20}300360/.test(toHex(isdVersion.value.data)),
    isdVersion.ok ? `${toHex(isdVersion.value.data)} ${isdVersion.value.sw.toString(16)}` : "",
  );
  const isdChannel = await openSecureChannel(transmit, {
    keys: isdKeys,
    keyVersion: 0,
    level: SECURITY_LEVEL.C_MAC,
    hostChallenge: new Uint8Array(randomBytes(8)),
  });
  check("the ISD's keys do not open the application's channel", !isdChannel.ok, isdChannel.ok ? "opened!" : isdChannel.error.meaning);
  const own = await readCreditInOwnChannel(transmit, { aid, keys, hostChallenge: new Uint8Array(randomBytes(8)) });
  check(
    "holder reference through the application's own channel (level 33)",
    own.ok && own.value.holderReference === "HOSHI-0001234",
    own.ok ? own.value.holderReference : own.error.meaning,
  );
}

main()
  .catch((error: unknown) => {
    failures++;
    console.log(`  FAIL  ${error instanceof Error ? error.message : String(error)}`);
  })
  .finally(() => {
    pipe.stdin.end();
    console.log(failures === 0 ? "SCP03 host: all checks passed" : `SCP03 host: ${failures} check(s) FAILED`);
    process.exitCode = failures === 0 ? 0 : 1;
  });
