import { describe, expect, it } from "vitest";
import { buildLoadFile, loadFileHash } from "@/lib/core/card";
import { DEMO_PROVIDERS } from "@/prisma/seed/demo-data";
import { applicationsOf, findApplication, loadFileHashOf } from "./catalog";

describe("provider application catalog", () => {
  it.each(DEMO_PROVIDERS.map((p) => [p.companyId, p] as const))(
    "%s ships the applications it registered, with the registered load file hash",
    (companyId, provider) => {
      const apps = applicationsOf(companyId);
      expect(apps.map((a) => [a.aid, a.name, a.kind])).toEqual(provider.applications.map((a) => [a.aid, a.name, a.kind]));
      for (const app of apps) {
        // The seed registers the hash of exactly this build with the issuer.
        expect(loadFileHashOf(app)).toBe(loadFileHash(buildLoadFile({ kind: app.kind, aid: app.aid, version: 1, codeSize: 4096 })));
      }
    },
  );

  it("knows only its own applications", () => {
    expect(findApplication("HOSHI01", "F0524300030001")).toBeNull();
    expect(findApplication("UNKNOWN1", "F0524300030001")).toBeNull();
    expect(findApplication("SAKURA01", "F0524300030001")?.name).toBe("Sakura Points");
  });
});
