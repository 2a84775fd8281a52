import { afterEach, describe, expect, it, vi } from "vitest";

import { secondsUntilExpiry, TokenStore, userIdFromToken } from "./token-store";

function jwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${encode({ alg: "RS256" })}.${encode(claims)}.signature`;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("TokenStore", () => {
  it("answers at once when a token is there", async () => {
    await expect(new TokenStore("a").waitForToken(10)).resolves.toBe("a");
  });

  it("waits for the handshake token", async () => {
    vi.useFakeTimers();
    const store = new TokenStore();
    const waiting = store.waitForToken(1000);
    store.set("handshake");
    await expect(waiting).resolves.toBe("handshake");
  });

  it("gives up waiting after the timeout", async () => {
    vi.useFakeTimers();
    const waiting = new TokenStore().waitForToken(1000);
    vi.advanceTimersByTime(1000);
    await expect(waiting).resolves.toBeUndefined();
  });

  it("waits for a token different from the stale one", async () => {
    vi.useFakeTimers();
    const store = new TokenStore("old");
    const waiting = store.waitForRefresh("old", 5000);
    store.set("old");
    store.set("new");
    await expect(waiting).resolves.toBe("new");
  });

  it("answers a refresh wait at once when the token already changed", async () => {
    const store = new TokenStore("newer");
    await expect(store.waitForRefresh("old", 10)).resolves.toBe("newer");
  });

  it("notifies subscribers once per new token and stops after unsubscribe", () => {
    const store = new TokenStore();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    store.set("a");
    store.set("a");
    store.set("");
    unsubscribe();
    store.set("b");
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith("a");
    expect(store.get()).toBe("b");
  });
});

describe("secondsUntilExpiry", () => {
  it("reads exp from a JWT", () => {
    const token = jwt({ exp: 1_000_300 });
    expect(secondsUntilExpiry(token, 1_000_000_000)).toBe(300);
  });

  it("is undefined for tokens that are not JWTs or have no exp", () => {
    expect(secondsUntilExpiry("opaque-app-token")).toBeUndefined();
    expect(secondsUntilExpiry("a.%%%.c")).toBeUndefined();
    expect(secondsUntilExpiry(jwt({ email: "staff@example.com" }))).toBeUndefined();
  });
});

describe("userIdFromToken", () => {
  it("reads the staff member's Saleor User ID from the token", () => {
    const token = `e30.${btoa(JSON.stringify({ user_id: "VXNlcjoxNQ==", exp: 1 })).replace(/=+$/, "")}.sig`;
    expect(userIdFromToken(token)).toBe("VXNlcjoxNQ==");
  });

  it("has none for other tokens", () => {
    expect(userIdFromToken(undefined)).toBeUndefined();
    expect(userIdFromToken("opaque")).toBeUndefined();
    expect(userIdFromToken(`e30.${btoa(JSON.stringify({ app: "QXBwOjE=" }))}.sig`)).toBeUndefined();
  });
});
