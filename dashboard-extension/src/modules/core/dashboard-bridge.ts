import { actions, type AppBridge } from "@saleor/app-sdk/app-bridge";

import type { TokenSource } from "./graphql-client";
import { secondsUntilExpiry, TokenStore } from "./token-store";

type BridgeEvents = Pick<AppBridge, "subscribe" | "getState">;
type BridgeDispatch = Pick<AppBridge, "dispatch">;

/** Copies the handshake token and every `tokenRefresh` into the store. */
export function connectTokens(bridge: BridgeEvents, store: TokenStore): () => void {
  const initial = bridge.getState().token;
  if (initial) store.set(initial);
  const offHandshake = bridge.subscribe("handshake", ({ token }) => store.set(token));
  const offRefresh = bridge.subscribe("tokenRefresh", ({ token }) => store.set(token));
  return () => {
    offHandshake();
    offRefresh();
  };
}

export interface TokenTimings {
  /** How long to wait for the Dashboard's handshake before giving up. */
  handshakeTimeoutMs: number;
  /** How long to wait for a refreshed token after one expired. */
  refreshTimeoutMs: number;
  /** Treat a JWT this close to its expiry as expired. */
  expirySkewSeconds: number;
}

const DEFAULT_TIMINGS: TokenTimings = {
  handshakeTimeoutMs: 10_000,
  refreshTimeoutMs: 15_000,
  expirySkewSeconds: 5,
};

/** The client's view of the store: waits for the handshake and for refreshes. */
export function tokenSource(store: TokenStore, timings: Partial<TokenTimings> = {}): TokenSource {
  const t = { ...DEFAULT_TIMINGS, ...timings };
  return {
    async current() {
      const token = await store.waitForToken(t.handshakeTimeoutMs);
      if (!token) return undefined;
      const remaining = secondsUntilExpiry(token);
      if (remaining !== undefined && remaining < t.expirySkewSeconds) {
        // About to expire: the Dashboard's refresh is due; prefer its token.
        return (await store.waitForRefresh(token, t.refreshTimeoutMs)) ?? token;
      }
      return token;
    },
    refreshed(stale) {
      return store.waitForRefresh(stale, t.refreshTimeoutMs);
    },
  };
}

/** Dashboard paths, as the Dashboard's own router spells them. */
export const dashboardPaths = {
  order: (orderId: string) => `/orders/${encodeURIComponent(orderId)}`,
  customer: (userId: string) => `/customers/${encodeURIComponent(userId)}`,
  /**
   * A page inside this App's app page. The Dashboard loads the App URL
   * (`…/dashboard/#/app`) with `subPath` appended (e.g. `/tickets/<id>` →
   * `#/app/tickets/<id>`).
   */
  appPage: (appId: string, subPath: string) =>
    `/extensions/app/${encodeURIComponent(appId)}${subPath.startsWith("/") ? subPath : `/${subPath}`}`,
  /**
   * {@link appPage} as a `redirect` from the app page itself, spelt so that
   * the Dashboard hands it to its router. The Dashboard treats a redirect
   * whose target starts with `/extensions/app/<id>` (the ID encoded twice)
   * while it shows that app as an in-app move and only `pushState`s it: its
   * router then never sets the iframe's `src` again on Back. Percent-encoding
   * one letter of the ID breaks that prefix match; the router (history 4's
   * `decodeURI`) reads the same path, so the address shows the plain one.
   */
  appPageRoute: (appId: string, subPath: string) => {
    const path = dashboardPaths.appPage(appId, subPath);
    const prefix = "/extensions/app/";
    const id = path.slice(prefix.length);
    const letter = id.search(/[A-Za-z0-9]/);
    if (letter === -1) return path;
    const code = `%${id.charCodeAt(letter).toString(16).toUpperCase()}`;
    return `${prefix}${id.slice(0, letter)}${code}${id.slice(letter + 1)}`;
  },
};

export interface DashboardActions {
  /** Navigate the Dashboard (not the iframe) to one of its own pages. */
  redirect(to: string): Promise<boolean>;
  openOrder(orderId: string): Promise<boolean>;
  openCustomer(userId: string): Promise<boolean>;
  /**
   * Open the CRM app page at `subPath` (from a widget or popup). False when
   * the Dashboard did not say which App this is (`?id=`) or did not answer.
   */
  openAppPage(subPath: string): Promise<boolean>;
  /**
   * From the app page: have the Dashboard's router open the app page at
   * `subPath` (`/extensions/app/<id>/<subPath>`), which it does by changing
   * the iframe's hash, without a reload. Its address then names the CRM page
   * (reload, links, Back). False without the App's ID or an answer.
   */
  routeAppPage(subPath: string): Promise<boolean>;
  notify(status: "info" | "success" | "warning" | "error", title: string, text?: string): Promise<boolean>;
  closePopup(): Promise<boolean>;
}

export function createDashboardActions(
  bridge: BridgeDispatch | undefined,
  context: { appId?: string | null } = {},
): DashboardActions {
  const send = async (action: Parameters<AppBridge["dispatch"]>[0]) => {
    if (!bridge) return false;
    try {
      await bridge.dispatch(action);
      return true;
    } catch (error) {
      // Outside the Dashboard nobody answers; the page keeps working.
      console.warn("Dashboard did not accept the action", action.type, error);
      return false;
    }
  };
  return {
    redirect: (to) => send(actions.Redirect({ to })),
    openOrder: (orderId) => send(actions.Redirect({ to: dashboardPaths.order(orderId) })),
    openCustomer: (userId) => send(actions.Redirect({ to: dashboardPaths.customer(userId) })),
    openAppPage: async (subPath) =>
      context.appId
        ? send(actions.Redirect({ to: dashboardPaths.appPage(context.appId, subPath) }))
        : false,
    routeAppPage: async (subPath) =>
      context.appId
        ? send(actions.Redirect({ to: dashboardPaths.appPageRoute(context.appId, subPath) }))
        : false,
    notify: (status, title, text) => send(actions.Notification({ status, title, text })),
    closePopup: () => send(actions.PopupClose()),
  };
}

/** The CRM endpoint: same origin as the served files, under the plugin's route. */
export function crmEndpoint(origin: string = window.location.origin): string {
  if (import.meta.env.DEV && import.meta.env.VITE_CRM_API_URL) {
    return import.meta.env.VITE_CRM_API_URL;
  }
  return new URL("/plugins/global/saleor.crm/graphql/", origin).href;
}
