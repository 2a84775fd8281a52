/**
 * What a campaign's report shows, from `Campaign.stats` and
 * `Campaign.variantResults`: the funnel (sent → opened → clicked, and
 * ordered once the API reports attributed orders), delivery problems, and
 * the A/B test's result by the campaign's winner metric; and what it
 * earned: attributed orders and revenue, revenue per recipient against the
 * holdout, and the lift with its 95% interval in plain words.
 */
import { EMPTY, formatMoney, formatNumber } from "../../core/format";
import type { CampaignDetails, CampaignRevenueStats, CampaignStats, CampaignWinnerMetric } from "../graphql/types";

/** "42.5%" of `whole`; "—" when nothing to divide by. */
export function formatRate(part: number, whole: number, locale?: string): string {
  if (!whole) return "—";
  return `${formatNumber((part / whole) * 100, locale, 1)}%`;
}

export interface FunnelStep {
  key: "sent" | "opened" | "clicked" | "ordered";
  label: string;
  count: number;
  /** Share of the step before (sent: of the recipients mailed or failed). */
  ofPrevious: number | null;
  /** Share of those sent; 1 for "sent". */
  ofSent: number | null;
}

/** Stats with the attribution field the funnel's last step needs, when the API has it. */
export type FunnelStats = CampaignStats & { orders?: number | null };

export function funnelSteps(stats: FunnelStats): FunnelStep[] {
  const steps: Array<Pick<FunnelStep, "key" | "label" | "count">> = [
    { key: "sent", label: "Sent", count: stats.sent },
    { key: "opened", label: "Opened", count: stats.opened },
    { key: "clicked", label: "Clicked", count: stats.clicked },
  ];
  if (typeof stats.orders === "number") steps.push({ key: "ordered", label: "Ordered", count: stats.orders });
  return steps.map((step, index) => {
    const previous = index === 0 ? stats.sent + stats.failed : steps[index - 1]!.count;
    return {
      ...step,
      ofPrevious: previous ? step.count / previous : null,
      ofSent: stats.sent ? step.count / stats.sent : null,
    };
  });
}

export interface DeliveryLine {
  label: string;
  count: number;
  tone: "default" | "warning" | "critical";
}

/** Everything besides the funnel: who was held out, queued, not mailed or lost. */
export function deliveryLines(stats: CampaignStats): DeliveryLine[] {
  const lines: DeliveryLine[] = [
    { label: "Held out (measured, never mailed)", count: stats.holdout, tone: "default" },
    { label: "Waiting to be sent", count: stats.queued, tone: "default" },
    { label: "Not mailed (no longer subscribed, or cancelled)", count: stats.skipped, tone: "default" },
    { label: "Failed", count: stats.failed, tone: "critical" },
    { label: "Bounced", count: stats.bounced, tone: "warning" },
    { label: "Unsubscribed from this email", count: stats.unsubscribed, tone: "warning" },
  ];
  return lines.filter((line) => line.count > 0);
}

export interface VariantRow {
  position: number;
  label: string;
  subject: string;
  sent: number;
  opened: number;
  clicked: number;
  /** The rate the winner is chosen by. */
  rate: number | null;
  isWinner: boolean;
  isLeading: boolean;
}

export interface AbResult {
  metric: CampaignWinnerMetric;
  rows: VariantRow[];
  /** The winner went (or goes) to the rest of the audience. */
  decided: boolean;
}

export function variantLabel(position: number): string {
  return `Variant ${String.fromCharCode(65 + position)}`;
}

/** The A/B test's table, or undefined for a campaign without variants. */
export function abResult(campaign: Pick<
  CampaignDetails,
  "variants" | "variantResults" | "winnerMetric" | "winnerPosition" | "subject"
>): AbResult | undefined {
  if (!campaign.variants.length) return undefined;
  const subjects = new Map<number, string>([[0, campaign.subject]]);
  for (const variant of campaign.variants) subjects.set(variant.position, variant.subject || campaign.subject);
  const results = new Map(campaign.variantResults.map((result) => [result.position, result]));
  const positions = [...subjects.keys()].sort((a, b) => a - b);
  const rateOf = (sent: number, opened: number, clicked: number) =>
    sent ? (campaign.winnerMetric === "OPEN_RATE" ? opened : clicked) / sent : null;
  const rows = positions.map((position) => {
    const result = results.get(position) ?? { sent: 0, opened: 0, clicked: 0 };
    return {
      position,
      label: variantLabel(position),
      subject: subjects.get(position) ?? "",
      sent: result.sent,
      opened: result.opened,
      clicked: result.clicked,
      rate: rateOf(result.sent, result.opened, result.clicked),
      isWinner: campaign.winnerPosition === position,
      isLeading: false,
    };
  });
  const best = Math.max(...rows.map((row) => row.rate ?? -1));
  if (best > 0 && campaign.winnerPosition == null) {
    for (const row of rows) row.isLeading = row.rate === best;
  }
  return { metric: campaign.winnerMetric, rows, decided: campaign.winnerPosition != null };
}

/** An amount per recipient: a fraction of a cent still shows below one unit. */
export function formatPerRecipient(amount: number | null | undefined, currency: string, locale?: string): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return EMPTY;
  if (Math.abs(amount) >= 1 || amount === 0) return formatMoney({ amount, currency }, locale);
  try {
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 4,
    }).format(amount);
  } catch {
    return `${formatNumber(amount, locale, 4)} ${currency}`;
  }
}

export type LiftVerdict = "no-holdout" | "too-few" | "positive" | "negative" | "unclear";

export interface RevenueSummary {
  orders: number;
  revenue: string;
  perRecipient: string;
  perHoldoutMember: string | null;
  lift: string | null;
  interval: string | null;
  verdict: LiftVerdict;
  /** What the lift and its interval mean, for a merchant. */
  explanation: string;
}

/**
 * The revenue part of the report, or undefined when the user may not see
 * order figures (the API gave them null) or the API has none.
 */
export function revenueSummary(
  stats: Partial<CampaignRevenueStats>,
  locale?: string,
): RevenueSummary | undefined {
  if (typeof stats.orders !== "number" || !stats.revenue) return undefined;
  const currency = stats.revenue.currency;
  const per = (value: number | null | undefined) => formatPerRecipient(value, currency, locale);
  const hasHoldout = typeof stats.holdoutRevenuePerRecipient === "number";
  const lift = typeof stats.lift === "number" ? stats.lift : null;
  const interval = stats.liftInterval ?? null;
  const range = interval ? `${per(interval.low)} to ${per(interval.high)}` : null;
  let verdict: LiftVerdict;
  let explanation: string;
  if (!hasHoldout || lift === null) {
    verdict = "no-holdout";
    explanation =
      "No holdout, so there is nothing to compare with: hold out a share of the audience next time to learn what the email itself added.";
  } else if (!interval || !range) {
    verdict = "too-few";
    explanation =
      "Too few customers (or no purchases yet) in one of the groups to say how sure the lift is; it may change a lot as orders come in.";
  } else if (interval.low > 0) {
    verdict = "positive";
    explanation = `The email very likely added revenue: with 95% confidence, between ${range} per recipient compared with customers who got nothing.`;
  } else if (interval.high < 0) {
    verdict = "negative";
    explanation = `Recipients very likely spent less than the holdout: with 95% confidence, the difference is between ${range} per recipient.`;
  } else {
    verdict = "unclear";
    explanation = `Not clear yet: the true lift is, with 95% confidence, between ${range} per recipient. That range includes zero, so the difference may be chance.`;
  }
  return {
    orders: stats.orders,
    revenue: formatMoney(stats.revenue, locale),
    perRecipient: per(stats.revenuePerRecipient),
    perHoldoutMember: hasHoldout ? per(stats.holdoutRevenuePerRecipient) : null,
    lift: lift === null ? null : `${lift > 0 ? "+" : ""}${per(lift)}`,
    interval: range,
    verdict,
    explanation,
  };
}
