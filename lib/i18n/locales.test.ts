import { describe, expect, it } from "vitest";
import { isTimeZone, localeFromAcceptLanguage, resolveLocale } from "./locales";

describe("the request's language", () => {
  it("takes the account's language first, then the cookie, then the browser, then English", () => {
    expect(resolveLocale({ account: "ja", cookie: "en", acceptLanguage: "en-US" })).toBe("ja");
    expect(resolveLocale({ account: null, cookie: "ja", acceptLanguage: "en-US" })).toBe("ja");
    expect(resolveLocale({ account: null, cookie: null, acceptLanguage: "ja-JP,ja;q=0.9,en;q=0.8" })).toBe("ja");
    expect(resolveLocale({ account: null, cookie: "fr", acceptLanguage: "de-DE" })).toBe("en");
    expect(resolveLocale({})).toBe("en");
  });

  it("reads Accept-Language by quality, then order, by primary subtag", () => {
    expect(localeFromAcceptLanguage("en-US,en;q=0.9")).toBe("en");
    expect(localeFromAcceptLanguage("fr-FR, ja;q=0.5, en;q=0.4")).toBe("ja");
    expect(localeFromAcceptLanguage("en;q=0.2, ja-JP;q=0.8")).toBe("ja");
    expect(localeFromAcceptLanguage("ja;q=0, en")).toBe("en");
    expect(localeFromAcceptLanguage("fr, de")).toBeNull();
    expect(localeFromAcceptLanguage("")).toBeNull();
  });

  it("knows IANA time zones", () => {
    expect(isTimeZone("Asia/Tokyo")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});
