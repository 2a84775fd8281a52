import { describe, expect, it } from "vitest";

import type { CampaignDetails } from "../graphql/types";
import {
  campaignFieldErrors,
  checkSchedule,
  emptyCampaign,
  fromCampaign,
  toCampaignInput,
  validateCampaign,
  type CampaignValues,
} from "./campaign-form";

function filled(overrides: Partial<CampaignValues> = {}): CampaignValues {
  return { ...emptyCampaign(), name: "Spring", segment: "U2VnbWVudDox", subject: "Hi {{customer.first_name}}", ...overrides };
}

describe("campaign form → CampaignInput", () => {
  it("sends numbers as numbers, no offer when off, and no test group without variants", () => {
    const input = toCampaignInput(filled({ holdoutPercent: "15", testPercent: "20", fromEmail: " news@shop.test " }));
    expect(input).toMatchObject({
      name: "Spring",
      segment: "U2VnbWVudDox",
      fromEmail: "news@shop.test",
      offer: null,
      holdoutPercent: 15,
      testPercent: 0,
      variants: [],
      winnerMetric: "OPEN_RATE",
      winnerAfterHours: 4,
    });
  });

  it("sends the offer and variants, leaving out what a variant keeps from the campaign", () => {
    const input = toCampaignInput(
      filled({
        offerEnabled: true,
        offer: { discountType: "FIXED", value: "5.50", validDays: "7", channel: "default-channel", minimumSpent: "" },
        testPercent: "20",
        variants: [
          { subject: "A gift inside", body: "" },
          { subject: "", body: "<p>Other body</p>" },
        ],
        winnerMetric: "CLICK_RATE",
      }),
    );
    expect(input.offer).toEqual({ discountType: "FIXED", value: "5.50", validDays: 7, channel: "default-channel", minimumSpent: null });
    expect(input.variants).toEqual([{ subject: "A gift inside" }, { body: "<p>Other body</p>" }]);
    expect(input.testPercent).toBe(20);
    expect(input.winnerMetric).toBe("CLICK_RATE");
  });

  it("reads a saved campaign back into the same input", () => {
    const saved = {
      name: "Spring",
      segment: { id: "U2VnbWVudDox", name: "Recent", customerCount: 3 },
      subject: "Hi",
      body: "<p>Body</p>",
      fromEmail: "",
      offer: { discountType: "PERCENTAGE", value: "10", validDays: 14, channel: "default-channel", minimumSpent: "25.00" },
      holdoutPercent: 10,
      testPercent: 20,
      variants: [{ position: 1, subject: "Other", body: "<p>Body</p>" }],
      winnerMetric: "OPEN_RATE",
      winnerAfterHours: 6,
    } as unknown as CampaignDetails;
    const input = toCampaignInput(fromCampaign(saved));
    expect(input).toMatchObject({
      segment: "U2VnbWVudDox",
      offer: { discountType: "PERCENTAGE", value: "10", validDays: 14, channel: "default-channel", minimumSpent: "25.00" },
      holdoutPercent: 10,
      testPercent: 20,
      variants: [{ subject: "Other", body: "<p>Body</p>" }],
      winnerAfterHours: 6,
    });
  });
});

describe("campaign checks", () => {
  it("accepts a complete campaign", () => {
    expect(validateCampaign(filled())).toEqual({});
  });

  it("names every problem on its field", () => {
    const errors = validateCampaign(
      filled({
        name: " ",
        segment: "",
        subject: "",
        fromEmail: "not-an-email",
        holdoutPercent: "60",
        offerEnabled: true,
        offer: { discountType: "PERCENTAGE", value: "120", validDays: "0", channel: "", minimumSpent: "abc" },
        variants: [{ subject: "", body: "" }],
        testPercent: "0",
        winnerAfterHours: "0",
      }),
    );
    expect(Object.keys(errors).sort()).toEqual([
      "fromEmail",
      "holdoutPercent",
      "name",
      "offer.channel",
      "offer.minimumSpent",
      "offer.validDays",
      "offer.value",
      "segment",
      "subject",
      "testPercent",
      "variants.0.subject",
      "winnerAfterHours",
    ]);
    expect(errors["offer.value"]).toBe("At most 100%.");
  });

  it("puts server errors on their field, unknown ones on the form", () => {
    const values = filled({ offerEnabled: true, variants: [{ subject: "x", body: "" }] });
    expect(
      campaignFieldErrors(
        [
          { field: "body", code: "UNKNOWN_VARIABLE", message: "Unknown variable customer.age." },
          { field: "variants.0.subject", code: "INVALID_TEMPLATE", message: "Does not compile." },
          { field: "offer.channel", code: "NOT_FOUND", message: "No such channel." },
          { field: "variants.3.body", code: "INVALID", message: "Gone." },
          { field: null, code: "NOT_EDITABLE", message: "Already sent." },
        ],
        values,
      ),
    ).toEqual({
      body: "Unknown variable customer.age.",
      "variants.0.subject": "Does not compile.",
      "offer.channel": "No such channel.",
      form: "Gone. Already sent.",
    });
  });

  it("checks a schedule time before asking the server", () => {
    const now = new Date("2026-05-01T10:00:00Z");
    expect(checkSchedule("", now)).toBe("Choose a date and time.");
    expect(checkSchedule("2020-01-01T09:00", now)).toBe("That time has passed; send now instead.");
    expect(checkSchedule("2030-01-01T09:00", now)).toBe("At most 366 days ahead.");
    expect(checkSchedule("2026-05-03T09:00", now)).toBeUndefined();
  });
});
