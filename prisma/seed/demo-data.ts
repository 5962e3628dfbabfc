/**
 * The demo world: one issuer, three providers with contracts and registered applications, two dozen
 * cardholders with cards of both platform types, and the accounts listed in the README.
 * Password of every demo account: recard-demo.
 */
import type { AppletKind } from "../../lib/core/card";

export const DEMO_PASSWORD = "recard-demo";

export type DemoApplication = {
  aid: string;
  name: string;
  kind: AppletKind;
  status: "approved" | "pending";
  normalFee: number;
  reissueFee: number;
  userNormalFee: number;
  userReissueFee: number;
};

export type DemoProvider = {
  companyId: string;
  name: string;
  contractNo: string;
  contractStart: string;
  desk: { email: string; name: string };
  applications: DemoApplication[];
  credit: { minAnnualIncomeMinor: number; limitPercentOfIncome: number; maxLimitMinor: number; requiresInvestigation: boolean };
};

export const DEMO_PROVIDERS: DemoProvider[] = [
  {
    companyId: "METRO01",
    name: "Metro Transit",
    contractNo: "RC-SP-2024-001",
    contractStart: "2024-04-01",
    desk: { email: "desk@metro.recard.test", name: "Daichi Mori" },
    applications: [
      {
        aid: "F0524300010001",
        name: "Metro Pass",
        kind: "transit",
        status: "approved",
        normalFee: 300,
        reissueFee: 100,
        userNormalFee: 500,
        userReissueFee: 200,
      },
      {
        aid: "F0524300010002",
        name: "Metro Cycle",
        kind: "transit",
        status: "approved",
        normalFee: 200,
        reissueFee: 80,
        userNormalFee: 300,
        userReissueFee: 100,
      },
    ],
    credit: { minAnnualIncomeMinor: 0, limitPercentOfIncome: 0, maxLimitMinor: 0, requiresInvestigation: false },
  },
  {
    companyId: "HOSHI01",
    name: "Hoshi Card Services",
    contractNo: "RC-SP-2024-002",
    contractStart: "2024-06-15",
    desk: { email: "desk@hoshi.recard.test", name: "Emi Kato" },
    applications: [
      {
        aid: "F0524300020001",
        name: "Hoshi Credit",
        kind: "credit",
        status: "approved",
        normalFee: 800,
        reissueFee: 200,
        userNormalFee: 1500,
        userReissueFee: 300,
      },
      {
        aid: "F0524300020002",
        name: "Hoshi Rewards",
        kind: "loyalty",
        status: "approved",
        normalFee: 150,
        reissueFee: 50,
        userNormalFee: 0,
        userReissueFee: 0,
      },
    ],
    credit: { minAnnualIncomeMinor: 2_000_000, limitPercentOfIncome: 10, maxLimitMinor: 800_000, requiresInvestigation: true },
  },
  {
    companyId: "SAKURA01",
    name: "Sakura Points",
    contractNo: "RC-SP-2025-003",
    contractStart: "2025-01-10",
    desk: { email: "desk@sakura.recard.test", name: "Sora Nakamura" },
    applications: [
      {
        aid: "F0524300030001",
        name: "Sakura Points",
        kind: "loyalty",
        status: "approved",
        normalFee: 100,
        reissueFee: 30,
        userNormalFee: 0,
        userReissueFee: 0,
      },
      {
        aid: "F0524300030002",
        name: "Sakura Premium",
        kind: "loyalty",
        status: "pending",
        normalFee: 200,
        reissueFee: 60,
        userNormalFee: 500,
        userReissueFee: 100,
      },
    ],
    credit: { minAnnualIncomeMinor: 0, limitPercentOfIncome: 0, maxLimitMinor: 0, requiresInvestigation: false },
  },
];

export const DEMO_ISSUER_ACCOUNTS = [
  { email: "issuer@recard.test", name: "Aiko Tanaka" },
  { email: "supervisor@recard.test", name: "Takeshi Ono" },
];

export type DemoCardholder = {
  /** The name as the person writes it (kanji, family name first), stored in full_name. */
  name: string;
  /** Its reading in katakana (furigana), stored in full_name_kana. */
  kana: string;
  /**
   * The name in Latin letters, given name first: not stored (the issuer records the name as written and its
   * reading); the handle tests and code comments use to say who they mean (`demoCardholder("Hana Sato")`).
   */
  romaji: string;
  sex: "female" | "male";
  birthDate: string;
  occupation: string;
  incomeMinor: number;
  address: string;
  postalCode: string;
  platformType: 100 | 200;
  /** AIDs loaded on the card, in order. */
  loads: string[];
  /** E-mail of the self-service account (others get name@mail.example; every cardholder has an account). */
  account?: string;
  /** Language of notices (default English). */
  locale?: "ja";
  /** The card in use expires next month (so a renewal run has work). */
  expiresNextMonth?: true;
  fraudFlag?: boolean;
  identityVerified?: boolean;
  /** A card replaced earlier (its applications reloaded on the current card). */
  reissuedBefore?: { reason: "lost" | "stolen" | "damaged"; monthsAgo: number };
  /** Loads in the last weeks (after everything else is seeded), for this month's figures and statements. */
  recentLoads?: { aid: string; daysAgo: number }[];
  /** The situation today. */
  today?: { blocked?: "lost" | "stolen"; pendingRequest?: "lost" | "stolen" | "damaged" };
};

export const DEMO_CARDHOLDERS: DemoCardholder[] = [
  {
    name: "佐藤 花",
    kana: "サトウ ハナ",
    romaji: "Hana Sato",
    sex: "female",
    birthDate: "1991-04-12",
    occupation: "Architect",
    incomeMinor: 6_200_000,
    address: "2-4-1 Shibuya, Shibuya-ku, Tokyo",
    postalCode: "150-0002",
    platformType: 100,
    loads: ["F0524300010001", "F0524300030001"],
    account: "hana@recard.test",
  },
  {
    name: "渡辺 健二",
    kana: "ワタナベ ケンジ",
    romaji: "Kenji Watanabe",
    sex: "male",
    birthDate: "1985-09-30",
    occupation: "Software engineer",
    incomeMinor: 8_400_000,
    address: "1-9-3 Umeda, Kita-ku, Osaka",
    postalCode: "530-0001",
    platformType: 200,
    loads: ["F0524300020001", "F0524300030001"],
    account: "kenji@recard.test",
    locale: "ja",
  },
  {
    name: "山本 由紀",
    kana: "ヤマモト ユキ",
    romaji: "Yuki Yamamoto",
    sex: "female",
    birthDate: "1978-01-22",
    occupation: "Pharmacist",
    incomeMinor: 7_100_000,
    address: "3-2-8 Sakae, Naka-ku, Nagoya",
    postalCode: "460-0008",
    platformType: 100,
    loads: ["F0524300010001", "F0524300020002"],
    reissuedBefore: { reason: "lost", monthsAgo: 5 },
  },
  {
    name: "鈴木 蓮",
    kana: "スズキ レン",
    romaji: "Ren Suzuki",
    sex: "male",
    birthDate: "1996-07-03",
    occupation: "Graduate student",
    incomeMinor: 1_200_000,
    address: "5-1 Kamigyo-ku, Kyoto",
    postalCode: "602-0000",
    platformType: 200,
    loads: ["F0524300010001", "F0524300030001"],
    today: { blocked: "stolen", pendingRequest: "stolen" },
  },
  {
    name: "伊藤 芽衣",
    kana: "イトウ メイ",
    romaji: "Mei Ito",
    sex: "female",
    birthDate: "1989-11-18",
    occupation: "Nurse",
    incomeMinor: 4_800_000,
    address: "4-6-2 Chuo, Sendai",
    postalCode: "980-0021",
    platformType: 100,
    loads: ["F0524300010001", "F0524300010002"],
    today: { pendingRequest: "damaged" },
  },
  {
    name: "小林 陽翔",
    kana: "コバヤシ ハルト",
    romaji: "Haruto Kobayashi",
    sex: "male",
    birthDate: "1972-02-27",
    occupation: "Restaurant owner",
    incomeMinor: 9_600_000,
    address: "1-1 Hakata-ekimae, Fukuoka",
    postalCode: "812-0011",
    platformType: 200,
    loads: ["F0524300020001", "F0524300020002"],
    locale: "ja",
  },
  {
    name: "木村 さくら",
    kana: "キムラ サクラ",
    romaji: "Sakura Kimura",
    sex: "female",
    birthDate: "2000-05-05",
    occupation: "Designer",
    incomeMinor: 3_900_000,
    address: "2-3 Minatomirai, Yokohama",
    postalCode: "220-0012",
    platformType: 100,
    loads: ["F0524300030001"],
  },
  {
    name: "林 颯太",
    kana: "ハヤシ ソウタ",
    romaji: "Sota Hayashi",
    sex: "male",
    birthDate: "1983-08-14",
    occupation: "Civil servant",
    incomeMinor: 6_000_000,
    address: "7-2 Odori, Sapporo",
    postalCode: "060-0042",
    platformType: 200,
    loads: ["F0524300010001", "F0524300020001"],
    reissuedBefore: { reason: "damaged", monthsAgo: 8 },
  },
  {
    name: "清水 葵",
    kana: "シミズ アオイ",
    romaji: "Aoi Shimizu",
    sex: "female",
    birthDate: "1994-12-01",
    occupation: "Teacher",
    incomeMinor: 4_500_000,
    address: "3-5 Honcho, Chiba",
    postalCode: "260-0012",
    platformType: 100,
    loads: ["F0524300010001"],
  },
  {
    name: "山口 陸",
    kana: "ヤマグチ リク",
    romaji: "Riku Yamaguchi",
    sex: "male",
    birthDate: "1990-03-09",
    occupation: "Sales manager",
    incomeMinor: 7_300_000,
    address: "8-1 Motomachi, Kobe",
    postalCode: "650-0022",
    platformType: 200,
    loads: ["F0524300020001", "F0524300010001", "F0524300030001"],
    recentLoads: [{ aid: "F0524300010002", daysAgo: 33 }],
  },
  {
    name: "松本 結衣",
    kana: "マツモト ユイ",
    romaji: "Yui Matsumoto",
    sex: "female",
    birthDate: "1987-06-25",
    occupation: "Accountant",
    incomeMinor: 6_600_000,
    address: "2-7 Ebisu, Shibuya-ku, Tokyo",
    postalCode: "150-0013",
    platformType: 100,
    loads: ["F0524300020002", "F0524300010002"],
  },
  {
    name: "井上 拓海",
    kana: "イノウエ タクミ",
    romaji: "Takumi Inoue",
    sex: "male",
    birthDate: "1969-10-11",
    occupation: "Taxi driver",
    incomeMinor: 3_800_000,
    address: "1-4 Naha, Okinawa",
    postalCode: "900-0015",
    platformType: 200,
    loads: ["F0524300010001"],
    fraudFlag: true,
  },
  {
    name: "木村 美桜",
    kana: "キムラ ミオ",
    romaji: "Mio Kimura",
    sex: "female",
    birthDate: "1998-02-14",
    occupation: "Barista",
    incomeMinor: 2_400_000,
    address: "6-3 Tenjin, Fukuoka",
    postalCode: "810-0001",
    platformType: 100,
    loads: ["F0524300030001", "F0524300010001"],
    expiresNextMonth: true,
  },
  {
    name: "林 大輝",
    kana: "ハヤシ ダイキ",
    romaji: "Daiki Hayashi",
    sex: "male",
    birthDate: "1981-04-19",
    occupation: "Physician",
    incomeMinor: 14_000_000,
    address: "5-5 Roppongi, Minato-ku, Tokyo",
    postalCode: "106-0032",
    platformType: 200,
    loads: ["F0524300020001", "F0524300020002", "F0524300030001"],
    recentLoads: [{ aid: "F0524300010001", daysAgo: 0 }],
  },
  {
    name: "森 明里",
    kana: "モリ アカリ",
    romaji: "Akari Mori",
    sex: "female",
    birthDate: "1993-09-07",
    occupation: "Journalist",
    incomeMinor: 5_200_000,
    address: "1-2 Kanda, Chiyoda-ku, Tokyo",
    postalCode: "101-0047",
    platformType: 100,
    loads: ["F0524300010001", "F0524300020001"],
    expiresNextMonth: true,
  },
  {
    name: "池田 海斗",
    kana: "イケダ カイト",
    romaji: "Kaito Ikeda",
    sex: "male",
    birthDate: "1976-12-30",
    occupation: "Farmer",
    incomeMinor: 3_100_000,
    address: "12 Matsumoto, Nagano",
    postalCode: "390-0811",
    platformType: 200,
    loads: ["F0524300030001"],
    identityVerified: false,
    expiresNextMonth: true,
  },
  {
    name: "橋本 凛",
    kana: "ハシモト リン",
    romaji: "Rin Hashimoto",
    sex: "female",
    birthDate: "1984-07-21",
    occupation: "Lawyer",
    incomeMinor: 11_500_000,
    address: "3-3 Marunouchi, Chiyoda-ku, Tokyo",
    postalCode: "100-0005",
    platformType: 100,
    loads: ["F0524300020001", "F0524300010002"],
    recentLoads: [{ aid: "F0524300030001", daysAgo: 15 }],
  },
  {
    name: "阿部 大和",
    kana: "アベ ヤマト",
    romaji: "Yamato Abe",
    sex: "male",
    birthDate: "1999-01-16",
    occupation: "Delivery rider",
    incomeMinor: 2_900_000,
    address: "4-8 Nishi-ku, Hiroshima",
    postalCode: "733-0002",
    platformType: 200,
    loads: ["F0524300010001", "F0524300010002"],
    recentLoads: [{ aid: "F0524300020002", daysAgo: 50 }],
  },
  {
    name: "石川 小春",
    kana: "イシカワ コハル",
    romaji: "Koharu Ishikawa",
    sex: "female",
    birthDate: "1988-03-03",
    occupation: "Researcher",
    incomeMinor: 6_900_000,
    address: "2-1 Tsukuba, Ibaraki",
    postalCode: "305-0031",
    platformType: 100,
    loads: ["F0524300030001", "F0524300020002"],
    recentLoads: [{ aid: "F0524300010002", daysAgo: 25 }],
  },
  {
    name: "小川 陽向",
    kana: "オガワ ヒナタ",
    romaji: "Hinata Ogawa",
    sex: "male",
    birthDate: "1992-08-08",
    occupation: "Chef",
    incomeMinor: 4_100_000,
    address: "9-9 Kanazawa, Ishikawa",
    postalCode: "920-0853",
    platformType: 200,
    loads: [],
  },
  {
    name: "藤田 紬",
    kana: "フジタ ツムギ",
    romaji: "Tsumugi Fujita",
    sex: "female",
    birthDate: "1997-10-29",
    occupation: "Illustrator",
    incomeMinor: 3_300_000,
    address: "1-6 Shizuoka, Shizuoka",
    postalCode: "420-0853",
    platformType: 100,
    loads: ["F0524300010001"],
  },
  {
    name: "岡田 湊",
    kana: "オカダ ミナト",
    romaji: "Minato Okada",
    sex: "male",
    birthDate: "1974-05-17",
    occupation: "Pilot",
    incomeMinor: 16_000_000,
    address: "2-2 Haneda, Ota-ku, Tokyo",
    postalCode: "144-0041",
    platformType: 200,
    loads: ["F0524300020001", "F0524300020002", "F0524300010001"],
    recentLoads: [{ aid: "F0524300030001", daysAgo: 40 }],
  },
  {
    name: "後藤 恵麻",
    kana: "ゴトウ エマ",
    romaji: "Ema Goto",
    sex: "female",
    birthDate: "1986-11-04",
    occupation: "Pianist",
    incomeMinor: 5_500_000,
    address: "3-1 Kita-ku, Okayama",
    postalCode: "700-0024",
    platformType: 100,
    loads: ["F0524300030001"],
    expiresNextMonth: true,
  },
  {
    name: "前田 朝陽",
    kana: "マエダ アサヒ",
    romaji: "Asahi Maeda",
    sex: "male",
    birthDate: "1995-06-11",
    occupation: "Firefighter",
    incomeMinor: 5_000_000,
    address: "4-4 Aoba-ku, Sendai",
    postalCode: "980-0811",
    platformType: 200,
    loads: ["F0524300010002"],
    expiresNextMonth: true,
  },
];

/** The demo cardholder with this romaji handle ("Hana Sato"); throws on a name the seed does not have. */
export function demoCardholder(romaji: string): DemoCardholder {
  const found = DEMO_CARDHOLDERS.find((h) => h.romaji === romaji);
  if (!found) throw new Error(`no demo cardholder ${romaji}`);
  return found;
}
