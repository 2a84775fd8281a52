import { afterEach, describe, expect, it, vi } from "vitest";

import {
  connectTokens,
  createDashboardActions,
  crmEndpoint,
  dashboardPaths,
  tokenSource,
} from "./dashboard-bridge";
import { TokenStore } from "./token-store";

type Listener = (payload: { token: string }) => void;

function fakeBridge(initialToken?: string) {
  const listeners = new Map<string, Set<Listener>>();
  return {
    getState: () => ({ token: initialToken }),
    subscribe: vi.fn((event: string, listener: Listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    }),
    emit(event: string, token: string) {
      listeners.get(event)?.forEach((listener) => listener({ token }));
    },
  };
}

function jwtExpiringIn(seconds: number): string {
  const claims = btoa(JSON.stringify({ exp: Date.now() / 1000 + seconds }));
  return `e30.${claims.replace(/=+$/, "")}.sig`;
}

afterEach(() => vi.useRealTimers());

describe("connectTokens", () => {
  it("takes the handshake token and every refresh", () => {
    const bridge = fakeBridge();
    const store = new TokenStore();
    const disconnect = connectTokens(bridge as never, store);
    bridge.emit("handshake", "first");
    expect(store.get()).toBe("first");
    bridge.emit("tokenRefresh", "second");
    expect(store.get()).toBe("second");
    disconnect();
    bridge.emit("tokenRefresh", "third");
    expect(store.get()).toBe("second");
  });

  it("picks up a handshake that happened before it connected", () => {
    const store = new TokenStore();
    connectTokens(fakeBridge("early") as never, store);
    expect(store.get()).toBe("early");
  });
});

describe("tokenSource", () => {
  it("waits for the Dashboard's refresh when the token is about to expire", async () => {
    const store = new TokenStore(jwtExpiringIn(2));
    const source = tokenSource(store, { refreshTimeoutMs: 1000, expirySkewSeconds: 5 });
    const current = source.current();
    store.set("fresh");
    await expect(current).resolves.toBe("fresh");
  });

  it("sends a valid token right away", async () => {
    const token = jwtExpiringIn(240);
    await expect(tokenSource(new TokenStore(token)).current()).resolves.toBe(token);
  });

  it("falls back to the old token when no refresh comes", async () => {
    vi.useFakeTimers();
    const token = jwtExpiringIn(1);
    const current = tokenSource(new TokenStore(token), { refreshTimeoutMs: 500 }).current();
    await vi.advanceTimersByTimeAsync(500);
    await expect(current).resolves.toBe(token);
  });
});

describe("createDashboardActions", () => {
  it("redirects the Dashboard to an order by its global ID", async () => {
    const dispatch = vi.fn(async () => undefined);
    const ok = await createDashboardActions({ dispatch }).openOrder("T3JkZXI6MQ==");
    expect(ok).toBe(true);
    const [action] = dispatch.mock.calls[0] as unknown as [{ type: string; payload: { to: string; actionId: string } }];
    expect(action.type).toBe("redirect");
    expect(action.payload.to).toBe("/orders/T3JkZXI6MQ%3D%3D");
    expect(action.payload.actionId).toBeTruthy();
  });

  it("survives a Dashboard that does not answer", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const dispatch = vi.fn(async () => {
      throw new Error("Action response timed out.");
    });
    await expect(createDashboardActions({ dispatch }).notify("success", "Saved")).resolves.toBe(false);
    expect(warn).toHaveBeenCalled();
    await expect(createDashboardActions(undefined).closePopup()).resolves.toBe(false);
  });

  it("builds Dashboard paths", () => {
    expect(dashboardPaths.customer("VXNlcjox")).toBe("/customers/VXNlcjox");
    expect(dashboardPaths.appPage("QXBwOjE=", "/tickets/VGlja2V0OjE%3D")).toBe(
      "/extensions/app/QXBwOjE%3D/tickets/VGlja2V0OjE%3D",
    );
  });

  it("opens a page of the CRM app from a widget when it knows the App", async () => {
    const dispatch = vi.fn(async () => undefined);
    await expect(createDashboardActions({ dispatch }, { appId: "QXBwOjE=" }).openAppPage("/tickets")).resolves.toBe(true);
    const [action] = dispatch.mock.calls[0] as unknown as [{ payload: { to: string } }];
    expect(action.payload.to).toBe("/extensions/app/QXBwOjE%3D/tickets");
    await expect(createDashboardActions({ dispatch }).openAppPage("/tickets")).resolves.toBe(false);
    expect(dispatch).toHaveBeenCalledTimes(1);
  });
});

describe("routeAppPage", () => {
  it("has the Dashboard's router open an app-page path, the App's ID spelt past its same-app check", async () => {
    const dispatch = vi.fn(async () => undefined);
    const actions = createDashboardActions({ dispatch }, { appId: "QXBwOjE=" });
    await expect(actions.routeAppPage("/customers/Q3VzdDox")).resolves.toBe(true);
    const [action] = dispatch.mock.calls[0] as unknown as [{ type: string; payload: { to: string } }];
    expect(action.type).toBe("redirect");
    expect(action.payload.to).toBe("/extensions/app/%51XBwOjE%3D/customers/Q3VzdDox");
    // The Dashboard's router reads it as the plain path.
    expect(decodeURI(action.payload.to)).toBe(dashboardPaths.appPage("QXBwOjE=", "/customers/Q3VzdDox"));
    await expect(createDashboardActions({ dispatch }).routeAppPage("/customers")).resolves.toBe(false);
  });

  it("spells IDs without padding past the check too", () => {
    const to = dashboardPaths.appPageRoute("QXBwOjEy", "/tickets");
    expect(to.startsWith("/extensions/app/QXBwOjEy")).toBe(false);
    expect(decodeURI(to)).toBe("/extensions/app/QXBwOjEy/tickets");
  });
});

describe("crmEndpoint", () => {
  it("is the plugin's GraphQL route on the page's origin", () => {
    expect(crmEndpoint("https://shop.example.com")).toBe(
      "https://shop.example.com/plugins/global/saleor.crm/graphql/",
    );
  });
});
