import { describe, expect, it } from "vitest";
import { fromHex } from "@/lib/core/bytes";
import { httpApduRelay } from "./presented";
import { ReaderError } from "./types";

/** A fetch that answers every request with `status` and `body` as JSON, and remembers what it was sent. */
function answering(status: number, body: unknown) {
  const sent: unknown[] = [];
  const fetcher = (async (_url: string, init?: RequestInit) => {
    sent.push(JSON.parse(String(init?.body)));
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { fetcher, sent };
}

describe("the desk's relay over HTTP", () => {
  const lease = { leaseId: "lease-1", tab: "tab-1" };

  it("sends the APDU with the lease and returns the card's answer", async () => {
    const { fetcher, sent } = answering(200, { response: "9000" });
    const relay = httpApduRelay("/api/provider/desk/card", lease, fetcher);
    expect(await relay(fromHex("80CADF7000"))).toEqual(fromHex("9000"));
    expect(sent).toEqual([{ leaseId: "lease-1", tab: "tab-1", apdu: "80CADF7000" }]);
  });

  it("a lease the desk no longer holds is 'no card', with the server's words for why", async () => {
    const words = "This desk no longer holds the card: the cardholder took the card back.";
    const { fetcher } = answering(409, { error: "lease-ended", params: { reason: "cardholder" }, message: words });
    const failure = await httpApduRelay("/relay", lease, fetcher)(fromHex("00A4040000")).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ReaderError);
    expect(failure).toMatchObject({ code: "no-card", words });
  });

  it("without words from the server the failure is its code alone; an answer that is not hex is a transport failure", async () => {
    const gone = await httpApduRelay("/relay", lease, answering(404, {}).fetcher)(fromHex("00A4040000")).catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: "no-card", words: null });
    const garbled = await httpApduRelay("/relay", lease, answering(200, { response: "zz" }).fetcher)(fromHex("00A4040000")).catch((e: unknown) => e);
    expect(garbled).toMatchObject({ code: "transport" });
  });
});
