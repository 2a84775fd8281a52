import { describe, expect, it } from "vitest";

import { replyStatus, textToHtml, validateReply } from "./reply";

describe("validateReply", () => {
  it("needs some text", () => {
    expect(validateReply("  \n ", "reply", { status: "OPEN" }).body).toBe("Write a reply first.");
    expect(validateReply("", "note", { status: "OPEN" }).body).toBe("Write the note first.");
    expect(validateReply("Thanks!", "reply", { status: "OPEN" })).toEqual({});
  });

  it("refuses replies on closed or merged tickets but allows notes", () => {
    expect(validateReply("Hi", "reply", { status: "CLOSED" }).form).toMatch(/closed/);
    expect(validateReply("Hi", "reply-and-solve", { status: "OPEN", mergedInto: "VGlja2V0OjI=" }).form).toMatch(/merged/);
    expect(validateReply("Checked with the carrier", "note", { status: "CLOSED" })).toEqual({});
  });
});

describe("replyStatus", () => {
  it("solves with 'Reply and solve' and leaves the server's default otherwise", () => {
    expect(replyStatus("reply-and-solve")).toBe("SOLVED");
    expect(replyStatus("reply")).toBeUndefined();
    expect(replyStatus("note")).toBeUndefined();
  });
});

describe("textToHtml", () => {
  it("makes paragraphs and line breaks, escaping markup", () => {
    expect(textToHtml("Hello Anna,\nthanks for waiting.\n\n<b>Tom</b> & team")).toBe(
      "<p>Hello Anna,<br>thanks for waiting.</p><p>&lt;b&gt;Tom&lt;/b&gt; &amp; team</p>",
    );
  });

  it("drops blank paragraphs and Windows line endings", () => {
    expect(textToHtml("\r\n\r\nOne\r\n\r\n\r\n\r\nTwo\r\n")).toBe("<p>One</p><p>Two</p>");
    expect(textToHtml("   ")).toBe("");
  });
});
