import { describe, expect, test } from "vitest";
import doc from "../../../docs/messages.md?raw";
import { EXAMPLE_MESSAGES } from "./fixtures";
import { MESSAGE_TYPES } from "./message-types";
import { DELIVERY_ERROR_CODES, OUTCOME_CODES } from "./outcome";
import { REFUSAL_CODES } from "./refusal";

describe("docs/messages.md stays true to the code", () => {
  test.each(MESSAGE_TYPES)("shows the %s example verbatim, under its own heading", (type) => {
    expect(doc).toContain(`### ${type}\n`);
    expect(doc).toContain(`\`\`\`json\n${JSON.stringify(EXAMPLE_MESSAGES[type], null, 2)}\n\`\`\``);
  });

  test("lists every refusal code", () => {
    const listed = [...doc.matchAll(/^\| `([a-z-]+)` \| (?:codec|verify|inbox rule|file|dispatch)/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...REFUSAL_CODES].sort());
  });

  test("lists every outcome code and delivery error code under Outcomes", () => {
    const section = doc.slice(doc.indexOf("## Outcomes"));
    for (const code of [...OUTCOME_CODES, ...DELIVERY_ERROR_CODES]) expect(section, code).toMatch(new RegExp(`\`${code}[ \`]`));
  });
});
