import { parseLaunchLocation } from "./launch-params";
import { appPageSubPath } from "./routes";

/**
 * The extension's router: the route lives in the iframe's hash, and on the
 * app page the Dashboard's own address follows it, so a CRM page can be
 * reloaded, bookmarked and left with Back.
 *
 * How the Saleor Dashboard (3.23) behaves, and so why this is more than
 * `location.hash = …`:
 *
 * - `updateRouting` makes the Dashboard `history.pushState` its address to
 *   `/extensions/app/<id>/<sub-path>`. Its router does not see that push.
 * - On reload it loads the App URL joined with the sub-path, so the iframe
 *   starts at `#/app/<sub-path>`.
 * - On Back/Forward its router sets the iframe's `src` to the page of the
 *   address it returns to, whenever that differs from the last `src` it set.
 *   The iframe then navigates, which pushes a new history entry and drops the
 *   entries ahead (a navigation started by another origin is never a
 *   replacement).
 *
 * The parent's and the iframe's entries share one session history, and
 * neither side can push for both: a navigation here first asks the
 * Dashboard to move (its entry: new address, old iframe entry) and then
 * pushes the iframe entry (new address, new page). Back from a page
 * therefore first lands on that in-between entry, recognisable in the
 * iframe because it pops to an entry marked `followedByRoute`; the router
 * steps back once more, to the previous address. An entry the Dashboard's
 * `src` change pushed (no state of ours) is shown and then stepped back
 * over, so it does not become a stale page for the next Back. Forward after
 * Back is lost when the Dashboard resets `src`; Back, reload and deep links
 * work.
 */

export interface RouteEntry {
  /** Position in the session history, to tell Back from Forward. */
  n: number;
  /** The Dashboard's address moved on before the entry after this one was pushed. */
  followedByRoute: boolean;
}

interface HistoryLike {
  readonly state: unknown;
  pushState(data: unknown, unused: string, url?: string): void;
  replaceState(data: unknown, unused: string, url?: string): void;
  back(): void;
}

export interface RouterWindow {
  history: HistoryLike;
  location: { readonly hash: string };
  // Browsers fire popstate on fragment navigations as well (hashchange, which
  // also follows a Back over an entry the router ignores, is not listened to).
  addEventListener(type: "popstate", listener: (event: { state?: unknown }) => void): void;
  removeEventListener(type: "popstate", listener: (event: { state?: unknown }) => void): void;
  scrollTo?: (x: number, y: number) => void;
}

/** Where the current entry's position survives a reload of the iframe. */
export interface PositionStore {
  get(): number | undefined;
  set(n: number): void;
}

export interface HashRouterOptions {
  window: RouterWindow;
  /**
   * Moves the Dashboard's address to an app-page sub-path (`updateRouting`);
   * resolves false when the Dashboard did not take it. Only on the app page
   * inside the Dashboard.
   */
  updateRouting?: (subPath: string) => Promise<boolean>;
  /** How the iframe's document was loaded: `back_forward` when by Back/Forward. */
  navigationType?: string;
  positions?: PositionStore;
}

const STATE_KEY = "crmRoute";

function entryOf(state: unknown): RouteEntry | undefined {
  const entry = (state as Record<string, unknown> | null | undefined)?.[STATE_KEY] as RouteEntry | undefined;
  return entry && typeof entry.n === "number" ? entry : undefined;
}

function withEntry(state: unknown, entry: RouteEntry): Record<string, unknown> {
  const base = state && typeof state === "object" ? (state as Record<string, unknown>) : {};
  return { ...base, [STATE_KEY]: entry };
}

export class HashRouter {
  private readonly win: RouterWindow;
  private readonly updateRouting?: (subPath: string) => Promise<boolean>;
  private readonly positions?: PositionStore;
  private readonly listeners = new Set<() => void>();
  private current: RouteEntry;
  private shown: string;
  /** The router stepped back over an iframe entry: that popstate changes nothing. */
  private stepping = false;
  /** Navigations wait for the one before (the Dashboard answers in order). */
  private queue: Promise<void> = Promise.resolve();

  constructor(options: HashRouterOptions) {
    this.win = options.window;
    this.updateRouting = options.updateRouting;
    this.positions = options.positions;
    this.shown = this.hashPath();
    const restored = entryOf(this.win.history.state);
    const last = this.positions?.get();
    if (restored) {
      this.current = restored;
      // Reloaded by Back into the in-between entry of a navigation made
      // before the Dashboard was reloaded: step over it, as on a popstate.
      if (
        options.navigationType === "back_forward" &&
        this.updateRouting &&
        restored.followedByRoute &&
        last !== undefined &&
        restored.n < last
      ) {
        this.stepBack("address");
      }
    } else {
      this.current = { n: last === undefined ? 0 : last + 1, followedByRoute: false };
      this.win.history.replaceState(withEntry(this.win.history.state, this.current), "");
    }
    this.positions?.set(this.current.n);
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

  /** Shows `path` now; records it in the history (and the Dashboard's address) in order. */
  navigate = (path: string): void => {
    if (path === this.shown) return;
    this.show(path);
    this.win.scrollTo?.(0, 0);
    this.queue = this.queue.then(() => this.record(path));
  };

  /** Resolves when every navigation so far is in the history (for tests). */
  settled(): Promise<void> {
    return this.queue;
  }

  dispose(): void {
    this.win.removeEventListener("popstate", this.onPopState);
    this.listeners.clear();
  }

  private async record(path: string): Promise<void> {
    const subPath = this.updateRouting ? appPageSubPath(path) : undefined;
    let routed = false;
    if (subPath !== undefined && this.updateRouting) {
      routed = await this.updateRouting(subPath).catch(() => false);
    }
    if (routed) {
      this.current = { ...this.current, followedByRoute: true };
      this.win.history.replaceState(withEntry(this.win.history.state, this.current), "");
    }
    this.current = { n: this.current.n + 1, followedByRoute: false };
    this.win.history.pushState(withEntry(null, this.current), "", `#${path}${this.hashQuery()}`);
    this.positions?.set(this.current.n);
  }

  private onPopState = (event: { state?: unknown }) => {
    const entry = entryOf(event.state);
    if (this.stepping) {
      // Landed where the router's own step back went: keep the page shown.
      this.stepping = false;
      if (entry) this.moveTo(entry);
      return;
    }
    const path = this.hashPath();
    if (!entry) {
      // Not one of ours: the Dashboard set the iframe's `src` (Back/Forward
      // in the Dashboard, its menu), or someone edited the address.
      this.show(path);
      this.moveTo({ n: this.current.n + 1, followedByRoute: false });
      this.win.history.replaceState(withEntry(event.state, this.current), "");
      // Step back over the entry the Dashboard pushed, keeping this page.
      if (this.updateRouting) this.stepBack("iframe");
      return;
    }
    const back = entry.n < this.current.n;
    this.moveTo(entry);
    this.show(path);
    if (back && entry.followedByRoute && this.updateRouting) {
      // The in-between entry: the Dashboard's address is still the page we
      // left. One more step back brings it to this page.
      this.stepBack("address");
    }
  };

  /**
   * One step back in the session history. Over an iframe entry the iframe
   * gets a popstate, to be ignored; over the Dashboard's address it gets
   * none (a `src` change the Dashboard makes then is a navigation as any).
   */
  private stepBack(over: "iframe" | "address"): void {
    this.stepping = over === "iframe";
    this.win.history.back();
  }

  private moveTo(entry: RouteEntry): void {
    this.current = entry;
    this.positions?.set(entry.n);
  }

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

/** The entry position in the iframe's sessionStorage (per tab and origin). */
export function sessionPositions(storage: Pick<Storage, "getItem" | "setItem"> | undefined): PositionStore {
  const KEY = "saleor-crm:app-page-position";
  return {
    get() {
      try {
        const value = storage?.getItem(KEY);
        const n = value === null || value === undefined ? NaN : Number(value);
        return Number.isFinite(n) ? n : undefined;
      } catch {
        return undefined;
      }
    },
    set(n) {
      try {
        storage?.setItem(KEY, String(n));
      } catch {
        // storage refused (sandboxing, quota): Back after a reload degrades
      }
    },
  };
}
