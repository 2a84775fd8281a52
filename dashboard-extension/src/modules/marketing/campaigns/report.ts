/**
 * What a campaign's report shows, from `Campaign.stats` and
 * `Campaign.variantResults`: the funnel (sent → opened → clicked, and
 * ordered once the API reports attributed orders), delivery problems, and
 * the A/B test's result by the campaign's winner metric.
 */
import { formatNumber } from "../../core/format";
import type { CampaignDetails, CampaignStats, CampaignWinnerMetric } from "../graphql/types";

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
