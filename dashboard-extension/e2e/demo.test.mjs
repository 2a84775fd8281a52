/**
 * The demo's Dashboard stand-in (`/demo/` of the host project, what
 * `./scripts/demo` prints) in headless Chromium, as a newcomer opens it: no
 * request is rewritten, the page's own stand-in token signs the extension in.
 * Its four views show the CRM with the demo data, the app page's address
 * follows the CRM's own navigation, and the README's demo screenshots are
 * taken here.
 *
 *   npm run build && CRM_PYTHON=../.venv/bin/python node --test e2e/demo.test.mjs
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { assertBuilt, CRM_ROUTE, launchBrowser, screenshotPath, startCrm, trackRequests } from "./harness.mjs";

let crm;
let browser;

before(async () => {
  assertBuilt();
  await Promise.all([
    startCrm({ customers: 60 }).then((started) => (crm = started)),
    launchBrowser().then((started) => (browser = started)),
  ]);
});

after(async () => {
  await browser?.close();
  await crm?.stop();
});

/** The extension's frame the demo page shows now (one per view). */
/** The CRM's iframe; with `route` (e.g. "/widget/home"), the one showing that route, not a frame still leaving. */
async function crmFrame(page, timeout = 15_000, route = "") {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = page
      .frames()
      .find((f) => f.url().includes(`${CRM_ROUTE}/dashboard`) && !f.isDetached() && f.url().includes(route));
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error("The CRM's iframe did not load");
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function openDemo(hash = "") {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  const requests = trackRequests(page);
  await page.goto(`${crm.origin}/demo/${hash}`);
  const shoot = async (name) => {
    await requests.settled();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: screenshotPath(name) });
  };
  return { context, page, errors, shoot };
}

describe("The demo's Dashboard stand-in", { timeout: 180_000 }, () => {
  test("shows the CRM page, a customer's and an order's page with their widgets, and home", async () => {
    const { customerProfiles } = await crm.graphql(`{
      customerProfiles(first: 1, filter: { isGuest: false }, sortBy: { field: TOTAL_SPENT, direction: DESC }) {
        totalCount edges { node { email ordersCount } }
      }
    }`);
    const top = customerProfiles.edges[0].node;
    const { context, page, errors, shoot } = await openDemo();

    // The CRM page, signed in with the page's own token.
    let frame = await crmFrame(page);
    await frame.getByRole("heading", { name: "Customers" }).waitFor();
    await frame.getByTestId("customer-row").first().waitFor();
    assert.equal(await frame.getByTestId("customer-row").count(), Math.min(20, customerProfiles.totalCount));
    await shoot("demo-crm.png");

    // The customer 360 widget on the store's best customer's page.
    await page.getByRole("link", { name: "A customer's page" }).click();
    await page.getByRole("heading", { name: /./, level: 1 }).waitFor();
    assert.equal(await page.getByText(top.email, { exact: true }).count() > 0, true);
    frame = await crmFrame(page, 15_000, "/widget/customer");
    await frame.getByText("Total spent", { exact: true }).waitFor();
    await frame.getByText(String(top.ordersCount), { exact: true }).first().waitFor();
    // The card takes the height the widget asks for.
    await page.waitForFunction(() => {
      const last = window.crmDemo.actions.filter((action) => action.type === "widgetResize").at(-1);
      return last && document.querySelector("main iframe").offsetHeight === last.payload.height;
    });
    await shoot("demo-customer.png");

    // The order widget on that customer's latest order.
    await page.getByRole("link", { name: "An order's page" }).click();
    await page.getByRole("heading", { name: /^Order #\d+$/ }).waitFor();
    frame = await crmFrame(page, 15_000, "/widget/order");
    await frame.getByText("Tickets about this order", { exact: true }).waitFor();
    await frame.getByText(top.email, { exact: true }).waitFor();
    await shoot("demo-order.png");

    // The home page widget.
    await page.getByRole("link", { name: "Home" }).click();
    await page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
    frame = await crmFrame(page, 15_000, "/widget/home");
    await frame.getByText("Open tickets", { exact: true }).waitFor();
    await shoot("demo-home.png");

    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a ticket opens at its own address, with its conversation and customer", async () => {
    const { tickets } = await crm.graphql(`{
      tickets(first: 10, filter: { statuses: [OPEN, NEW] }) { edges { node { id number subject status } } }
    }`);
    const ticket = tickets.edges.map((edge) => edge.node).find((node) => node.status === "OPEN") ?? tickets.edges[0]?.node;
    assert.ok(ticket, "the demo help desk has an open ticket");

    const { context, page, errors, shoot } = await openDemo(`#/app/tickets/${encodeURIComponent(ticket.id)}`);
    const frame = await crmFrame(page);
    await frame.getByText(`#${ticket.number} ${ticket.subject}`).waitFor();
    await frame.getByRole("list", { name: "Conversation" }).waitFor();
    await shoot("demo-ticket.png");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the demo's sent campaign shows its report: funnel, attributed revenue and lift", async () => {
    const { context, page, errors, shoot } = await openDemo("#/app/marketing");
    let frame = await crmFrame(page);
    const row = frame.getByTestId("campaign-row").filter({ hasText: "Spring coffee sale" });
    await row.waitFor();
    await row.click();
    await page.waitForFunction(() => /^#\/app\/marketing\/campaigns\/.+/.test(location.hash));
    frame = await crmFrame(page);
    const report = frame.getByTestId("campaign-report");
    await report.waitFor();
    await report.getByText("Lift", { exact: true }).waitFor();
    await frame.getByTestId("lift-explanation").waitFor();
    await report.scrollIntoViewIfNeeded();
    await shoot("demo-campaign.png");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the address follows the CRM page, so reload and Back keep the place", async () => {
    const { context, page, errors } = await openDemo("#/app");
    let frame = await crmFrame(page);
    const row = frame.getByTestId("customer-row").first();
    await row.waitFor();
    await row.click();
    // The extension reports its route; the stand-in puts it in its address.
    await page.waitForFunction(() => /^#\/app\/customers\/.+/.test(location.hash));
    const profileHash = await page.evaluate(() => location.hash);
    frame = await crmFrame(page);
    await frame.getByRole("heading", { name: /./ }).first().waitFor();

    await page.reload();
    assert.equal(await page.evaluate(() => location.hash), profileHash);
    frame = await crmFrame(page);
    assert.match(frame.url(), /#\/app\/customers\/.+/);
    await frame.getByText("Timeline", { exact: false }).first().waitFor();

    await page.goBack();
    await page.waitForFunction(() => location.hash === "#/app");
    assert.deepEqual(errors, []);
    await context.close();
  });
});
