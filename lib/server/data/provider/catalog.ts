import "server-only";
import { buildLoadFile, loadFileHash, type AppletKind } from "@/lib/core/card";
import type { ProviderActor } from "../../auth/session";
import { db } from "./db";

/**
 * Each provider's application software: the load files its desk sends to cards. A load file is a
 * build artefact of the provider's own system (it is not data the issuer hands out); the issuer
 * registered its SHA-256 when it approved the application, and the card refuses any other file.
 * The demo providers' applets are built deterministically, so the hashes equal the registered ones
 * (catalog.test.ts checks them against the seed).
 */
export type ProviderApplication = {
  readonly aid: string;
  readonly name: string;
  readonly kind: AppletKind;
  readonly version: number;
  readonly codeSize: number;
};

const CATALOG: Readonly<Record<string, readonly ProviderApplication[]>> = {
  METRO01: [
    { aid: "F0524300010001", name: "Metro Pass", kind: "transit", version: 1, codeSize: 4096 },
    { aid: "F0524300010002", name: "Metro Cycle", kind: "transit", version: 1, codeSize: 4096 },
  ],
  HOSHI01: [
    { aid: "F0524300020001", name: "Hoshi Credit", kind: "credit", version: 1, codeSize: 4096 },
    { aid: "F0524300020002", name: "Hoshi Rewards", kind: "loyalty", version: 1, codeSize: 4096 },
  ],
  SAKURA01: [
    { aid: "F0524300030001", name: "Sakura Points", kind: "loyalty", version: 1, codeSize: 4096 },
    { aid: "F0524300030002", name: "Sakura Premium", kind: "loyalty", version: 1, codeSize: 4096 },
  ],
};

/** The applications a provider ships (empty for an unknown provider). */
export function applicationsOf(providerCompanyId: string): readonly ProviderApplication[] {
  return CATALOG[providerCompanyId] ?? [];
}

/** One of the provider's own applications, or null when `aid` is not one of them. */
export function findApplication(providerCompanyId: string, aid: string): ProviderApplication | null {
  return applicationsOf(providerCompanyId).find((a) => a.aid === aid) ?? null;
}

/** What a desk's browser needs to build the load file itself (lib/core/card buildLoadFile). */
export type LoadFileSpec = { kind: AppletKind; aid: string; version: number; codeSize: number };

export function loadFileSpecOf(app: ProviderApplication): LoadFileSpec {
  return { kind: app.kind, aid: app.aid, version: app.version, codeSize: app.codeSize };
}

const hashes = new Map<string, string>();

/** SHA-256 of the application's load file: what the permission request names and the card checks. */
export function loadFileHashOf(app: ProviderApplication): string {
  const key = `${app.aid}/${app.version}/${app.codeSize}/${app.kind}`;
  let hash = hashes.get(key);
  if (!hash) {
    hash = loadFileHash(buildLoadFile(loadFileSpecOf(app)));
    hashes.set(key, hash);
  }
  return hash;
}

export type FeeView = { normalFeeMinor: number; reissueFeeMinor: number; currency: string };

/** The fee to users in force at `now` for one application (claim 14), or null when none is set. */
export async function currentFee(
  providerCompanyId: string,
  aid: string,
  now: Date,
  tx: Pick<ReturnType<typeof db>, "spFeeSchedule"> = db(),
): Promise<FeeView | null> {
  const row = await tx.spFeeSchedule.findFirst({
    where: { providerCompanyId, applicationAid: aid, validFrom: { lte: now } },
    orderBy: { validFrom: "desc" },
    select: { normalFeeMinor: true, reissueFeeMinor: true, currency: true },
  });
  return row;
}

export type DeskApplication = ProviderApplication & { fee: FeeView | null };

/**
 * The applications the signed-in desk can load, with the fees in force: the newest schedule at `now` of
 * each, in one statement (issue 16: one `currentFee` per application was a round trip each on every desk
 * page view).
 */
export async function listDeskApplications(actor: ProviderActor, now = new Date()): Promise<DeskApplication[]> {
  const apps = applicationsOf(actor.providerCompanyId);
  if (apps.length === 0) return [];
  const rows = await db().$queryRaw<(FeeView & { aid: string })[]>`
    SELECT DISTINCT ON (application_aid) application_aid AS "aid", normal_fee_minor AS "normalFeeMinor",
      reissue_fee_minor AS "reissueFeeMinor", currency
    FROM sp_fee_schedules
    WHERE provider_company_id = ${actor.providerCompanyId} AND application_aid = ANY(${apps.map((a) => a.aid)}::text[]) AND valid_from <= ${now}
    ORDER BY application_aid, valid_from DESC`;
  const fees = new Map(rows.map(({ aid, ...fee }) => [aid, fee]));
  return apps.map((app) => ({ ...app, fee: fees.get(app.aid) ?? null }));
}
