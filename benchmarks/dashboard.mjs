#!/usr/bin/env node
/**
 * Dashboard extension: what a first load downloads, and how soon the
 * customer 360 widget shows its customer in headless Chromium.
 *
 *   (cd dashboard-extension && npm ci && npm run build)   # builds nothing itself
 *   node benchmarks/dashboard.mjs [--runs 10] [--customers 60] [--sizes-only]
 *
 * Sizes are read from the build output; the timing reuses the e2e harness
 * (dashboard-extension/e2e/harness.mjs): the standalone CRM on a throwaway
 * embedded PostgreSQL with demo data, the stand-in Dashboard page on another
 * origin, Debian's Chromium through playwright-core.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

import {
  ARTIFACTS,
  assertBuilt,
  BUILD_DIR,
  dashboardToken,
  extensionFrame,
  extensionUrl,
  hostUrl,
  launchBrowser,
  newContext,
  startCrm,
  startHost,
} from "../dashboard-extension/e2e/harness.mjs";

const { values: options } = parseArgs({
  options: {
    runs: { type: "string", default: "10" },
    customers: { type: "string", default: "60" },
    "sizes-only": { type: "boolean", default: false },
  },
});
const RUNS = Number(options.runs);
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 100) throw new Error("--runs: 1 to 100");

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const pad = (text, width) => String(text).padEnd(width);
const lpad = (text, width) => String(text).padStart(width);

// ---------------------------------------------------------------- sizes

function sizes() {
  assertBuilt();
  const html = readFileSync(join(BUILD_DIR, "index.html"), "utf8");
  const firstLoad = new Set();
  for (const [, attrs] of html.matchAll(/<(?:script|link)\b([^>]*)>/g)) {
    const url = /\b(?:src|href)="([^"]+)"/.exec(attrs)?.[1];
    const wanted = /type="module"/.test(attrs) || /rel="(?:stylesheet|modulepreload)"/.test(attrs);
    if (url && wanted) firstLoad.add(url.slice(url.indexOf("assets/")));
  }
  const assets = readdirSync(join(BUILD_DIR, "assets")).sort();
  const rows = assets.map((name) => {
    const bytes = readFileSync(join(BUILD_DIR, "assets", name));
    const compressible = /\.(js|css|svg|json)$/.test(name);
    return {
      name,
      raw: statSync(join(BUILD_DIR, "assets", name)).size,
      gzip: compressible ? gzipSync(bytes, { level: 9 }).length : undefined,
      first: firstLoad.has(`assets/${name}`),
    };
  });

  console.log(`Build: ${BUILD_DIR}`);
  console.log(`gzip -9 (zlib), 1 kB = 1000 bytes\n`);
  console.log(`${pad("file", 44)} ${lpad("raw", 10)} ${lpad("gzip", 10)}  loaded`);
  for (const row of rows) {
    const when = row.first ? "first load" : row.name.endsWith(".woff2") ? "when text renders" : "on demand";
    console.log(
      `${pad(row.name, 44)} ${lpad(kB(row.raw), 10)} ${lpad(row.gzip === undefined ? "—" : kB(row.gzip), 10)}  ${when}`,
    );
  }
  const sum = (list, key) => list.reduce((total, row) => total + (row[key] ?? 0), 0);
  const first = rows.filter((row) => row.first);
  const js = first.filter((row) => row.name.endsWith(".js"));
  const css = first.filter((row) => row.name.endsWith(".css"));
  console.log("");
  console.log(`First-load JS:  ${kB(sum(js, "gzip"))} gzipped (${kB(sum(js, "raw"))} raw, ${js.length} file(s))`);
  console.log(`First-load CSS: ${kB(sum(css, "gzip"))} gzipped (${kB(sum(css, "raw"))} raw, ${css.length} file(s))`);
  const lazy = rows.filter((row) => !row.first && row.gzip !== undefined);
  for (const row of lazy) console.log(`Lazy chunk ${row.name}: ${kB(row.gzip)} gzipped`);
  console.log("");
}

// ---------------------------------------------------------------- first render

const STAGE_LABELS = {
  PROSPECT: "Prospect",
  NEW: "New",
  ACTIVE: "Active",
  LOYAL: "Loyal",
  AT_RISK: "At risk",
  LAPSED: "Lapsed",
};

/**
 * Runs in every frame before its scripts. In the extension's frame it
 * watches the DOM for the widget's first meaningful content (the stage badge
 * and the "Total spent" figure, visible) and records the time of the next
 * animation frame after it appeared, in epoch milliseconds.
 */
function watchFirstContent(stage) {
  if (!location.pathname.includes("/plugins/global/saleor.crm/dashboard/")) return;
  const visibleText = (text) =>
    [...document.querySelectorAll("span, p, div")].some(
      (element) => element.childElementCount === 0 && element.textContent === text && element.checkVisibility(),
    );
  const check = () => {
    if (window.__crmFirstContent || !document.body) return;
    if (visibleText(stage) && visibleText("Total spent")) {
      const inDom = performance.timeOrigin + performance.now();
      window.__crmFirstContent = { inDom };
      observer.disconnect();
      requestAnimationFrame(() => {
        window.__crmFirstContent.painted = performance.timeOrigin + performance.now();
      });
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

async function firstRender() {
  const started = Date.now();
  const crm = await startCrm({ customers: Number(options.customers), logFile: join(ARTIFACTS, "bench-server.log") });
  const host = await startHost();
  const browser = await launchBrowser();
  console.log(`Chromium ${browser.version()}`);
  try {
    const { customerProfiles } = await crm.graphql(`{
      customerProfiles(first: 50, filter: { isGuest: false }, sortBy: { field: TOTAL_SPENT, direction: DESC }) {
        edges { node { user lifecycleStage favouriteProducts { name } } }
      }
    }`);
    const customer = customerProfiles.edges.map((edge) => edge.node).find((node) => node.user && node.favouriteProducts.length);
    const stage = STAGE_LABELS[customer.lifecycleStage];
    const src = extensionUrl(crm.origin, "/widget/customer", { customerId: customer.user });
    console.log(
      `Setup (migrate, ${options.customers} demo customers, runserver, Chromium): ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(`Widget: /widget/customer for ${customer.user} (stage "${stage}"), ${RUNS} runs\n`);

    const measure = async (page) => {
      const token = dashboardToken(crm.token, crm.me);
      await page.goto(hostUrl(host.origin, { src, token, layout: "widget" }), { waitUntil: "commit" });
      const frame = await extensionFrame(page, crm.origin);
      await frame.waitForFunction(() => window.__crmFirstContent?.painted, null, { timeout: 30_000, polling: 50 });
      const hostStart = await page.evaluate(() => performance.timeOrigin);
      const { frameStart, painted } = await frame.evaluate(() => ({
        frameStart: performance.timeOrigin,
        painted: window.__crmFirstContent.painted,
      }));
      return { total: painted - hostStart, inFrame: painted - frameStart };
    };

    const cold = [];
    const warm = [];
    await (async () => {
      // One throwaway load: the server's first requests (imports, connections).
      const context = await newContext(browser, crm);
      await context.addInitScript(watchFirstContent, stage);
      await measure(await context.newPage());
      await context.close();
    })();
    for (let run = 0; run < RUNS; run++) {
      // Cold: a new context, so an empty HTTP cache, as on a first visit.
      const context = await newContext(browser, crm);
      await context.addInitScript(watchFirstContent, stage);
      const page = await context.newPage();
      cold.push(await measure(page));
      // Warm: the same context again; the hashed assets come from the cache.
      warm.push(await measure(page));
      await context.close();
    }

    const row = (label, list, key) => {
      const values = list.map((entry) => entry[key]);
      const median = percentile(values, 50);
      const p90 = percentile(values, 90);
      console.log(
        `${pad(label, 58)} ${lpad(median.toFixed(0), 7)} ${lpad(p90.toFixed(0), 7)} ${lpad(Math.min(...values).toFixed(0), 7)} ${lpad(Math.max(...values).toFixed(0), 7)}`,
      );
    };
    console.log(`${pad("time to first render of the customer widget (ms)", 58)} ${lpad("median", 7)} ${lpad("p90", 7)} ${lpad("min", 7)} ${lpad("max", 7)}`);
    row("cold cache: host navigation → stage badge painted", cold, "total");
    row("cold cache: iframe navigation → stage badge painted", cold, "inFrame");
    row("warm cache: host navigation → stage badge painted", warm, "total");
    row("warm cache: iframe navigation → stage badge painted", warm, "inFrame");
  } finally {
    await browser.close();
    await host.stop();
    await crm.stop();
  }
}

console.log(`Node ${process.version}, ${availableParallelism()} CPU(s): ${cpus()[0]?.model ?? "unknown"}\n`);
sizes();
if (!options["sizes-only"]) await firstRender();
