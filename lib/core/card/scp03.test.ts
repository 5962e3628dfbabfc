/**
 * SCP03 primitives and the terminal-side handshake against published vectors. Each vector names
 * its source; none is invented here.
 */
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../bytes";
import { decodeCommandApdu } from "./apdu";
import {
  aesCmac,
  cardCryptogram,
  deriveSessionKeys,
  hostCryptogram,
  INITIAL_MAC_CHAIN,
  pad80,
  pseudoRandomCardChallenge,
  unpad80,
  unwrapCommand,
  wrapResponse,
  type MacChain,
} from "./scp03";
import { openSecureChannel, parseInitializeUpdateResponse } from "./scp03-host";

// RFC 4493 §4 (AES-128) and NIST SP 800-38B "Updated CMAC Examples" (AES-192, AES-256): the same four messages.
const M = fromHex("6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E5130C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710");
const CMAC_VECTORS: { source: string; key: string; tags: [number, string][] }[] = [
  {
    source: "RFC 4493 §4, Examples 1-4 (AES-128)",
    key: "2B7E151628AED2A6ABF7158809CF4F3C",
    tags: [
      [0, "BB1D6929E95937287FA37D129B756746"],
      [16, "070A16B46B4D4144F79BDD9DD04A287C"],
      [40, "DFA66747DE9AE63030CA32611497C827"],
      [64, "51F0BEBF7E3B9D92FC49741779363CFE"],
    ],
  },
  {
    source: "NIST SP 800-38B Updated CMAC Examples, CMAC-AES192 Examples 1-4",
    key: "8E73B0F7DA0E6452C810F32B809079E562F8EAD2522C6B7B",
    tags: [
      [0, "D17DDF46ADAACDE531CAC483DE7A9367"],
      [16, "9E99A7BF31E710900662F65E617C5184"],
      [40, "8A1DE5BE2EB31AAD089A82E6EE908B0E"],
      [64, "A1D5DF0EED790F794D77589659F39A11"],
    ],
  },
  {
    source: "NIST SP 800-38B Updated CMAC Examples, CMAC-AES256 Examples 1-4",
    key: "603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4",
    tags: [
      [0, "028962F61B7BF89EFC6B551F4667D983"],
      [16, "28A7023F452E8F82BD4BF28D8C37C35C"],
      [40, "AAF3D8F1DE5640C232F5B169B9C911E6"],
      [64, "E1992190549F6ED5696A2C056C315410"],
    ],
  },
];

describe("AES-CMAC", () => {
  for (const { source, key, tags } of CMAC_VECTORS) {
    for (const [length, tag] of tags) {
      it(`${source}: Mlen = ${length * 8}`, () => {
        expect(toHex(aesCmac(fromHex(key), M.slice(0, length)))).toBe(tag);
      });
    }
  }
});

/**
 * SCP03 handshake and protected commands recorded by osmocom/pySim,
 * tests/unittests/test_globalplatform.py (classes SCP03_Test_AES128_11 … SCP03_Test_AES256_33,
 * commit 078ac2bf19d240c4fb94dc7bcf3f94e858a32cc1): static keys, INITIALIZE UPDATE command (host
 * challenge) and response (card challenge, card cryptogram, sequence counter), EXTERNAL
 * AUTHENTICATE (host cryptogram and C-MAC), a MACed (and for 03/33 encrypted) STORE DATA
 * 80E29100 …, its protected response (R-MAC; R-ENC for 33), and the four APDU cases that follow.
 * Their session keys come from the SCP03 KDF, so these vectors check the KDF too.
 */
const KEYSETS = {
  AES128: { enc: "000102030405060708090A0B0C0D0E0F", mac: "101112131415161718191A1B1C1D1E1F", dek: "202122232425262728292A2B2C2D2E2F" },
  AES192: {
    enc: "000102030405060708090A0B0C0D0E0F0001020304050607",
    mac: "101112131415161718191A1B1C1D1E1F1011121314151617",
    dek: "202122232425262728292A2B2C2D2E2F2021222324252627",
  },
  AES256: {
    enc: "000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F",
    mac: "101112131415161718191A1B1C1D1E1F101112131415161718191A1B1C1D1E1F",
    dek: "202122232425262728292A2B2C2D2E2F202122232425262728292A2B2C2D2E2F",
  },
} as const;
const GET_EID_PLAIN = "80E2910006BF3E035C015A00";
const GET_EID_RESPONSE_PLAIN = "BF3E125A1089882119900000000000000000000005";
const CASES_PLAIN = ["80F22002", "80CA006600", "80F220020A4F0212345C054F9F70C5", "80F28002024F0000"];

type Vector = {
  name: string;
  keyset: keyof typeof KEYSETS;
  initUpdateCmd: string;
  initUpdateRsp: string;
  extAuthCmd: string;
  getEidCmd: string;
  getEidRsp: string;
  cases: [string, string, string, string];
};
const PYSIM: Vector[] = [
  {
    name: "SCP03_Test_AES128_11",
    keyset: "AES128",
    initUpdateCmd: "8050300008b13e5f938fc108c400",
    initUpdateRsp: "000000000000000000003003703eb51047495b249f66c484c1d2ef1948000002",
    extAuthCmd: "84821100107d5f5826a993ebc89eea24957fa0b3ce",
    getEidCmd: "84e291000ebf3e035c015a558d036518a2829700",
    getEidRsp: "bf3e125a1089882119900000000000000000000005971be68992dbbdfa",
    cases: ["84f220020863a63f8959827fb2", "84ca006608a0c6a4a74166f7ce00", "84f22002124f0212345c054f9f70c52249b50272656536", "84f280020a4f00e91443f6dce6b8ed00"],
  },
  {
    name: "SCP03_Test_AES128_03",
    keyset: "AES128",
    initUpdateCmd: "80503000088e1552d0513c60f300",
    initUpdateRsp: "0000000000000000000030037030760cd2c47c1dd395065fe5ead8a9d7000001",
    extAuthCmd: "8482030010fd4721a14d9b07003c451d2f8ae6bb21",
    getEidCmd: "84e2910018ca9c00f6713d79bc8baa642bdff51c3f6a4082d3bd9ad26c00",
    getEidRsp: "bf3e125a1089882119900000000000000000000005",
    cases: [
      "84f2200208c9811b11f1264cf1",
      "84ca006608e10ab60b3054798800",
      "84f22002184e2908bdb48b2315a55482e9e936ca122d6ecfae7d17416e",
      "84f28002180dd10a6b6193e5340b9e77d32d5a179cd710ac2773aefb2800",
    ],
  },
  {
    name: "SCP03_Test_AES128_33",
    keyset: "AES128",
    initUpdateCmd: "8050300008fdf38259a1e0de4400",
    initUpdateRsp: "000000000000000000003003703b1aca81e821f219081cdc01c26b372d000003",
    extAuthCmd: "84823300108c36f96bcc00724a4e13ad591d7da3f0",
    getEidCmd: "84e2910018267a85dfe4a98fca6fb0527e0dfecce4914e40401433c87f00",
    getEidRsp: "f3ba2b1013aa6224f5e1c138d71805c569e5439b47576260b75fc021b25097cb2e68f8a0144975b9",
    cases: [
      "84f2200208ac6a59024bed84cc",
      "84ca006608409912ad8fb7aed000",
      "84f22002185f3dafc3ac14c381536a488bf44e06d056df9d74dbd21e5a",
      "84f280021865165105be3373347d0424d4400af2ac393f569ec779389e00",
    ],
  },
  {
    name: "SCP03_Test_AES192_11",
    keyset: "AES192",
    initUpdateCmd: "80503100087396430b768b085b00",
    initUpdateRsp: "000000000000000000003103708cfc23522ffdbf1e5df5542cac8fd866000003",
    extAuthCmd: "84821100102145ed30b146f5db252fb7e624cec244",
    getEidCmd: "84e291000ebf3e035c015aff42cf801d14394400",
    getEidRsp: "bf3e125a1089882119900000000000000000000005162fbd33e04940a9",
    cases: ["84f22002084584e4f6784811ee", "84ca006608937776ebe190fa3000", "84f22002124f0212345c054f9f70c59a52bddf3040368c", "84f280020a4f009804b11411f7393d00"],
  },
  {
    name: "SCP03_Test_AES256_03",
    keyset: "AES256",
    initUpdateCmd: "8050320008c6066990fc426e1d00",
    initUpdateRsp: "000000000000000000003203708682cd81bbd8919f2de3f2664581f118000001",
    extAuthCmd: "848203001077c493b632edadaf865a1e64acc07ce9",
    getEidCmd: "84e29100183ddaa60594963befaada3525b492ede23c2ab2c1ce3afe4400",
    getEidRsp: "bf3e125a1089882119900000000000000000000005",
    cases: [
      "84f2200208480ddc8e419da38d",
      "84ca0066083e9d6a6c0b2d732000",
      "84f22002183ebfef2da8b04af2a85f491f299b76973df76ff08a4031be",
      "84f2800218783fff80990f5585b1055010ea95094a26e4a8f1ef4b18e100",
    ],
  },
  {
    name: "SCP03_Test_AES256_33",
    keyset: "AES256",
    initUpdateCmd: "805032000897b2055fe58599fd00",
    initUpdateRsp: "00000000000000000000320370a8439a22cedf045fa9f1903b2834f26e000002",
    extAuthCmd: "8482330010508a0fd959d2e547c6b33154a6be2057",
    getEidCmd: "84e29100187a5ef717eaf1e135ae92fe54429d0e465decda65f5fe5aea00",
    getEidRsp: "ea90dbfa648a67c5eb6abc57f8530b97d0cd5647c5e8732016b55203b078dd2ace7f8bc5d1c1cd99",
    cases: [
      "84f2200208bcc5c17275545d93",
      "84ca00660804806aba9d543bb600",
      "84f2200218717222491556ec81a45f49ce48be33320024801a1c4cb0e0",
      "84f2800218561f105bccd3a1642904b251ccc1228beb80a82370a8637000",
    ],
  },
];

const keysOf = (name: keyof typeof KEYSETS) => ({ enc: fromHex(KEYSETS[name].enc), mac: fromHex(KEYSETS[name].mac), dek: fromHex(KEYSETS[name].dek) });
/** GSMA SGP.02 ISD-R AID, the security domain pySim's recorded card opened the channel with. */
const ISD_R_AID = "A0000005591010FFFFFFFF8900000100";
const SW_9000 = fromHex("9000");

describe("SCP03 against pySim's published vectors (osmocom/pysim tests/unittests/test_globalplatform.py)", () => {
  for (const v of PYSIM) {
    const level = fromHex(v.extAuthCmd)[2]!;
    const hostChallenge = fromHex(v.initUpdateCmd).slice(5, 13);
    const init = parseInitializeUpdateResponse(fromHex(v.initUpdateRsp))!;

    it(`${v.name}: terminal side sends exactly the recorded APDUs and reads the recorded responses`, async () => {
      const expected = [v.initUpdateCmd, v.extAuthCmd, v.getEidCmd, ...v.cases].map((h) => h.toUpperCase());
      const replies = [concatBytes(fromHex(v.initUpdateRsp), SW_9000), SW_9000, concatBytes(fromHex(v.getEidRsp), SW_9000)];
      const sent: string[] = [];
      // After the recorded exchanges the card answers 6A88 (an error SW carries no R-MAC), so the chain continues.
      const transmit = async (apdu: Uint8Array) => {
        sent.push(toHex(apdu));
        return replies[sent.length - 1] ?? fromHex("6A88");
      };
      const opened = await openSecureChannel(transmit, { keys: keysOf(v.keyset), keyVersion: fromHex(v.initUpdateCmd)[2]!, level, hostChallenge });
      expect(opened.ok).toBe(true);
      if (!opened.ok) return;
      const eid = await opened.value.transmit(fromHex(GET_EID_PLAIN));
      expect(toHex(eid)).toBe(`${GET_EID_RESPONSE_PLAIN}9000`);
      for (const plain of CASES_PLAIN) await opened.value.transmit(fromHex(plain));
      expect(sent).toEqual(expected);
    });

    it(`${v.name}: the card challenge is the pseudo-random challenge of Amd D §6.2.2.1 (i = 70)`, () => {
      // The recording comes from an eUICC: the invoking application is its ISD-R (SGP.02 AID below).
      expect(init.iParameter).toBe(0x70);
      expect(toHex(pseudoRandomCardChallenge(keysOf(v.keyset).enc, init.sequenceCounter!, fromHex(ISD_R_AID)))).toBe(toHex(init.cardChallenge));
    });

    it(`${v.name}: card side computes the recorded card cryptogram, accepts every recorded command and produces the recorded response`, () => {
      const session = deriveSessionKeys(keysOf(v.keyset), hostChallenge, init.cardChallenge);
      expect(toHex(cardCryptogram(session, hostChallenge, init.cardChallenge))).toBe(toHex(init.cardCryptogram));
      const ext = decodeCommandApdu(fromHex(v.extAuthCmd));
      if (!ext.ok) throw new Error(ext.error);
      const auth = unwrapCommand(session, INITIAL_MAC_CHAIN, level, { ...ext.value, lcBytes: Uint8Array.of(ext.value.data.length) }, true);
      expect(auth.ok && toHex(auth.data)).toBe(toHex(hostCryptogram(session, hostChallenge, init.cardChallenge)));
      let chain: MacChain = auth.ok ? auth.chain : INITIAL_MAC_CHAIN;
      for (const [i, hex] of [v.getEidCmd, ...v.cases].entries()) {
        const cmd = decodeCommandApdu(fromHex(hex));
        if (!cmd.ok) throw new Error(cmd.error);
        const r = unwrapCommand(session, chain, level, { ...cmd.value, lcBytes: Uint8Array.of(cmd.value.data.length) });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const plain = decodeCommandApdu(fromHex(i === 0 ? GET_EID_PLAIN : CASES_PLAIN[i - 1]!));
        expect(plain.ok && toHex(r.data)).toBe(plain.ok ? toHex(plain.value.data) : "");
        if (i === 0) expect(toHex(wrapResponse(session, r.chain, level, fromHex(GET_EID_RESPONSE_PLAIN), 0x9000))).toBe(v.getEidRsp.toUpperCase());
        chain = r.chain;
      }
    });
  }
});

describe("padding", () => {
  it("pad80 / unpad80 round trip and refuse malformed padding", () => {
    for (let n = 0; n < 40; n++) {
      const data = new Uint8Array(n).fill(0x80);
      expect(unpad80(pad80(data))).toEqual(data);
    }
    expect(unpad80(new Uint8Array(16))).toBeNull();
    expect(unpad80(fromHex("01020304"))).toBeNull();
  });
});
