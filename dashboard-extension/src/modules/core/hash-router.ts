import { parseLaunchLocation } from "./launch-params";
import { appPageSubPath } from "./routes";

/**
 * The extension's router: the route lives in the iframe's hash; on the app
 * page inside the Dashboard the Dashboard's address leads, so a CRM page can
 * be reloaded, linked to and left with Back.
 *
 * What the Saleor Dashboard (3.23) does, and so why the app page does not
 * simply push its own hash entries:
 *
 * - Its router loads the app page at `/extensions/app/<id>/<sub-path>` as
 *   the App URL joined with the sub-path (`…#/app/<sub-path>`), and when its
 *   address changes, it sets the iframe's `src` to the new page. The iframe
 *   then makes a fragment navigation, which pushes an iframe entry (a
 *   navigation started by another origin is never a replacement).
 * - `updateRouting`, and a `redirect` it takes for "the same app", are a bare
 *   `history.pushState` its router never sees: Back then changes the address
 *   without telling the iframe. The iframe cannot step over such entries
 *   itself: it is sandboxed without `allow-top-navigation`, so its
 *   `history.back()` may not move the Dashboard's address.
 *
 * So a navigation on the app page asks the Dashboard's router to go to the
 * page (a `redirect` it does not take for a same-app one, see
 * `dashboardPaths.appPageRoute`). The router shows the page at once and,
 * when the Dashboard's `src` change arrives (a popstate without our state),
 * steps back over the iframe entry that change pushed: one history entry per
 * page, the Dashboard's. Back and Forward change the Dashboard's address,
 * whose `src` change shows the page; entries of the iframe alone are never
 * shown. Forward after Back is lost, since each `src` change drops the
 * entries ahead.
 *
 * Elsewhere (widgets, popups, outside the Dashboard) the router pushes and
 * pops its own hash entries.
 */

interface HistoryLike {
  readonly state: unknown;
  pushState(data: unknown, unused: string, url?: string): void;
  replaceState(data: unknown, unused: string, url?: string): void;
  back(): void;
}

export interface RouterWindow {
  history: HistoryLike;
  location: { readonly hash: string };
  // Browsers fire popstate on fragment navigations as well; hashchange,
  // which also follows the router's own steps back, is not listened to.
  addEventListener(type: "popstate", listener: (event: { state?: unknown }) => void): void;
  removeEventListener(type: "popstate", listener: (event: { state?: unknown }) => void): void;
  scrollTo?: (x: number, y: number) => void;
  setTimeout(handler: () => void, ms: number): unknown;
}

export interface HashRouterOptions {
  window: RouterWindow;
  /**
   * Has the Dashboard's router open an app-page sub-path; resolves false when
   * the Dashboard did not take it. Only on the app page inside the Dashboard.
   */
  openInDashboard?: (subPath: string) => Promise<boolean>;
}

const STATE_KEY = "crmRoute";
/** How long a step back over the Dashboard's iframe entry may take to arrive. */
const STEP_TIMEOUT_MS = 1000;

function isOurs(state: unknown): boolean {
  return Boolean((state as Record<string, unknown> | null | undefined)?.[STATE_KEY]);
}

function marked(state: unknown): Record<string, unknown> {
  const base = state && typeof state === "object" ? (state as Record<string, unknown>) : {};
  return { ...base, [STATE_KEY]: true };
}

export class HashRouter {
  private readonly win: RouterWindow;
  private readonly openInDashboard?: (subPath: string) => Promise<boolean>;
  private readonly listeners = new Set<() => void>();
  private shown: string;
  /** The router stepped back over an iframe entry: that popstate changes nothing. */
  private stepping = false;
  private pending: Promise<void> = Promise.resolve();

  constructor(options: HashRouterOptions) {
    this.win = options.window;
    this.openInDashboard = options.openInDashboard;
    this.shown = this.hashPath();
    if (!isOurs(this.win.history.state)) {
      this.win.history.replaceState(marked(this.win.history.state), "");
    }
    this.win.addEventListener("popstate", this.onPopState);
  }

  /** The route path shown, e.g. `/app/customers`. */
  get path(): string {
    return this.shown;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Shows `path` now, and records it: in the Dashboard's address, or in the hash. */
  navigate = (path: string): void => {
    if (path === this.shown) return;
    this.show(path);
    this.win.scrollTo?.(0, 0);
    const subPath = this.openInDashboard ? appPageSubPath(path) : undefined;
    if (this.openInDashboard && subPath !== undefined) {
      const open = this.openInDashboard;
      // Shown already; if the Dashboard does not take it (no answer), the
      // page just stays unrecorded: Back follows the Dashboard's address.
      this.pending = this.pending.then(() => open(subPath).then(
        () => undefined,
        () => undefined,
      ));
    } else {
      this.push(path);
    }
  };

  /** Resolves when the navigations so far were handed on (for tests). */
  settled(): Promise<void> {
    return this.pending;
  }

  dispose(): void {
    this.win.removeEventListener("popstate", this.onPopState);
    this.listeners.clear();
  }

  private push(path: string): void {
    this.win.history.pushState(marked(null), "", `#${path}${this.hashQuery()}`);
  }

  private onPopState = (event: { state?: unknown }) => {
    if (this.stepping) {
      this.stepping = false;
      return;
    }
    if (isOurs(event.state)) {
      // Back/Forward over entries of the iframe alone. In the Dashboard the
      // page follows the Dashboard's address, which these do not move.
      if (!this.openInDashboard) this.show(this.hashPath());
      return;
    }
    // Not one of ours: the Dashboard set the iframe's `src` (its router moved
    // to this page), or someone edited the address.
    this.show(this.hashPath());
    this.win.history.replaceState(marked(event.state), "");
    if (this.openInDashboard) {
      // The page has its entry in the Dashboard's history; drop this one.
      // Chromium refuses the step when the entry before belongs to an iframe
      // document from before a reload of the Dashboard; then no popstate
      // comes, and the next one must not be swallowed (that Back costs one
      // press more).
      this.stepping = true;
      this.win.history.back();
      this.win.setTimeout(() => {
        this.stepping = false;
      }, STEP_TIMEOUT_MS);
    }
  };

  private show(path: string): void {
    if (path === this.shown) return;
    this.shown = path;
    this.listeners.forEach((listener) => listener());
  }

  private hashPath(): string {
    return parseLaunchLocation("", this.win.location.hash).path;
  }

  /** The Dashboard's launch query kept inside the hash, so reloading the iframe keeps it. */
  private hashQuery(): string {
    const hash = this.win.location.hash;
    const lastHash = hash.lastIndexOf("#");
    const route = lastHash === -1 ? hash : hash.slice(lastHash + 1);
    return route.includes("?") ? route.slice(route.indexOf("?")) : "";
  }
}
