/**
 * The built extension in headless Chromium, inside a stand-in Dashboard page
 * on another origin, against the standalone CRM on a fresh demo database.
 *
 *   npm run build && npm run test:e2e
 *
 * Screenshots go to ../test-artifacts/screenshots/, the server's log to
 * ../test-artifacts/e2e-server.log.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  APP_ID,
  appPageHostUrl,
  assertBuilt,
  dashboardToken,
  extensionFrame,
  extensionUrl,
  hostActions,
  hostUrl,
  launchBrowser,
  newContext,
  screenshotPath,
  startCrm,
  startHost,
  trackRequests,
} from "./harness.mjs";

const STAGE_LABELS = {
  PROSPECT: "Prospect",
  NEW: "New",
  ACTIVE: "Active",
  LOYAL: "Loyal",
  AT_RISK: "At risk",
  LAPSED: "Lapsed",
};
const money = ({ amount, currency }) =>
  new Intl.NumberFormat("en", { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
    amount,
  );

/** Two waiting store events (one retrying) and one failed, first seen 190 s ago; prints their IDs. */
const BACKLOG_PY = `
import json
from datetime import timedelta
from django.utils import timezone
from saleor_crm_plugin.ingestion.models import InboundEvent
now = timezone.now()
rows = InboundEvent.objects.bulk_create(
    InboundEvent(event_type="order_updated", object_type="order", object_id=f"e2e-backlog-{n}",
                 occurred_at=now, dedupe_key=f"e2e-backlog-{n}", status=status, attempts=attempts,
                 next_attempt_at=now + timedelta(hours=1) if attempts else None)
    for n, (status, attempts) in enumerate([("pending", 0), ("pending", 1), ("failed", 8)])
)
ids = [row.pk for row in rows]
InboundEvent.objects.filter(pk__in=ids).update(created_at=now - timedelta(seconds=190))
print(json.dumps(ids))
`;

/** Marks those events processed, or deletes them. */
function forgetEventsPy(ids, how) {
  const events = `InboundEvent.objects.filter(pk__in=${JSON.stringify(ids)})`;
  return [
    "from django.utils import timezone",
    "from saleor_crm_plugin.ingestion.models import InboundEvent",
    how === "delete" ? `${events}.delete()` : `${events}.update(status="processed", processed_at=timezone.now())`,
  ].join("\n");
}

let crm;
let host;
let browser;

before(async () => {
  assertBuilt();
  // Each is kept as soon as it is up, so `after` stops it even if another failed.
  await Promise.all([
    startCrm({ customers: 60 }).then((started) => (crm = started)),
    startHost().then((started) => (host = started)),
    launchBrowser().then((started) => (browser = started)),
  ]);
});

after(async () => {
  await Promise.allSettled([browser?.close(), host?.stop()]);
  await crm?.stop();
});

/**
 * Opens `route` the way the Dashboard mounts it: the host page iframes the
 * extension URL with the launch query and posts the handshake on load.
 */
async function open(route, { params = {}, layout = "app", width, token, contextOptions } = {}) {
  const context = await newContext(browser, crm, { viewport: { width: 1280, height: 1000 }, ...contextOptions });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  const requests = trackRequests(page);
  /** A screenshot once the page's requests are done (lazy cards loaded). */
  const shoot = async (name, target = page) => {
    await requests.settled();
    await page.mouse.move(0, 0);
    await target.screenshot({ path: screenshotPath(name) });
  };
  const jwt = token ?? dashboardToken(crm.token, crm.me);
  // The app page is opened at its Dashboard address; widgets in a card.
  const url = route.startsWith("/app")
    ? appPageHostUrl(host.origin, crm.origin, route, { token: jwt })
    : hostUrl(host.origin, { src: extensionUrl(crm.origin, route, params), token: jwt, layout, width });
  await page.goto(url);
  const frame = await extensionFrame(page, crm.origin);
  return { context, page, frame, errors, jwt, shoot };
}

async function waitForAction(page, type, predicate = () => true, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = (await hostActions(page)).filter((action) => action.type === type).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(`No ${type} action within ${timeout} ms; got ${JSON.stringify(await hostActions(page))}`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** The stand-in Dashboard's address of an app-page sub-path. */
function appAddress(subPath) {
  return `/extensions/app/${encodeURIComponent(APP_ID)}${subPath}`;
}

/** "1–20 of 60" under the customers table. */
function rangeLabel(frame) {
  return frame.getByText(/^\d+–\d+ of \d+$/);
}

describe("Dashboard extension in Chromium", { timeout: 240_000 }, () => {
  test("customer 360 widget shows stage, spend and favourite products", async () => {
    const { customerProfiles } = await crm.graphql(`{
      customerProfiles(first: 50, filter: { isGuest: false }, sortBy: { field: TOTAL_SPENT, direction: DESC }) {
        edges { node { user email lifecycleStage ordersCount totalSpent { amount currency } favouriteProducts { name } } }
      }
    }`);
    const customer = customerProfiles.edges
      .map((edge) => edge.node)
      .find((node) => node.user && node.favouriteProducts.length >= 3);
    assert.ok(customer, "the demo store has a customer with an account and favourite products");

    const { page, frame, errors, context, shoot } = await open("/widget/customer", {
      params: { customerId: customer.user },
      layout: "widget",
      // Sharp enough for the README.
      contextOptions: { viewport: { width: 480, height: 600 }, deviceScaleFactor: 2 },
    });
    const stage = frame.getByText(STAGE_LABELS[customer.lifecycleStage], { exact: true }).first();
    await stage.waitFor();
    await frame.getByText(money(customer.totalSpent), { exact: true }).waitFor();
    for (const product of customer.favouriteProducts.slice(0, 3)) {
      await frame.getByText(product.name, { exact: true }).waitFor();
    }
    const orders = frame.getByText("Orders", { exact: true }).locator("xpath=..");
    assert.equal((await orders.innerText()).split("\n").at(-1), String(customer.ordersCount));

    // The widget told the Dashboard it is ready and how tall it is.
    await waitForAction(page, "notifyReady");
    const resize = await waitForAction(page, "widgetResize", (action) => action.payload.height > 200);
    assert.equal(resize.origin, crm.origin);
    // The host sized the card to the widget's latest height.
    await page.waitForFunction(() => {
      const last = window.crmHost.actions.filter((action) => action.type === "widgetResize").at(-1);
      return document.getElementById("crm").offsetHeight === last.payload.height;
    });
    await shoot("widget-customer.png", page.locator("#card"));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("customers page lists profiles; a lifecycle filter changes rows and total", async () => {
    const stage = "LOYAL";
    const { all, loyal } = await crm.graphql(
      `query ($stages: [CustomerLifecycleStageEnum!]) {
        all: customerProfiles(first: 1) { totalCount }
        loyal: customerProfiles(first: 100, filter: { lifecycleStages: $stages }) { totalCount edges { node { email } } }
      }`,
      { stages: [stage] },
    );
    assert.ok(loyal.totalCount > 0 && loyal.totalCount < 20, `a small stage to filter on (${loyal.totalCount})`);

    const { page, frame, errors, context, shoot } = await open("/app/customers");
    const rows = frame.getByTestId("customer-row");
    await rangeLabel(frame).waitFor();
    assert.equal(await rangeLabel(frame).textContent(), `1–20 of ${all.totalCount}`);
    assert.equal(await rows.count(), 20);
    // The demo store's events are all applied.
    const backlog = frame.getByRole("status", { name: "Store events" });
    await backlog.waitFor();
    assert.equal(await backlog.innerText(), "Up to date");
    await shoot("app-customers.png");

    await frame.getByRole("combobox", { name: "Lifecycle stage" }).click();
    await frame.getByRole("option", { name: STAGE_LABELS[stage], exact: true }).click();
    await page.keyboard.press("Escape");
    await frame.getByText(`1–${loyal.totalCount} of ${loyal.totalCount}`, { exact: true }).waitFor();
    await frame.locator('table[aria-busy="false"]').waitFor();
    assert.equal(await rows.count(), loyal.totalCount);
    const shown = await rows.locator("td:first-child").allInnerTexts();
    const expected = loyal.edges.map((edge) => edge.node.email);
    for (const email of expected) {
      assert.ok(shown.some((cell) => cell.includes(email)), `${email} is listed`);
    }
    const stages = await rows.locator("td:nth-child(2)").allInnerTexts();
    assert.deepEqual(new Set(stages.map((text) => text.trim())), new Set([STAGE_LABELS[stage]]));
    await shoot("app-customers-filtered.png");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the CRM page shows the event backlog and follows it as events are applied", async () => {
    const ids = JSON.parse(
      crm.manage(["shell", "--verbosity", "0", "--command", BACKLOG_PY], { capture: true }).split("\n").at(-1),
    );
    const forget = (status) =>
      crm.manage(["shell", "--verbosity", "0", "--command", forgetEventsPy(ids, status)]);
    try {
      const { page, frame, errors, context, shoot } = await open("/app/customers");
      const status = frame.getByRole("status", { name: "Store events" });
      await status.waitFor();
      assert.match(await status.innerText(), /^2 store events waiting, oldest [34] min ago$/);
      assert.equal(await status.getAttribute("title"), "1 of them retries after a failed attempt");
      const warning = frame.getByTestId("event-backlog-failed");
      assert.equal(
        await warning.innerText(),
        "1 event failed: an operator replays it with python manage.py crm_events --replay",
      );
      await shoot("app-event-backlog.png");

      // Counts whether the line is ever missing while it refreshes.
      await frame.locator("body").evaluate(() => {
        window.backlogGaps = 0;
        new MutationObserver(() => {
          if (!document.querySelector('[data-testid="event-backlog-status"]')) window.backlogGaps += 1;
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      // A worker applies the waiting events and an operator replays the failed one.
      forget("processed");
      // The page asks again within 30 s, on its own.
      await status.filter({ hasText: /^Up to date$/ }).waitFor({ timeout: 45_000 });
      await warning.waitFor({ state: "detached" });
      assert.equal(await frame.locator("body").evaluate(() => window.backlogGaps), 0);
      assert.equal(await frame.getByTestId("customer-row").count(), 20);
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      forget("delete");
    }
  });

  test("a row opens the profile; an order link redirects the Dashboard to the order", async () => {
    const { page, frame, errors, context, shoot } = await open("/app/customers");
    const row = frame.getByTestId("customer-row").filter({ hasNotText: "guest" }).first();
    await row.waitFor();
    const email = (await row.locator("td:first-child").innerText()).split("\n").at(-1).trim();
    await row.click();

    const { customerProfile } = await crm.graphql(
      `query ($email: String!) {
        customerProfile(email: $email) {
          id email lifecycleStage totalSpent { amount currency }
          orders(first: 5) { edges { node { id number } } }
        }
      }`,
      { email },
    );
    assert.ok(customerProfile.orders.edges.length > 0, `${email} has orders`);
    // The Dashboard's address names the profile.
    await page.waitForURL((url) => url.pathname === appAddress(`/customers/${encodeURIComponent(customerProfile.id)}`));
    await frame.getByText(email).first().waitFor();
    await frame.getByText(money(customerProfile.totalSpent), { exact: true }).first().waitFor();
    const order = customerProfile.orders.edges[0].node;
    const link = frame.getByRole("button", { name: `#${order.number}`, exact: true });
    await link.waitFor();
    await shoot("profile.png");

    await link.click();
    const redirect = await waitForAction(page, "redirect", (action) => action.payload.to.startsWith("/orders/"));
    assert.equal(redirect.payload.to, `/orders/${encodeURIComponent(order.id)}`);
    assert.equal(redirect.origin, crm.origin);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the Dashboard's address follows the CRM page: reload opens it again, Back goes one page per press", async () => {
    const { page, frame, errors, context, shoot } = await open("/app/customers");
    await rangeLabel(frame).waitFor();
    const row = frame.getByTestId("customer-row").filter({ hasNotText: "guest" }).first();
    const email = (await row.locator("td:first-child").innerText()).split("\n").at(-1).trim();
    const { customerProfile } = await crm.graphql(
      `query ($email: String!) { customerProfile(email: $email) { id } }`,
      { email },
    );
    const profileAddress = appAddress(`/customers/${encodeURIComponent(customerProfile.id)}`);

    await row.click();
    await page.waitForURL((url) => url.pathname === profileAddress);
    await frame.getByText(email).first().waitFor();
    // The page went through the Dashboard's router (which set the iframe's
    // src), spelt past its same-app check.
    const redirect = await waitForAction(page, "redirect", (action) => action.payload.to.includes("/customers/"));
    assert.equal(decodeURI(redirect.payload.to), profileAddress);
    assert.notEqual(redirect.payload.to.slice(0, profileAddress.indexOf("/customers/")), `/extensions/app/${encodeURIComponent(encodeURIComponent(APP_ID))}`);

    // Reload: the same page opens again.
    await page.reload();
    const reloaded = await extensionFrame(page, crm.origin);
    await reloaded.getByText(email).first().waitFor();
    assert.equal(new URL(page.url()).pathname, profileAddress);
    await shoot("app-profile-reloaded.png");

    // Back: the list, and its address.
    await page.evaluate(() => history.back());
    await page.waitForURL((url) => url.pathname === appAddress("/customers"));
    await rangeLabel(reloaded).waitFor();
    assert.ok((await reloaded.getByText(email).count()) > 0, "the list shows the customer's row");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("Back without a reload: one press per page, then out of the app", async () => {
    const { page, frame, errors, context } = await open("/app/customers");
    await rangeLabel(frame).waitFor();
    await frame.getByRole("tab", { name: "Tickets" }).click();
    await page.waitForURL((url) => url.pathname === appAddress("/tickets"));
    await frame.getByRole("tab", { name: "Overview" }).click();
    await page.waitForURL((url) => url.pathname === appAddress("/customers/overview"));
    const entries = await page.evaluate(() => history.length);

    await page.evaluate(() => history.back());
    await page.waitForURL((url) => url.pathname === appAddress("/tickets"));
    await frame.getByRole("tab", { name: "Tickets", selected: true }).waitFor();
    await page.evaluate(() => history.back());
    await page.waitForURL((url) => url.pathname === appAddress("/customers"));
    await rangeLabel(frame).waitFor();
    // Each Back dropped the iframe entry the stand-in's src change pushed.
    assert.ok((await page.evaluate(() => history.length)) <= entries);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("ticket page: a reply is sent, shown in the conversation and stored", async () => {
    const { tickets } = await crm.graphql(`{
      tickets(first: 10, filter: { statuses: [OPEN, NEW] }) {
        edges { node { id number subject status messages(last: 100) { totalCount } } }
      }
    }`);
    const ticket = tickets.edges.map((edge) => edge.node).find((node) => node.status === "OPEN") ?? tickets.edges[0]?.node;
    assert.ok(ticket, "the demo help desk has an open ticket");

    const { page, frame, errors, context, shoot } = await open(`/app/tickets/${encodeURIComponent(ticket.id)}`);
    await frame.getByText(`#${ticket.number} ${ticket.subject}`).waitFor();
    const conversation = frame.getByRole("list", { name: "Conversation" });
    await conversation.waitFor();
    const before = await conversation.locator(":scope > li").count();

    // The database is new for every run: this text is on no other message.
    const text = "Thanks for getting in touch: we have looked into it and sorted it out for you.";
    await frame.getByRole("textbox", { name: "Message" }).fill(`${text}\n\n${crm.me.firstName}`);
    await frame.getByRole("button", { name: "Reply", exact: true }).click();

    const reply = conversation.locator('li[data-kind="staff-reply"]').filter({ hasText: text });
    await reply.waitFor();
    assert.equal(await conversation.locator(":scope > li").count(), before + 1);
    assert.equal(await frame.getByRole("textbox", { name: "Message" }).inputValue(), "", "the reply box is cleared");
    const notification = await waitForAction(page, "notification");
    assert.deepEqual(
      { status: notification.payload.status, title: notification.payload.title },
      { status: "success", title: "Reply sent" },
    );
    await reply.scrollIntoViewIfNeeded();
    await shoot("ticket-reply.png");

    const { ticket: stored } = await crm.graphql(
      `query ($id: ID!) {
        ticket(id: $id) {
          status firstResponseAt
          messages(last: 1) { totalCount edges { node { kind authorKind author body } } }
        }
      }`,
      { id: ticket.id },
    );
    assert.equal(stored.messages.totalCount, ticket.messages.totalCount + 1);
    const [{ node: message }] = stored.messages.edges;
    assert.equal(message.authorKind, "STAFF");
    assert.equal(message.kind, "REPLY");
    assert.equal(message.author, crm.me.id, "written by the staff member the token names");
    assert.ok(message.body.includes(text), `stored body: ${message.body}`);
    assert.equal(stored.status, "PENDING", "a reply waits for the customer");
    assert.ok(stored.firstResponseAt);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("ticket page: a goodwill voucher is issued and listed; a refund answers that it needs Saleor", async () => {
    const { tickets } = await crm.graphql(`{
      tickets(first: 50, filter: { statuses: [NEW, OPEN, PENDING] }) {
        edges { node {
          id number subject order
          customer { orders(first: 20) { edges { node { id channel } } } }
        } }
      }
    }`);
    const ticket = tickets.edges
      .map((edge) => edge.node)
      .find((node) => node.customer && node.customer.orders.edges.length > 0);
    assert.ok(ticket, "the demo help desk has a verified ticket of a customer with orders");
    const orders = ticket.customer.orders.edges.map((edge) => edge.node);
    let order = orders.find((node) => node.id === ticket.order);
    if (!order) {
      order = orders[0];
      const { ticketLinkOrder } = await crm.graphql(
        `mutation ($id: ID!, $order: ID) { ticketLinkOrder(id: $id, order: $order) { errors { code } } }`,
        { id: ticket.id, order: order.id },
      );
      assert.deepEqual(ticketLinkOrder.errors, []);
    }

    const { page, frame, errors, context, shoot } = await open(`/app/tickets/${encodeURIComponent(ticket.id)}`);
    await frame.getByText(`#${ticket.number} ${ticket.subject}`).waitFor();
    await frame.getByRole("button", { name: "Issue voucher" }).click();
    const voucherForm = frame.getByRole("form", { name: "Issue voucher" });
    await voucherForm.waitFor();
    assert.equal(await voucherForm.getByLabel("Channel").inputValue(), order.channel, "the order's channel by default");
    await voucherForm.getByLabel("Percent off").fill("15");
    await voucherForm.getByLabel("Valid days").fill("14");
    await voucherForm.getByLabel("Note (optional)").fill("Sorry for the late parcel.");
    await voucherForm.getByRole("button", { name: "Issue voucher" }).click();

    const voucher = frame.getByTestId("ticket-voucher");
    await voucher.waitFor();
    const code = (await voucher.getByTestId("voucher-code").innerText()).trim();
    assert.match(code, /^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    assert.ok((await voucher.innerText()).includes(`15% off · ${order.channel}`));
    const notification = await waitForAction(page, "notification", (action) => action.payload.title === "Voucher issued");
    assert.equal(notification.payload.text, code);
    // The conversation records it too (a system note with the code).
    await frame.getByRole("list", { name: "Conversation" }).waitFor();
    await voucher.scrollIntoViewIfNeeded();
    await shoot("ticket-voucher.png");

    // Standalone there is no store: the refund's typed error, in its form.
    await frame.getByRole("button", { name: "Refund order" }).click();
    const refundForm = frame.getByRole("form", { name: "Refund order" });
    await refundForm.getByLabel(/^Amount/).fill("1");
    await refundForm.getByRole("button", { name: "Refund order" }).click();
    const alert = refundForm.getByRole("alert");
    await alert.waitFor();
    assert.equal((await alert.innerText()).trim(), "Refunds need Saleor: the CRM runs without a store here.");

    const { ticket: stored } = await crm.graphql(
      `query ($id: ID!) { ticket(id: $id) { vouchers { code channel note } refunds { id } } }`,
      { id: ticket.id },
    );
    assert.deepEqual(stored.vouchers, [{ code, channel: order.channel, note: "Sorry for the late parcel." }]);
    assert.deepEqual(stored.refunds, [], "a refund refused for want of a store records nothing");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("tokenRefresh: an expired token is refused, the refreshed one is used and the page keeps working", async () => {
    const { page, frame, errors, context, jwt, shoot } = await open("/app/customers");
    const sent = [];
    page.on("request", (request) => {
      if (request.url().startsWith(crm.graphqlUrl) && request.method() === "POST") {
        sent.push(request.headers().authorization);
      }
    });
    await rangeLabel(frame).waitFor();
    const { all } = await crm.graphql(`{ all: customerProfiles(first: 1) { totalCount } }`);
    const firstRow = frame.getByTestId("customer-row").first();
    const pageOne = await firstRow.innerText();

    // From now on the handshake token counts as expired, as after five minutes.
    await page.route(`${crm.graphqlUrl}**`, (route) =>
      route.request().headers().authorization === `Bearer ${jwt}`
        ? route.fulfill({
            status: 401,
            contentType: "application/json",
            body: JSON.stringify({
              errors: [{ message: "Signature has expired.", extensions: { exception: { code: "ExpiredSignatureError" } } }],
            }),
          })
        : route.fallback(),
    );
    sent.length = 0;
    await frame.getByRole("button", { name: "Next page" }).click();
    await page.waitForTimeout(500);
    assert.ok(sent.length > 0, "the next page was asked for");
    assert.ok(sent.every((auth) => auth === `Bearer ${jwt}`), "with the handshake token, which was refused");
    // Page two's rows are not there: the table waits for the Dashboard's refresh.
    assert.equal(await frame.locator("table").getAttribute("aria-busy"), "true");
    assert.equal(await firstRow.innerText(), pageOne, "page one's rows still shown");

    const fresh = dashboardToken(crm.refreshedToken, crm.me, { jti: "refreshed" });
    const before = sent.length;
    await page.evaluate((token) => window.crmHost.refreshToken(token), fresh);
    await frame.getByText(`21–40 of ${all.totalCount}`, { exact: true }).waitFor();
    await frame.locator('table[aria-busy="false"]').waitFor();
    assert.notEqual(await firstRow.innerText(), pageOne, "page two is shown");
    await shoot("token-refresh.png");

    await frame.getByRole("button", { name: "Next page" }).click();
    await frame.getByText(`41–${Math.min(60, all.totalCount)} of ${all.totalCount}`, { exact: true }).waitFor();
    const afterRefresh = sent.slice(before);
    assert.ok(afterRefresh.length >= 2, "the refused request was retried and the next page asked for");
    assert.ok(afterRefresh.every((auth) => auth === `Bearer ${fresh}`), "every request since carries the new token");
    assert.deepEqual(errors, []);
    await context.close();
  });
});
