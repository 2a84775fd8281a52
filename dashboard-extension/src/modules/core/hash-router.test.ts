import { describe, expect, it } from "vitest";

import { dashboardPaths } from "./dashboard-bridge";
import { HashRouter, type RouterWindow } from "./hash-router";

/**
 * One tab's session history shared by the Saleor Dashboard 3.23 (parent)
 * and the CRM iframe, as Chromium runs them:
 * - the Dashboard's router (history 4) pushes addresses and, when its
 *   location changes, sets the iframe's `src` to that page; the iframe's
 *   fragment navigation pushes an iframe entry (state null) and drops the
 *   entries ahead;
 * - a `redirect` to the app being shown (`/extensions/app/<id>` with the ID
 *   encoded twice) is a bare `pushState` the router never sees;
 * - the sandboxed iframe's `history.back()` may move only its own entries.
 */
interface FrameEntry {
  url: string;
  state: unknown;
}
interface JointEntry {
  parent: string;
  frame: FrameEntry;
}

const APP_ID = "QXBwOjE=";
const APP = "http://crm.test/plugins/global/saleor.crm/dashboard#/app";
const QUERY = "?domain=crm.test&id=QXBwOjE%3D&theme=light";
const PREFIX = "/extensions/app/QXBwOjE%3D";

class Tab {
  entries: JointEntry[] = [{ parent: "/home", frame: { url: "", state: null } }];
  index = 0;
  router!: HashRouter;
  redirects: string[] = [];
  /** Chromium refuses the iframe's steps back (entries from before a reload). */
  refuseSteps = false;
  /** The `src` the Dashboard's router last set. */
  private lastSrc = "";
  private tasks: (() => void)[] = [];
  /** Timers run only when a test says time passed. */
  timers: (() => void)[] = [];
  private listeners = new Set<(event: { state?: unknown }) => void>();

  constructor(address: string, private readonly inDashboard = true) {
    this.parentPush(address);
    this.current.frame = { url: "", state: null };
    this.load();
  }

  get current(): JointEntry {
    return this.entries[this.index]!;
  }

  get address(): string {
    return this.current.parent;
  }

  get shown(): string {
    return this.router.path;
  }

  private srcFor(address: string): string {
    return `${APP}${address.slice(PREFIX.length)}${QUERY}`;
  }

  /** A new iframe document for the address (first load, reload). */
  load() {
    this.router?.dispose();
    this.listeners.clear();
    this.lastSrc = this.srcFor(this.address);
    this.current.frame.url = this.lastSrc;
    this.current.frame.state = null;
    this.router = new HashRouter({
      window: this.frameWindow(),
      openInDashboard: this.inDashboard
        ? async (subPath) => {
            const to = dashboardPaths.appPageRoute(APP_ID, subPath);
            this.redirects.push(to);
            this.dashboardRedirect(to);
            return true;
          }
        : undefined,
    });
  }

  private frameWindow(): RouterWindow {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return {
      history: {
        get state() {
          return self.current.frame.state;
        },
        pushState: (state, _unused, url) => this.framePush(state, url),
        replaceState: (state, _unused, url) => {
          this.current.frame.state = state;
          if (url !== undefined) this.current.frame.url = this.resolve(url);
        },
        back: () => this.tasks.push(() => this.traverse(-1, { sandboxed: true })),
      },
      location: {
        get hash() {
          const url = self.current.frame.url;
          return url.includes("#") ? url.slice(url.indexOf("#")) : "";
        },
      },
      addEventListener: (_type, listener) => this.listeners.add(listener),
      removeEventListener: (_type, listener) => this.listeners.delete(listener),
      setTimeout: (handler) => this.timers.push(handler),
    };
  }

  private resolve(url: string): string {
    return url.startsWith("#") ? this.current.frame.url.split("#")[0] + url : url;
  }

  private framePush(state: unknown, url?: string) {
    const frame = { url: url === undefined ? this.current.frame.url : this.resolve(url), state };
    this.entries.splice(this.index + 1);
    this.entries.push({ parent: this.current.parent, frame });
    this.index += 1;
  }

  private parentPush(address: string) {
    this.entries.splice(this.index + 1);
    this.entries.push({ parent: address, frame: this.current.frame });
    this.index += 1;
  }

  /** What the Dashboard's `redirect` handler does with a local path. */
  private dashboardRedirect(to: string) {
    const sameApp = to.startsWith(`/extensions/app/${encodeURIComponent(encodeURIComponent(APP_ID))}`);
    if (sameApp) {
      this.parentPush(to);
    } else {
      this.dashboardNavigate(decodeURI(to));
    }
  }

  /** The Dashboard's router goes to an address (its menu, a link, a redirect). */
  dashboardNavigate(address: string) {
    this.parentPush(address);
    this.routerRendered();
  }

  private routerRendered() {
    if (!this.address.startsWith(PREFIX)) return;
    const src = this.srcFor(this.address);
    if (src === this.lastSrc) return;
    this.lastSrc = src;
    this.tasks.push(() => {
      this.framePush(null, src);
      this.listeners.forEach((listener) => listener({ state: null }));
    });
  }

  back() {
    this.tasks.push(() => this.traverse(-1));
  }

  forward() {
    this.tasks.push(() => this.traverse(1));
  }

  private traverse(delta: number, { sandboxed = false } = {}) {
    const to = this.index + delta;
    if (to < 0 || to >= this.entries.length) return;
    const from = this.current;
    const next = this.entries[to]!;
    if (sandboxed && (next.parent !== from.parent || this.refuseSteps)) return; // blocked
    this.index = to;
    if (next.frame !== from.frame) this.listeners.forEach((listener) => listener({ state: next.frame.state }));
    if (next.parent !== from.parent) this.routerRendered();
  }

  async run() {
    for (let i = 0; i < 100; i++) {
      await this.router.settled();
      const task = this.tasks.shift();
      if (!task) return;
      task();
    }
    throw new Error("the tab never settled");
  }
}

let tab: Tab;

async function navigate(path: string) {
  tab.router.navigate(path);
  await tab.run();
}

async function back() {
  tab.back();
  await tab.run();
}

async function forward() {
  tab.forward();
  await tab.run();
}

const LIST = "/app/customers";
const X = "/app/customers/Q3VzdG9tZXJQcm9maWxlOjE%3D";
const T = "/app/tickets/VGlja2V0OjE%3D";
const AT = (path: string) => `${PREFIX}${path.slice("/app".length)}`;

describe("HashRouter on the Dashboard's app page", () => {
  it("starts at the page the Dashboard's address names", () => {
    tab = new Tab(AT(X));
    expect(tab.shown).toBe(X);
  });

  it("shows the page at once and has the Dashboard's router take its address", async () => {
    tab = new Tab(AT(LIST));
    tab.router.navigate(X);
    expect(tab.shown).toBe(X);
    await tab.run();
    expect(tab.redirects).toEqual(["/extensions/app/%51XBwOjE%3D/customers/Q3VzdG9tZXJQcm9maWxlOjE%3D"]);
    expect([tab.shown, tab.address]).toEqual([X, AT(X)]);
  });

  it("adds one history entry per page", async () => {
    tab = new Tab(AT(LIST));
    const start = tab.index;
    await navigate(X);
    await navigate(T);
    expect(tab.index).toBe(start + 2);
  });

  it("goes Back one page per press, the address leading, and then leaves the app", async () => {
    tab = new Tab(AT(LIST));
    await navigate(X);
    await navigate(T);

    await back();
    expect([tab.shown, tab.address]).toEqual([X, AT(X)]);
    await back();
    expect([tab.shown, tab.address]).toEqual([LIST, AT(LIST)]);
    await back();
    expect(tab.address).toBe("/home");
  });

  it("shows the same page after a reload, and Back still works", async () => {
    tab = new Tab(AT(LIST));
    await navigate(X);
    await navigate(T);
    tab.load();
    expect(tab.shown).toBe(T);
    await back();
    expect([tab.shown, tab.address]).toEqual([X, AT(X)]);
  });

  it("ignores Back and Forward over entries of the iframe alone", async () => {
    tab = new Tab(AT(LIST));
    await navigate(X);
    await back();
    // Forward lands on the iframe entry the Dashboard's src change left.
    await forward();
    expect([tab.shown, tab.address]).toEqual([LIST, AT(LIST)]);
    await back();
    expect([tab.shown, tab.address]).toEqual([LIST, AT(LIST)]);
  });

  it("follows the Dashboard when it opens another page of the app", async () => {
    tab = new Tab(AT(LIST));
    await navigate(X);
    tab.dashboardNavigate(AT(T));
    await tab.run();
    expect([tab.shown, tab.address]).toEqual([T, AT(T)]);
    await back();
    expect([tab.shown, tab.address]).toEqual([X, AT(X)]);
  });

  it("does not swallow the next Back when Chromium refuses its step over the Dashboard's entry", async () => {
    tab = new Tab(AT(LIST));
    await navigate(X);
    await navigate(T);
    tab.refuseSteps = true;
    await back();
    expect([tab.shown, tab.address]).toEqual([X, AT(X)]);
    tab.refuseSteps = false;
    tab.timers.splice(0).forEach((timer) => timer());
    // The iframe entry the Dashboard pushed stays: one press shows nothing…
    await back();
    expect(tab.address).toBe(AT(X));
    // …and the next goes on.
    await back();
    expect([tab.shown, tab.address]).toEqual([LIST, AT(LIST)]);
  });

  it("ignores a navigation to the page already shown", async () => {
    tab = new Tab(AT(LIST));
    await navigate(LIST);
    expect(tab.redirects).toEqual([]);
  });
});

describe("HashRouter elsewhere (widgets, popups, outside the Dashboard)", () => {
  it("pushes and pops its own hash entries", async () => {
    tab = new Tab(AT(LIST), false);
    const seen: string[] = [];
    tab.router.subscribe(() => seen.push(tab.router.path));
    await navigate(X);
    await navigate(T);
    expect(tab.address).toBe(AT(LIST));
    expect(tab.current.frame.url).toBe(`${APP}/tickets/VGlja2V0OjE%3D${QUERY}`);
    await back();
    expect(tab.shown).toBe(X);
    await back();
    expect(tab.shown).toBe(LIST);
    expect(seen).toEqual([X, T, X, LIST]);
  });
});
