import { describe, expect, it } from "vitest";
import { csvCell, csvLine, csvResponse, everyRow } from "./csv";

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["Sato, Hana", '"Sato, Hana"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ["+81 3 1234", "'+81 3 1234"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", '"\'\rcmd"'],
    ["佐藤 花", "佐藤 花"],
    ["", ""],
  ])("%j → %j", (value, cell) => expect(csvCell(value)).toBe(cell));

  it("keeps numbers, bigints, dates, booleans and empties as values, a negative number is not a formula", () => {
    expect(csvCell(-300)).toBe("-300");
    expect(csvCell(12345678901234567890n)).toBe("12345678901234567890");
    expect(csvCell(new Date("2026-12-01T04:05:06.789Z"))).toBe("2026-12-01T04:05:06.789Z");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });

  it("a record ends with CRLF", () => expect(csvLine(["a", 1, null])).toBe("a,1,\r\n"));
});

describe("csvResponse", () => {
  it("streams a BOM, the header row and every row of every keyset page, as an attachment", async () => {
    const pages = [[1, 2], [3], [4, 5]];
    const asked: (number | null)[] = [];
    const rows = everyRow<number, number>(async (after) => {
      asked.push(after);
      const index = after ?? 0;
      return { rows: pages[index]!, next: index + 1 < pages.length ? index + 1 : null };
    });
    const response = csvResponse("cards 2026/12.csv", ["n", "formula"], rows, (n) => [n, `=${n}`]);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="cards_2026_12.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text).toBe("\uFEFFn,formula\r\n1,'=1\r\n2,'=2\r\n3,'=3\r\n4,'=4\r\n5,'=5\r\n");
    expect(asked).toEqual([null, 1, 2]);
  });
});
