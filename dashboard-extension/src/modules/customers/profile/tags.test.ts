import { describe, expect, it } from "vitest";

import { addTags, fieldErrors, MAX_TAGS, validateTagsAndNote } from "./tags";

describe("addTags", () => {
  it("adds comma-separated tags, trimmed and once each", () => {
    expect(addTags(["vip"], " wholesale, vip ,, b2b ")).toEqual(["vip", "wholesale", "b2b"]);
  });
});

describe("validateTagsAndNote", () => {
  it("mirrors the backend's limits", () => {
    expect(validateTagsAndNote(["x".repeat(101)], "").tags).toMatch(/100 characters/);
    expect(validateTagsAndNote(Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`), "").tags).toMatch(/50 tags/);
    expect(validateTagsAndNote([], "n".repeat(20_001)).note).toMatch(/20000/);
    expect(validateTagsAndNote(["ok"], "fine")).toEqual({});
  });
});

describe("fieldErrors", () => {
  it("puts mutation errors on their fields and the rest on the form", () => {
    expect(
      fieldErrors([
        { field: "tags", code: "INVALID", message: "A profile has at most 50 tags." },
        { field: "note", code: "INVALID", message: null },
        { field: "id", code: "NOT_FOUND", message: "Couldn't resolve to a customer profile." },
        { field: null, code: "GRAPHQL_ERROR", message: "Try again." },
      ]),
    ).toEqual({
      tags: "A profile has at most 50 tags.",
      note: "This value is not valid.",
      form: "Couldn't resolve to a customer profile. Try again.",
    });
  });
});
