/**
 * The Marketing tab in Chromium, against the standalone CRM on a fresh demo
 * database: a segment built in the rule builder with its live count, a
 * campaign previewed for a real customer in a sandboxed iframe, sent, and
 * its report; consent on the customer widget. Screenshots go to
 * ../test-artifacts/screenshots/marketing-*.png.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  appPageHostUrl,
  assertBuilt,
  dashboardToken,
  extensionFrame,
  extensionUrl,
  hostUrl,
  launchBrowser,
  newContext,
  screenshotPath,
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
    startCrm({ customers: 60 }).then((started) => (crm = started)),
    startHost().then((started) => (host = started)),
    launchBrowser().then((started) => (browser = started)),
  ]);
});

after(async () => {
  await Promise.allSettled([browser?.close(), host?.stop()]);
  await crm?.stop();
});

async function open(route, { params = {}, layout = "app" } = {}) {
  const context = await newContext(browser, crm, { viewport: { width: 1360, height: 1100 } });
  const page = await context.newPage();
  const errors = [];
  const cspViolations = [];
  page.on("pageerror", (error) => errors.push(error));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  const requests = trackRequests(page);
  const shoot = async (name, target = page) => {
    await requests.settled();
    await page.mouse.move(0, 0);
    await target.screenshot({ path: screenshotPath(name) });
  };
  const jwt = dashboardToken(crm.token, crm.me);
  const url = route.startsWith("/app")
    ? appPageHostUrl(host.origin, crm.origin, route, { token: jwt })
    : hostUrl(host.origin, { src: extensionUrl(crm.origin, route, params), token: jwt, layout });
  await page.goto(url);
  const frame = await extensionFrame(page, crm.origin);
  return { context, page, frame, errors, cspViolations, shoot, requests };
}

/** Recent buyers, subscribed by staff: the audience a campaign can mail. */
async function subscribeRecentBuyers(count) {
  const { customerProfiles } = await crm.graphql(`{
    customerProfiles(first: 60) { edges { node { id email lastOrderAt isErased } } }
  }`);
  const buyers = customerProfiles.edges
    .map((edge) => edge.node)
    .filter((node) => node.lastOrderAt && !node.isErased)
    .slice(0, count);
  for (const buyer of buyers) {
    const { marketingConsentUpdate } = await crm.graphql(
      `mutation ($email: String!) {
        marketingConsentUpdate(email: $email, status: SUBSCRIBED, source: "e2e") { errors { field message } }
      }`,
      { email: buyer.email },
    );
    assert.deepEqual(marketingConsentUpdate.errors, []);
  }
  return buyers;
}

const RULES = `{ match: ALL, conditions: [
  { field: LAST_ORDER_AT, operator: WITHIN_LAST_DAYS, value: "3650" },
  { field: EMAIL_CONSENT, operator: EQ, value: "SUBSCRIBED" }
] }`;

describe("Marketing in Chromium", { timeout: 240_000 }, () => {
  test("a segment built in the rule builder: live count as the API counts, errors on the condition, saved with members", async () => {
    const { page, frame, errors, context, shoot } = await open("/app/marketing");
    // The demo store's starter segments are listed (tests/host/marketing_demo.py).
    await frame.getByTestId("segment-row").filter({ hasText: "Champions" }).waitFor();
    await frame.getByRole("button", { name: "New segment" }).click();
    await page.waitForURL((url) => url.pathname.endsWith("/marketing/segments/new"));

    const builder = frame.getByTestId("rule-builder");
    const days = builder.getByLabel("Days");
    // An invalid value is marked on its condition and not sent.
    await days.fill("0");
    await frame.locator('[data-testid="rule-condition"][data-path="rules.conditions.0"]').getByText("A number of days from 1 to 36500.").waitFor();
    await frame.getByText("Fix the rules marked in red").waitFor();

    await days.fill("3650");
    const { segmentPreview } = await crm.graphql(`{ segmentPreview(rules: { conditions: [
      { field: LAST_ORDER_AT, operator: WITHIN_LAST_DAYS, value: "3650" }] }) { count } }`);
    assert.ok(segmentPreview.count > 0, "the demo store has recent buyers");
    await frame.getByTestId("segment-count").getByText(String(segmentPreview.count), { exact: true }).waitFor();

    // A nested ANY group with its own condition.
    await builder.getByRole("button", { name: "Add group" }).click();
    await builder.locator('[data-path="rules.groups.0"]').waitFor();
    await builder.locator('[data-path="rules.groups.0"]').getByLabel("Tag", { exact: true }).fill("no-such-tag-e2e");
    await frame.getByTestId("segment-count").getByText("0", { exact: true }).waitFor();
    await shoot("marketing-rule-builder.png");
    await builder.locator('[data-path="rules.groups.0"]').getByRole("button", { name: "Remove group" }).click();
    await frame.getByTestId("segment-count").getByText(String(segmentPreview.count), { exact: true }).waitFor();

    await frame.getByLabel("Name").fill("Bought in the last ten years");
    await frame.getByRole("button", { name: "Create segment" }).click();
    await page.waitForURL((url) => /\/marketing\/segments\/(?!new)/.test(url.pathname));
    await frame.getByTestId("segment-members").getByText(`${segmentPreview.count} customers`, { exact: false }).waitFor();
    const { segments } = await crm.graphql(`{ segments(first: 20) { edges { node { name customerCount
      rules { match conditions { field operator value } } } } } }`);
    assert.deepEqual(segments.edges.map((edge) => edge.node).filter((node) => node.name.startsWith("Bought")), [
      {
        name: "Bought in the last ten years",
        customerCount: segmentPreview.count,
        rules: { match: "ALL", conditions: [{ field: "LAST_ORDER_AT", operator: "WITHIN_LAST_DAYS", value: "3650" }] },
      },
    ]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a campaign: preview for a real customer in a sandboxed iframe, sent from the page, its report and the Marketing tab", async () => {
    const buyers = await subscribeRecentBuyers(6);
    const { segmentCreate } = await crm.graphql(
      `mutation { segmentCreate(input: { name: "Subscribed recent buyers", rules: ${RULES} }) {
        segment { id customerCount } errors { field message } } }`,
    );
    assert.deepEqual(segmentCreate.errors, []);
    // The audience: those staff just subscribed and the demo's shoppers who
    // ticked the newsletter box at checkout (its consent metadata).
    const audience = segmentCreate.segment.customerCount;
    assert.ok(audience >= buyers.length, `${audience} subscribed recent buyers`);
    const { campaignCreate } = await crm.graphql(
      `mutation ($segment: ID!) { campaignCreate(input: {
        name: "Spring hello", segment: $segment, subject: "Hello {{customer.first_name}}",
        body: "<style>p { color: #1a4; }</style><p>Hi {{customer.first_name}}, spring is here at {{shop.name}}.</p><p><a href=\\"{{unsubscribe_url}}\\">Unsubscribe</a></p>",
        holdoutPercent: 0
      }) { campaign { id } errors { field message } } }`,
      { segment: segmentCreate.segment.id },
    );
    assert.deepEqual(campaignCreate.errors, []);
    const campaignId = campaignCreate.campaign.id;

    const { page, frame, errors, cspViolations, context, shoot } = await open(
      `/app/marketing/campaigns/${encodeURIComponent(campaignId)}`,
    );
    await frame.getByTestId("template-variables").getByText("{{customer.first_name}}").waitFor();
    // The preview is rendered for the segment's first member, inside an iframe
    // with every sandbox restriction.
    const iframe = frame.getByTestId("campaign-preview-frame");
    await iframe.waitFor();
    assert.equal(await iframe.getAttribute("sandbox"), "");
    const { campaignPreview } = await crm.graphql(
      `query ($id: ID!) { campaignPreview(id: $id) { subject html } }`,
      { id: campaignId },
    );
    // The first member may be a guest without a first name: "Hello".
    assert.match(campaignPreview.subject, /^Hello\b/);
    await frame.getByTestId("campaign-preview-subject").getByText(campaignPreview.subject).waitFor();
    const previewBody = frame.frameLocator('[data-testid="campaign-preview-frame"]').locator("body");
    await previewBody.getByText("spring is here", { exact: false }).waitFor();
    // The inlined style applies: the extension's policy lets the preview's style attributes through.
    const colour = await previewBody.locator("p").first().evaluate((node) => getComputedStyle(node).color);
    assert.equal(colour, "rgb(17, 170, 68)");
    await shoot("marketing-campaign-editor.png");

    // An unknown variable is refused on its field.
    await frame.getByLabel("Subject").fill("Hello {{customer.age}}");
    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await frame.getByText(/Unknown variable/).first().waitFor();
    await frame.getByLabel("Subject").fill("Hello {{customer.first_name}}");

    await frame.getByRole("button", { name: "Send now" }).click();
    await frame.getByRole("button", { name: "Send to the segment now" }).click();
    const report = frame.getByTestId("campaign-report");
    await report.waitFor({ timeout: 30_000 });
    let stats;
    for (let attempt = 0; attempt < 60; attempt += 1) {
      ({ campaign: { stats } } = await crm.graphql(
        `query ($id: ID!) { campaign(id: $id) { status stats { recipients sent opened clicked } } }`,
        { id: campaignId },
      ));
      if (stats.sent === audience) break;
      await new Promise((done) => setTimeout(done, 500));
    }
    assert.equal(stats.sent, audience, "every subscribed member was mailed");
    await page.reload();
    const reloaded = await extensionFrame(page, crm.origin);
    await reloaded.getByTestId("funnel-sent").getByText(String(audience), { exact: true }).waitFor();
    await reloaded.getByTestId("funnel-opened").waitFor();
    await reloaded.getByTestId("funnel-clicked").waitFor();
    // What it earned: nothing bought yet, so no interval, and the report says why.
    await reloaded.getByTestId("funnel-ordered").waitFor();
    await reloaded.getByTestId("revenue-revenue").getByText("0 attributed orders").waitFor();
    await reloaded.getByTestId("lift-explanation").waitFor();
    await shoot("marketing-campaign-report.png");

    // The Marketing tab: the campaign with its figures, the segment with its count.
    await reloaded.getByRole("button", { name: "Back to marketing" }).click();
    await page.waitForURL((url) => url.pathname.endsWith("/marketing"));
    const campaignRow = reloaded.getByTestId("campaign-row").filter({ hasText: "Spring hello" });
    await campaignRow.getByText("Sent", { exact: true }).waitFor();
    await reloaded.getByTestId("segment-row").filter({ hasText: "Subscribed recent buyers" }).getByText(String(audience), { exact: true }).waitFor();
    await shoot("marketing-tab.png");
    assert.deepEqual(errors, []);
    assert.deepEqual(cspViolations, []);
    await context.close();
  });

  test("consent on the customer widget: shown, and changed by staff into the ledger", async () => {
    const { customerProfiles } = await crm.graphql(`{
      customerProfiles(first: 40) { edges { node { id email user isErased marketingConsent { status } } } }
    }`);
    const customer = customerProfiles.edges
      .map((edge) => edge.node)
      .find((node) => node.user && !node.isErased && node.marketingConsent.status === "NEVER_SUBSCRIBED");
    assert.ok(customer, "a registered customer who never subscribed");
    const { frame, errors, context } = await open("/widget/customer", {
      params: { customerId: customer.user },
      layout: "widget",
    });
    const consent = frame.getByTestId("marketing-consent");
    await consent.getByText("Never subscribed").waitFor();
    await consent.getByRole("button", { name: "Change" }).click();
    await consent.getByRole("button", { name: "Record" }).click();
    await consent.getByText("Subscribed", { exact: true }).waitFor();
    await consent.getByText(/staff/).waitFor();
    const { customerProfile } = await crm.graphql(
      `query ($id: ID!) { customerProfile(id: $id) { marketingConsent { status source } } }`,
      { id: customer.id },
    );
    assert.deepEqual(customerProfile.marketingConsent, { status: "SUBSCRIBED", source: "staff" });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
