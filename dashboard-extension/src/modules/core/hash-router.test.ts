import { describe, expect, it } from "vitest";

import { HashRouter, type PositionStore, type RouterWindow, sessionPositions } from "./hash-router";

/**
 * One tab's session history shared by the Dashboard (parent) and the CRM
 * iframe, modelled on what Chromium does with the Saleor Dashboard 3.23:
 * `updateRouting` is a `pushState` of the Dashboard's address, and on
 * Back/Forward its router sets the iframe's `src` to the page of the address
 * whenever that differs from the last `src` it set, which pushes an iframe
 * entry (state null) and drops the entries ahead.
 */
interface FrameEntry {
  url: string;
  state: unknown;
  /** Which iframe document made the entry (a reload makes a new one). */
  doc: number;
}
interface JointEntry {
  parent: string;
  frame: FrameEntry;
}

const APP = "http://crm.test/plugins/global/saleor.crm/dashboard#/app";
const QUERY = "?domain=crm.test&id=QXBwOjE%3D&theme=light";
const PREFIX = "/extensions/app/QXBwOjE%3D";

class Tab {
  entries: JointEntry[] = [];
  index = -1;
  private tasks: (() => void)[] = [];
  private listeners = new Set<(event: { state?: unknown }) => void>();
  private doc = 0;
  /** The `src` the Dashboard's router last set. */
  lastSrc = "";
  router!: HashRouter;
  routed: string[] = [];

  constructor(start: string) {
    this.entries.push({ parent: "/home", frame: { url: "about:blank", state: null, doc: -1 } });
    this.index = 0;
    this.parentPush(start);
    this.current.frame = { url: "", state: null, doc: 0 };
    this.loadFrame(this.srcFor(start));
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

  srcFor(address: string): string {
    return `${APP}${address.slice(PREFIX.length)}${QUERY}`;
  }

  /** The iframe's window as the router sees it. */
  frameWindow(): RouterWindow {
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
        back: () => this.tasks.push(() => this.traverse(-1)),
      },
      location: {
        get hash() {
          const url = self.current.frame.url;
          return url.includes("#") ? url.slice(url.indexOf("#")) : "";
        },
      },
      addEventListener: (_type, listener) => this.listeners.add(listener),
      removeEventListener: (_type, listener) => this.listeners.delete(listener),
    };
  }

  private resolve(url: string): string {
    const frameUrl = this.current.frame.url;
    return url.startsWith("#") ? frameUrl.split("#")[0] + url : url;
  }

  private framePush(state: unknown, url?: string) {
    const frame = { url: url === undefined ? this.current.frame.url : this.resolve(url), state, doc: this.doc };
    this.entries.splice(this.index + 1);
    this.entries.push({ parent: this.current.parent, frame });
    this.index += 1;
  }

  parentPush(address: string) {
    this.entries.splice(this.index + 1);
    this.entries.push({ parent: address, frame: this.current.frame });
    this.index += 1;
  }

  /**
   * A new iframe document in the current entry: the first load, a reload
   * (the entry starts over, no state) or Back into an earlier document's
   * entry (its state kept).
   */
  loadFrame(src: string, { navigationType = "navigate", keepState = false } = {}) {
    this.doc += 1;
    this.router?.dispose();
    this.listeners.clear();
    const frame = this.current.frame;
    frame.url = src;
    frame.doc = this.doc;
    if (!keepState) frame.state = null;
    this.lastSrc = this.srcFor(this.address);
    this.router = new HashRouter({
      window: this.frameWindow(),
      updateRouting: async (subPath) => {
        this.routed.push(subPath);
        const address = `${PREFIX}${subPath}`;
        if (address !== this.address) this.parentPush(address);
        return true;
      },
      navigationType,
      positions: this.positions,
    });
  }

  positions: PositionStore = (() => {
    let n: number | undefined;
    return { get: () => n, set: (value) => void (n = value) };
  })();

  reload() {
    // The Dashboard loads the iframe for its address again; the iframe's
    // current entry starts over (no state).
    this.loadFrame(this.srcFor(this.address));
  }

  back() {
    this.tasks.push(() => this.traverse(-1));
  }

  forward() {
    this.tasks.push(() => this.traverse(1));
  }

  private traverse(delta: number) {
    const to = this.index + delta;
    if (to < 0 || to >= this.entries.length) return;
    const from = this.current;
    this.index = to;
    const next = this.current;
    if (next.frame !== from.frame) {
      if (next.frame.doc !== this.doc) {
        // An entry of an earlier iframe document: loaded again.
        this.loadFrame(next.frame.url, { navigationType: "back_forward", keepState: true });
      } else {
        this.listeners.forEach((listener) => listener({ state: next.frame.state }));
      }
    }
    if (next.parent !== from.parent) this.dashboardPopped(next.parent);
  }

  private dashboardPopped(address: string) {
    if (!address.startsWith(PREFIX)) return; // left the app page
    const src = this.srcFor(address);
    if (src === this.lastSrc) return;
    this.lastSrc = src;
    this.tasks.push(() => {
      this.framePush(null, src);
      this.listeners.forEach((listener) => listener({ state: null }));
    });
  }

  /** The Dashboard's router navigates to the app page (its menu, a widget's link). */
  dashboardNavigate(address: string) {
    this.parentPush(address);
    this.dashboardPopped(address);
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

function open(address: string): Tab {
  tab = new Tab(address);
  return tab;
}

async function navigate(path: string) {
  tab.router.navigate(path);
  await tab.run();
}

async function back() {
  tab.back();
  await tab.run();
}

const X = "/app/customers/Q3VzdG9tZXJQcm9maWxlOjE%3D";
const T = "/app/tickets/VGlja2V0OjE%3D";

describe("HashRouter in the Dashboard's app page", () => {
  it("starts at the page the Dashboard's address names", () => {
    open(`${PREFIX}/customers/Q3VzdG9tZXJQcm9maWxlOjE%3D`);
    expect(tab.shown).toBe(X);
  });

  it("moves the Dashboard's address first, then the iframe's entry", async () => {
    open(`${PREFIX}/customers`);
    await navigate(X);
    expect(tab.routed).toEqual(["/customers/Q3VzdG9tZXJQcm9maWxlOjE%3D"]);
    expect(tab.address).toBe(`${PREFIX}/customers/Q3VzdG9tZXJQcm9maWxlOjE%3D`);
    expect(tab.current.frame.url).toBe(`${APP}/customers/Q3VzdG9tZXJQcm9maWxlOjE%3D${QUERY}`);
    expect(tab.shown).toBe(X);
  });

  it("goes Back one page per press, the address following, and then leaves the app", async () => {
    open(`${PREFIX}/customers`);
    await navigate(X);
    await navigate(T);

    await back();
    expect([tab.shown, tab.address]).toEqual([X, `${PREFIX}/customers/Q3VzdG9tZXJQcm9maWxlOjE%3D`]);
    await back();
    expect([tab.shown, tab.address]).toEqual(["/app/customers", `${PREFIX}/customers`]);
    await back();
    expect(tab.address).toBe("/home");
  });

  it("shows the same page after a reload, and Back still works", async () => {
    open(`${PREFIX}/customers`);
    await navigate(X);
    await navigate(T);
    tab.reload();
    expect(tab.shown).toBe(T);

    await back();
    expect([tab.shown, tab.address]).toEqual([X, `${PREFIX}/customers/Q3VzdG9tZXJQcm9maWxlOjE%3D`]);
    await back();
    expect([tab.shown, tab.address]).toEqual(["/app/customers", `${PREFIX}/customers`]);
  });

  it("follows the Dashboard when it navigates the app page itself, then goes Back", async () => {
    open(`${PREFIX}/customers`);
    await navigate(X);
    tab.dashboardNavigate(`${PREFIX}/tickets/VGlja2V0OjE%3D`);
    await tab.run();
    expect([tab.shown, tab.address]).toEqual([T, `${PREFIX}/tickets/VGlja2V0OjE%3D`]);

    await back();
    expect([tab.shown, tab.address]).toEqual([X, `${PREFIX}/customers/Q3VzdG9tZXJQcm9maWxlOjE%3D`]);
  });

  it("does not step over an entry when the Dashboard refused the route", async () => {
    open(`${PREFIX}/customers`);
    tab.router.dispose();
    tab.router = new HashRouter({ window: tab.frameWindow(), updateRouting: async () => false });
    await navigate(X);
    expect(tab.address).toBe(`${PREFIX}/customers`);
    await back();
    expect(tab.shown).toBe("/app/customers");
    expect(tab.index).toBe(1);
  });
});

describe("HashRouter outside the app page", () => {
  it("pushes and pops its own entries only", async () => {
    open(`${PREFIX}/customers`);
    tab.router.dispose();
    tab.router = new HashRouter({ window: tab.frameWindow() });
    await navigate(X);
    await navigate(T);
    expect(tab.address).toBe(`${PREFIX}/customers`);
    await back();
    expect(tab.shown).toBe(X);
    await back();
    expect(tab.shown).toBe("/app/customers");
  });

  it("ignores a navigation to the page already shown", async () => {
    open(`${PREFIX}/customers`);
    const before = tab.entries.length;
    await navigate("/app/customers");
    expect(tab.entries.length).toBe(before);
    expect(tab.routed).toEqual([]);
  });

  it("notifies subscribers when the page changes", async () => {
    open(`${PREFIX}/customers`);
    const seen: string[] = [];
    tab.router.subscribe(() => seen.push(tab.router.path));
    await navigate(X);
    await back();
    expect(seen).toEqual([X, "/app/customers"]);
  });
});

describe("sessionPositions", () => {
  it("keeps the position and survives a storage that throws", () => {
    const values = new Map<string, string>();
    const positions = sessionPositions({
      getItem: (key) => values.get(key) ?? null,
      setItem: (key, value) => void values.set(key, value),
    });
    expect(positions.get()).toBeUndefined();
    positions.set(3);
    expect(positions.get()).toBe(3);
    const broken = sessionPositions({
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
    });
    expect(broken.get()).toBeUndefined();
    expect(() => broken.set(1)).not.toThrow();
  });
});
