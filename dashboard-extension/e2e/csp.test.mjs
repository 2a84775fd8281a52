/**
 * The pages the plugin serves, in headless Chromium under their
 * Content-Security-Policy: the extension inside the stand-in Dashboard,
 * framed by an origin the policy does not list, GraphiQL with the network
 * cut off but for the CRM, and the survey page. Any violation Chromium
 * reports fails the test.
 *
 *   npm run build && CRM_PYTHON=../.venv/bin/python node --test e2e/csp.test.mjs
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  appPageHostUrl,
  assertBuilt,
  CRM_ROUTE,
  dashboardToken,
  extensionFrame,
  extensionUrl,
  hostUrl,
  launchBrowser,
  newContext,
  startCrm,
  startHost,
  trackRequests,
} from "./harness.mjs";

let crm;
let host;
let browser;

before(async () => {
  assertBuilt();
  await Promise.all([
    startCrm({ customers: 20 }).then((started) => (crm = started)),
    startHost().then((started) => (host = started)),
    launchBrowser().then((started) => (browser = started)),
  ]);
});

after(async () => {
  await Promise.allSettled([browser?.close(), host?.stop()]);
  await crm?.stop();
});

/**
 * Every CSP violation in any frame of `page`: Chromium logs each one on the
 * console ("Refused to …"), and fires `securitypolicyviolation`, which the
 * init script (run in every frame) logs too.
 */
async function watchCsp(page) {
  const violations = [];
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|CSP violation/i.test(text)) violations.push(text);
  });
  await page.addInitScript(() => {
    document.addEventListener(
      "securitypolicyviolation",
      (event) =>
        console.error(
          `CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`,
        ),
      true,
    );
  });
  return violations;
}

/** The policy of the first response whose URL `matches` (within 15 s). */
function policyOf(page, matches) {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error("No matching response within 15 s")), 15_000);
    page.on("response", (response) => {
      if (!matches(response.url())) return;
      clearTimeout(timer);
      done(response.headers()["content-security-policy"] ?? "");
    });
  });
}

function directives(policy) {
  return Object.fromEntries(
    policy
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values]),
  );
}

function assertStrict(policy, { frameAncestors }) {
  const parsed = directives(policy);
  assert.deepEqual(parsed["default-src"], ["'none'"]);
  assert.deepEqual(parsed["script-src"], ["'self'"]);
  assert.deepEqual(parsed["frame-ancestors"], frameAncestors);
  // Inline style attributes only (the campaign preview's srcdoc iframe inherits the policy).
  assert.deepEqual(parsed["style-src-attr"] ?? ["'unsafe-inline'"], ["'unsafe-inline'"]);
  const { "style-src-attr": _attributes, ...rest } = parsed;
  assert.doesNotMatch(JSON.stringify(rest), /unsafe-inline|unsafe-eval|https?:\/\/[^ ;]*cdn/i);
  assert.match(parsed["style-src"].join(" "), /^'self' 'nonce-[\w-]+'$/);
}

/** The extension's page (the App URL has no slash before its hash: `…/dashboard#/app`). */
const isDashboardPage = (url) => /^\/plugins\/global\/saleor\.crm\/dashboard\/?$/.test(new URL(url).pathname);

describe("Content-Security-Policy in Chromium", { timeout: 240_000 }, () => {
  test("the CRM page, its popovers, charts and a ticket run under the CSP with no violation", async () => {
    const context = await newContext(browser, crm, { viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error));
    const violations = await watchCsp(page);
    const requests = trackRequests(page);
    const policy = policyOf(page, isDashboardPage);

    await page.goto(appPageHostUrl(host.origin, crm.origin, "/app/customers", { token: dashboardToken(crm.token, crm.me) }));
    const frame = await extensionFrame(page, crm.origin);
    assertStrict(await policy, { frameAncestors: ["'self'", "http://127.0.0.1:*"] });
    await frame.getByText(/^\d+–\d+ of \d+$/).waitFor();

    // A select's popover (Radix: portal, focus guards, scroll lock).
    await frame.getByRole("combobox", { name: "Lifecycle stage" }).click();
    await frame.getByRole("option").first().waitFor();
    await page.keyboard.press("Escape");
    // The charts (recharts measures text in a hidden span).
    await frame.getByRole("tab", { name: "Overview" }).click();
    await frame.locator("svg.recharts-surface").first().waitFor();
    // A ticket's conversation: message bodies as HTML.
    const { tickets } = await crm.graphql("{ tickets(first: 1) { edges { node { id number } } } }");
    const [{ node: ticket }] = tickets.edges;
    await frame.getByRole("tab", { name: "Tickets" }).click();
    await frame.getByText(`#${ticket.number} `).first().click();
    await frame.getByRole("list", { name: "Conversation" }).waitFor();
    await requests.settled();

    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a page on an origin the policy does not list cannot frame the extension", async () => {
    const context = await newContext(browser, crm);
    const page = await context.newPage();
    const violations = await watchCsp(page);
    // The stand-in Dashboard again, as http://localhost:<port>: another origin.
    const stranger = host.origin.replace("127.0.0.1", "localhost");
    const src = extensionUrl(crm.origin, "/widget/home");

    await page.goto(hostUrl(stranger, { src, token: dashboardToken(crm.token, crm.me), layout: "widget" }));

    // Chromium refuses the frame: the extension never runs, never says it is ready.
    const refused = () => violations.some((text) => /frame-ancestors/.test(text));
    for (let waited = 0; !refused() && waited < 10_000; waited += 100) {
      await new Promise((done) => setTimeout(done, 100));
    }
    assert.ok(refused(), `a frame-ancestors refusal was reported: ${JSON.stringify(violations)}`);
    assert.deepEqual(await page.evaluate(() => window.crmHost.actions.map((action) => action.type)), []);
    await context.close();
  });

  test("GraphiQL loads from the plugin alone, with the network cut off, and runs a query", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const elsewhere = [];
    // Offline but for the CRM: whatever is asked of another origin fails.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (new URL(url).origin === crm.origin) return route.continue();
      elsewhere.push(url);
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error));
    const violations = await watchCsp(page);

    const response = await page.goto(crm.graphqlUrl);
    const html = await response.text();
    assert.doesNotMatch(html, /https?:\/\//, "the page names no external URL");
    assertStrict(response.headers()["content-security-policy"], { frameAncestors: ["'none'"] });

    // The editors (CodeMirror, loaded on demand): the query's, and the headers' beside the variables'.
    const editors = () => {
      const query = document.querySelector(".graphiql-query-editor .CodeMirror")?.CodeMirror;
      const headers = document.querySelectorAll(".graphiql-editor-tool .graphiql-editor")[1];
      return query && headers?.querySelector(".CodeMirror")?.CodeMirror ? true : false;
    };
    await page.waitForFunction(editors);
    // Laid out to be used by hand: the page fills the window, and the
    // headers editor (where the staff token goes) has room to type in.
    const layout = await page.evaluate(() => ({
      page: document.querySelector(".graphiql-container").getBoundingClientRect().height,
      headers: document.querySelectorAll(".graphiql-editor-tool .graphiql-editor")[1].getBoundingClientRect()
        .height,
    }));
    assert.ok(layout.page >= 880, `GraphiQL fills the 900 px window (${layout.page} px)`);
    assert.ok(layout.headers >= 60, `the headers editor has room (${layout.headers} px)`);
    await page.evaluate((token) => {
      const headers = document.querySelectorAll(".graphiql-editor-tool .graphiql-editor")[1];
      const query = document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror;
      query.setValue("{ customerProfiles(first: 1) { totalCount } }");
      headers.querySelector(".CodeMirror").CodeMirror.setValue(JSON.stringify({ Authorization: `Bearer ${token}` }));
    }, crm.token);
    await page.locator(".graphiql-execute-button").click();
    const result = await page.waitForFunction(() => {
      const text = document.querySelector(".graphiql-response .CodeMirror")?.CodeMirror.getValue() ?? "";
      return text.includes("totalCount") || text.includes("errors") ? text : false;
    });
    const { data } = JSON.parse(await result.jsonValue());
    assert.ok(data.customerProfiles.totalCount > 0, "the demo store's profiles, read with the staff token");
    // A dialog (Radix: portal, scroll lock with an injected stylesheet).
    await page.getByRole("button", { name: "Open settings dialog" }).click();
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");

    assert.deepEqual(elsewhere, []);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the survey page is styled by its hashed stylesheet and allows no script", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = await watchCsp(page);

    const response = await page.goto(`${crm.origin}${CRM_ROUTE}/tickets/rate/?token=not-a-token`);
    const parsed = directives(response.headers()["content-security-policy"]);

    assert.deepEqual(parsed["default-src"], ["'none'"]);
    assert.equal(parsed["script-src"], undefined, "no script source: default-src 'none' applies");
    assert.deepEqual(parsed["frame-ancestors"], ["'none'"]);
    await page.getByRole("button", { name: "Send" }).waitFor();
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).maxWidth), "512px");
    assert.deepEqual(violations, []);
    await context.close();
  });
});
