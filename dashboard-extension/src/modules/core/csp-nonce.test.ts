import { getNonce } from "get-nonce";
import { describe, expect, it } from "vitest";

import { applyStyleNonce, pageNonce } from "./csp-nonce";

function page(nonce?: string): Document {
  const doc = document.implementation.createHTMLDocument("page");
  if (nonce !== undefined) {
    const meta = doc.createElement("meta");
    meta.setAttribute("property", "csp-nonce");
    meta.setAttribute("nonce", nonce);
    doc.head.append(meta);
  }
  return doc;
}

describe("the page's CSP nonce", () => {
  it("is read from the meta tag the server filled in", () => {
    expect(pageNonce(page("r4nd0m-nonce_1"))).toBe("r4nd0m-nonce_1");
  });

  it("is absent when the page has none, or still has the build's placeholder", () => {
    expect(pageNonce(page())).toBeUndefined();
    expect(pageNonce(page("CRM_CSP_NONCE"))).toBeUndefined();
  });

  it("is given to the styles components inject (react-style-singleton reads get-nonce)", () => {
    applyStyleNonce(page("n0nce"));
    expect(getNonce()).toBe("n0nce");
  });
});
