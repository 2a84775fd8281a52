/**
 * End-to-end harness: the standalone CRM on a fresh embedded PostgreSQL, a
 * stand-in Dashboard page on another origin that iframes the built extension
 * and speaks AppBridge's protocol, and headless Chromium driven by
 * playwright-core. Shared by the e2e tests and benchmarks/dashboard.mjs.
 */
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const EXTENSION_DIR = resolve(here, "..");
export const REPO = resolve(EXTENSION_DIR, "..");
export const BUILD_DIR = process.env.CRM_DASHBOARD_OUT
  ? resolve(EXTENSION_DIR, process.env.CRM_DASHBOARD_OUT)
  : join(REPO, "saleor_crm_plugin", "static", "saleor_crm_plugin", "dashboard");
export const ARTIFACTS = join(REPO, "test-artifacts");
export const SCREENSHOTS = join(ARTIFACTS, "screenshots");

export const CRM_ROUTE = "/plugins/global/saleor.crm";
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const PYTHON = process.env.CRM_PYTHON || join(REPO, ".venv", "bin", "python");
const log = (...args) => console.error("[e2e]", ...args);

/** Fails early, with the fix, when the extension was not built. */
export function assertBuilt() {
  if (!existsSync(join(BUILD_DIR, "index.html"))) {
    throw new Error(`No built extension in ${BUILD_DIR}: run \`npm run build\` first.`);
  }
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Everything started here and not stopped yet; stopped on exit whatever happens. */
const running = new Set();
let exitHookInstalled = false;
function track(stopSync) {
  running.add(stopSync);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const stop of running) {
        try {
          stop();
        } catch {
          // best effort on the way out
        }
      }
    });
    for (const signal of ["SIGINT", "SIGTERM"]) {
      process.once(signal, () => process.exit(130));
    }
  }
  return () => running.delete(stopSync);
}

/** Staff users of the host project as Saleor's `staffUsers` lists them. */
const STAFF_USERS_PY = `
import base64, json
from django.contrib.auth import get_user_model
users = get_user_model().objects.filter(is_staff=True).order_by("pk")
print(json.dumps([
    {"pk": str(u.pk), "id": base64.b64encode(f"User:{u.pk}".encode()).decode(), "email": u.email,
     "firstName": u.first_name, "lastName": u.last_name}
    for u in users
]))
`;

/** The postmaster of an embedded PostgreSQL data directory, if it runs. */
function postmasterPid(pgdata) {
  try {
    const pid = Number(readFileSync(join(pgdata, "postmaster.pid"), "utf8").split("\n")[0]);
    if (!pid) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

function stopPostgresSync(pgdata) {
  const pid = postmasterPid(pgdata);
  if (pid) {
    // Immediate shutdown: the data directory is thrown away next.
    try {
      process.kill(pid, "SIGQUIT");
    } catch {
      // already gone
    }
  }
}

/** Where {@link startHost} serves the stand-in Dashboard (on a free port). */
export const DASHBOARD_ORIGINS = "http://127.0.0.1:*";

/**
 * The standalone CRM (tests/host) on a throwaway embedded PostgreSQL:
 * migrate, demo data, two staff tokens, runserver on a free loopback port.
 */
export async function startCrm({ customers = 60, logFile, dashboardOrigins = DASHBOARD_ORIGINS } = {}) {
  const work = mkdtempSync(join(tmpdir(), "crm-e2e-"));
  const pgdata = join(work, "pgdata");
  const env = {
    ...process.env,
    SALEOR_CRM_PGDATA: pgdata,
    DJANGO_SETTINGS_MODULE: "tests.host.settings",
    // The CSP's frame-ancestors: the stand-in Dashboard (startHost).
    SALEOR_CRM_DASHBOARD_ORIGINS: dashboardOrigins,
    PYTHONUNBUFFERED: "1",
  };
  delete env.DATABASE_URL;
  mkdirSync(dirname(logFile ?? join(ARTIFACTS, "x")), { recursive: true });
  const out = createWriteStream(logFile ?? join(ARTIFACTS, "e2e-server.log"));
  const untrackPg = track(() => {
    stopPostgresSync(pgdata);
    rmSync(work, { recursive: true, force: true });
  });

  const manage = (args, { capture = false } = {}) => {
    out.write(`\n$ manage.py ${args.join(" ")}\n`);
    const result = spawnSync(PYTHON, ["tests/manage.py", ...args], {
      cwd: REPO,
      env,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    out.write(result.stderr ?? "");
    if (!capture) out.write(result.stdout ?? "");
    if (result.status !== 0) {
      throw new Error(`manage.py ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
    }
    return result.stdout.trim();
  };

  const started = Date.now();
  manage(["migrate", "--verbosity", "0"]);
  manage(["crm_demo_data", "--customers", String(customers)]);
  // The host's staff users stand in for Saleor's: the demo support team.
  const staffUsers = JSON.parse(
    manage(["shell", "--verbosity", "0", "--command", STAFF_USERS_PY], { capture: true }).split("\n").at(-1),
  );
  if (!staffUsers.length) throw new Error("crm_demo_data created no staff users");
  // The tests act as the first of them (the support lead).
  const me = staffUsers[0];
  // The host's requestors name users by primary key (Saleor's JWTs carry
  // the global ID, which Saleor's authenticator resolves).
  const tokenArgs = ["crm_token", "--kind", "staff", "--user-id", me.pk, "--email", me.email];
  // MANAGE_DISCOUNTS: the ticket page's goodwill vouchers.
  tokenArgs.push("--permissions", "MANAGE_USERS", "MANAGE_ORDERS", "MANAGE_DISCOUNTS");
  const token = manage(tokenArgs, { capture: true });
  // The Dashboard's tokenRefresh hands the same staff member a new token
  // (signed a second or more later, so it differs).
  let refreshedToken = manage(tokenArgs, { capture: true });
  if (refreshedToken === token) {
    await sleep(1100);
    refreshedToken = manage(tokenArgs, { capture: true });
  }
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = spawn(PYTHON, ["tests/manage.py", "runserver", `127.0.0.1:${port}`, "--noreload"], {
    cwd: REPO,
    env,
    detached: true, // its own process group, stopped as one
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout.pipe(out, { end: false });
  server.stderr.pipe(out, { end: false });
  const exited = new Promise((done) => server.once("exit", done));
  const killGroup = (signal) => {
    try {
      process.kill(-server.pid, signal);
    } catch {
      // already gone
    }
  };
  const untrackServer = track(() => killGroup("SIGKILL"));

  const graphqlUrl = `${origin}${CRM_ROUTE}/graphql/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`runserver exited (${server.exitCode}); see the server log`);
    try {
      const response = await fetch(`${origin}${CRM_ROUTE}/dashboard/`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("runserver did not answer within 60 s");
    await sleep(200);
  }
  log(`CRM on ${origin} (${customers} demo customers) after ${((Date.now() - started) / 1000).toFixed(1)} s`);

  /** POST a GraphQL operation; throws on HTTP or GraphQL errors. */
  async function graphql(query, variables = {}, bearer = token) {
    const response = await fetch(graphqlUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (!response.ok || body.errors) {
      throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
    }
    return body.data;
  }

  async function stop() {
    // SIGINT: runserver exits through KeyboardInterrupt, so embedded_postgres'
    // atexit handler stops the PostgreSQL it started.
    killGroup("SIGINT");
    const gone = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!gone) killGroup("SIGKILL");
    untrackServer();
    for (let i = 0; i < 50 && postmasterPid(pgdata); i++) {
      if (i === 20) stopPostgresSync(pgdata);
      await sleep(200);
    }
    stopPostgresSync(pgdata);
    untrackPg();
    out.end();
    rmSync(work, { recursive: true, force: true });
  }

  return {
    origin,
    graphqlUrl,
    saleorApiUrl: `${origin}/graphql/`,
    token,
    refreshedToken,
    staffUsers,
    me,
    graphql,
    /** Runs `manage.py` against this CRM's database; returns its stdout. */
    manage,
    stop,
    pgdata,
  };
}

const HOST_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Dashboard stand-in</title>
<style>
  html, body { margin: 0; height: 100%; background: #f5f5f5; font: 14px/1.4 system-ui, sans-serif; }
  body.app iframe { border: 0; display: block; width: 100%; height: 100vh; background: #fff; }
  body.widget { padding: 16px; box-sizing: border-box; }
  #card { width: var(--card-width, 400px); background: #fff; border: 1px solid #e0e0e0; border-radius: 8px; overflow: hidden; }
  #card h2 { margin: 0; padding: 12px 16px; font-size: 14px; font-weight: 600; color: #333; border-bottom: 1px solid #eee; }
  body.widget iframe { border: 0; display: block; width: 100%; height: 200px; }
  body.widget #card .content { padding: 12px 16px 16px; }
  body.app #card { width: auto; border: 0; border-radius: 0; }
  body.app #card h2 { display: none; }
</style>
</head>
<body>
<div id="card"><h2>CRM</h2><div class="content"><iframe id="crm" title="CRM extension"></iframe></div></div>
<script>
  // What the Saleor Dashboard does for an extension: it sets the iframe's URL
  // (extension URL + launch query), posts the handshake with the token when
  // the iframe has loaded, answers every action with a response and later
  // posts tokenRefresh. Actions are kept for the tests to read.
  //
  // As an app page (\`?appUrl=\`, at /extensions/app/<id>/<sub-path>), it also
  // does what the Dashboard 3.23's router does: the iframe loads the App URL
  // joined with the sub-path; when the router's location changes (a redirect
  // to a local path, Back/Forward) it sets the iframe's src to that page if
  // it differs from the last src it set; a redirect into the app being shown
  // (its ID encoded twice) and updateRouting are a bare pushState the router
  // never sees. Unlike the Dashboard, addresses keep this page's query (the
  // stand-in's settings).
  const query = new URLSearchParams(location.search);
  document.body.className = query.get("layout") || "app";
  if (query.get("width")) document.documentElement.style.setProperty("--card-width", query.get("width") + "px");
  const frame = document.getElementById("crm");
  const appUrl = query.get("appUrl");
  const appId = query.get("appId") || "";
  const appPrefix = "/extensions/app/" + encodeURIComponent(appId);
  const srcFor = (pathname) => {
    const sub = pathname.startsWith(appPrefix) ? pathname.slice(appPrefix.length) : "";
    return appUrl + (sub === "/" ? "" : sub) + "?" + (query.get("launch") || "");
  };
  let lastSrc = "";
  const render = () => {
    if (!appUrl) return;
    const src = srcFor(location.pathname);
    if (src === lastSrc) return;
    lastSrc = src;
    host.srcChanges += 1;
    frame.src = src;
  };
  const host = (window.crmHost = {
    token: query.get("token") || "",
    actions: [],
    events: [],
    loads: 0,
    srcChanges: 0,
    post(message) {
      host.events.push({ type: message.type, at: performance.now() });
      frame.contentWindow.postMessage(message, new URL(frame.src).origin);
    },
    handshake() {
      host.post({ type: "handshake", payload: { token: host.token, version: 1, saleorVersion: "3.23.28", dashboardVersion: "3.23.27" } });
    },
    refreshToken(token) {
      host.token = token;
      host.post({ type: "tokenRefresh", payload: { token } });
    },
    setTheme(theme) {
      host.post({ type: "theme", payload: { theme } });
    },
  });
  const handle = (type, payload) => {
    if (type === "widgetResize" && document.body.className === "widget") {
      frame.style.height = payload.height + "px";
    }
    if (!appUrl) return true;
    if (type === "updateRouting") {
      history.pushState(null, "", appPrefix + payload.newRoute + location.search);
    } else if (type === "redirect" && payload.to.startsWith("/")) {
      const sameApp = payload.to.startsWith("/extensions/app/" + encodeURIComponent(encodeURIComponent(appId)));
      if (sameApp) {
        history.pushState(null, "", payload.to + location.search);
      } else if (decodeURI(payload.to).startsWith(appPrefix)) {
        history.pushState(null, "", decodeURI(payload.to) + location.search);
        render();
      }
      // Other Dashboard pages (orders, customers) are only recorded.
    }
    return true;
  };
  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow) return;
    const { type, payload } = event.data || {};
    if (!type || !payload || !payload.actionId) return;
    host.actions.push({ type, payload, origin: event.origin, at: performance.now() });
    const ok = handle(type, payload);
    host.post({ type: "response", payload: { actionId: payload.actionId, ok } });
  });
  window.addEventListener("popstate", render);
  frame.addEventListener("load", () => {
    host.loads += 1;
    host.handshake();
  });
  if (appUrl) render();
  else frame.src = query.get("src");
</script>
</body>
</html>
`;

/** The Dashboard stand-in: one page, served from its own loopback origin. */
export async function startHost() {
  const server = createServer((request, response) => {
    const path = new URL(request.url, "http://x").pathname;
    // The app page lives at /extensions/app/<id>/<sub-path>, as in the Dashboard.
    if (path === "/" || path === "/host.html" || path.startsWith("/extensions/app/")) {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
      response.end(HOST_PAGE);
    } else {
      response.writeHead(404).end();
    }
  });
  const port = await freePort();
  await new Promise((done) => server.listen(port, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    stop: () => new Promise((done) => server.close(() => done())),
  };
}

/**
 * The iframe URL the Dashboard builds for an extension mounted at `route`:
 * the extension URL carries a hash route, so the launch query lands in it.
 */
export function extensionUrl(crmOrigin, route, params = {}, { theme = "light", locale = "en" } = {}) {
  const launch = new URLSearchParams({
    domain: new URL(crmOrigin).host,
    saleorApiUrl: `${crmOrigin}/graphql/`,
    id: "QXBwOjE=",
    theme,
    locale,
    ...params,
  });
  return `${crmOrigin}${CRM_ROUTE}/dashboard/#${route}?${launch}`;
}

export function hostUrl(hostOrigin, { src, token, layout = "app", width }) {
  const query = new URLSearchParams({ src, token, layout });
  if (width) query.set("width", String(width));
  return `${hostOrigin}/host.html?${query}`;
}

/** The App's ID the stand-in Dashboard uses (Saleor's global ID of App 1). */
export const APP_ID = "QXBwOjE=";

/**
 * The stand-in Dashboard showing the CRM app page at `route` (`/app/…`): its
 * address is `/extensions/app/<id>/<sub-path>`, and the iframe loads the App
 * URL (`…/dashboard/#/app`, as crm_install_dashboard registers it) joined with
 * the sub-path and the launch query.
 */
export function appPageHostUrl(hostOrigin, crmOrigin, route, { token, theme = "light", locale = "en" } = {}) {
  const sub = route.replace(/^\/app/, "");
  const launch = new URLSearchParams({
    domain: new URL(crmOrigin).host,
    saleorApiUrl: `${crmOrigin}/graphql/`,
    id: APP_ID,
    theme,
    locale,
  });
  // url-join, which the Dashboard uses, drops the slash before the hash.
  const query = new URLSearchParams({ appUrl: `${crmOrigin}${CRM_ROUTE}/dashboard#/app`, appId: APP_ID, launch, token, layout: "app" });
  return `${hostOrigin}/extensions/app/${encodeURIComponent(APP_ID)}${sub}?${query}`;
}

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * The token the Dashboard hands an extension is a Saleor JWT, and AppBridge
 * decodes it (email, permissions) on the handshake. The standalone host
 * verifies its own signed tokens instead, so the stand-in JWT carries one in
 * a `crm_token` claim and {@link newContext} puts it on the wire.
 */
export function dashboardToken(crmToken, staff, { ttlSeconds = 300, jti } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "RS256", typ: "JWT", kid: "e2e" };
  const claims = {
    iat: now,
    exp: now + ttlSeconds,
    iss: "http://127.0.0.1/graphql/",
    type: "thirdparty",
    app: "QXBwOjE=",
    token: jti ?? `e2e-${now}-${Math.random().toString(36).slice(2, 8)}`,
    email: staff.email,
    user_id: staff.id,
    is_staff: true,
    user_permissions: ["MANAGE_USERS", "MANAGE_ORDERS", "MANAGE_DISCOUNTS"],
    permissions: ["MANAGE_USERS", "MANAGE_ORDERS", "MANAGE_DISCOUNTS"],
    crm_token: crmToken,
  };
  return `${b64url(header)}.${b64url(claims)}.e2e-unsigned`;
}

/** The CRM token inside a stand-in Dashboard JWT, or undefined. */
export function crmTokenOf(jwt) {
  try {
    return JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8")).crm_token;
  } catch {
    return undefined;
  }
}

/**
 * A browser context for the extension:
 * - requests to the CRM's GraphQL endpoint carry the host's token in place of
 *   the stand-in Dashboard JWT the app sends (the request's original headers
 *   stay visible to the tests);
 * - Saleor's own API (`saleorApiUrl`), which the standalone host does not
 *   have, is stood in for: `staffUsers` (the ticket page's assignee names)
 *   answers with the demo support team; anything else is an error.
 */
export async function newContext(browser, crm, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await context.route(`${crm.graphqlUrl}**`, (route) => {
    const request = route.request();
    const auth = request.headers().authorization ?? "";
    const inner = auth.startsWith("Bearer ") ? crmTokenOf(auth.slice(7)) : undefined;
    if (!inner) return route.continue();
    return route.continue({ headers: { ...request.headers(), authorization: `Bearer ${inner}` } });
  });
  await context.route(crm.saleorApiUrl, (route) => {
    const request = route.request();
    if (request.method() === "OPTIONS") return route.fulfill({ status: 204 });
    let query = "";
    try {
      query = JSON.parse(request.postData() ?? "{}").query ?? "";
    } catch {
      // not JSON: answered as unknown below
    }
    const authorised = Boolean(crmTokenOf((request.headers().authorization ?? "").replace(/^Bearer /, "")));
    const body = !authorised
      ? { data: null, errors: [{ message: "Signature is not valid", extensions: { exception: { code: "InvalidTokenError" } } }] }
      : /\bstaffUsers\b/.test(query)
        ? { data: { staffUsers: { edges: crm.staffUsers.map(({ pk, ...node }) => ({ node })) } } }
        : { data: null, errors: [{ message: "The e2e stand-in of Saleor's API only answers staffUsers." }] };
    return route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) });
  });
  return context;
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The extension's frame inside the host page, once it has been attached. */
export async function extensionFrame(page, crmOrigin, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith(crmOrigin));
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error("The extension's iframe did not load");
    await sleep(50);
  }
}

/**
 * Tracks the page's requests; `settled()` resolves once none has been in
 * flight for `quietMs` (lazy cards finish loading before a screenshot).
 */
export function trackRequests(page) {
  let inFlight = 0;
  let lastChange = Date.now();
  const start = () => {
    inFlight += 1;
    lastChange = Date.now();
  };
  const end = () => {
    inFlight = Math.max(0, inFlight - 1);
    lastChange = Date.now();
  };
  page.on("request", start);
  page.on("requestfinished", end);
  page.on("requestfailed", end);
  return {
    async settled({ quietMs = 300, timeout = 10_000 } = {}) {
      const deadline = Date.now() + timeout;
      while (inFlight > 0 || Date.now() - lastChange < quietMs) {
        if (Date.now() > deadline) throw new Error(`${inFlight} request(s) still in flight after ${timeout} ms`);
        await sleep(50);
      }
    },
  };
}

/** Actions the extension dispatched to the host so far. */
export function hostActions(page) {
  return page.evaluate(() => window.crmHost.actions.map(({ type, payload, origin }) => ({ type, payload, origin })));
}

export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, name);
}
