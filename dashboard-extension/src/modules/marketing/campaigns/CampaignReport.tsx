import { Box, Text } from "@saleor/macaw-ui";

import { formatNumber } from "../../core/format";
import { Card } from "../../core/ui/Card";
import { useCrm } from "../../core/use-crm";
import type { CampaignWithRevenue } from "../graphql/types";
import { abResult, deliveryLines, formatRate, funnelSteps, revenueSummary } from "./report";

/** How a campaign went: the funnel, what it earned, what did not arrive, and the A/B test. */
export function CampaignReport({ campaign }: { campaign: CampaignWithRevenue }) {
  const { locale } = useCrm();
  const { stats } = campaign;
  const steps = funnelSteps(stats);
  const revenue = revenueSummary(stats, locale);
  const lines = deliveryLines(stats);
  const ab = abResult(campaign);
  const widest = Math.max(stats.sent, 1);
  return (
    <Card
      title="Report"
      subtitle={`${formatNumber(stats.recipients, locale)} recipients · ${formatNumber(stats.holdout, locale)} held out`}
      data-testid="campaign-report"
    >
      <Box as="ol" display="flex" flexDirection="column" gap={3} margin={0} padding={0} aria-label="Funnel">
        {steps.map((step, index) => (
          <Box as="li" key={step.key} display="flex" flexDirection="column" gap={1} data-testid={`funnel-${step.key}`}>
            <Box display="flex" justifyContent="space-between" gap={3}>
              <Text size={3} fontWeight="medium">
                {step.label}
              </Text>
              <Text size={3}>
                <Text size={3} fontWeight="bold">
                  {formatNumber(step.count, locale)}
                </Text>
                {index > 0 && (
                  <Text size={2} color="default2">
                    {" "}
                    · {formatRate(step.count, steps[index - 1]!.count, locale)} of {steps[index - 1]!.label.toLowerCase()}
                  </Text>
                )}
              </Text>
            </Box>
            <Box backgroundColor="default1Hovered" borderRadius={2} __height="10px">
              <Box
                backgroundColor="accent1"
                borderRadius={2}
                height="100%"
                __width={`${Math.min(100, (step.count / widest) * 100)}%`}
              />
            </Box>
          </Box>
        ))}
      </Box>
      {revenue && (
        <Box display="flex" flexDirection="column" gap={2} data-testid="campaign-revenue">
          <Box display="grid" __gridTemplateColumns="repeat(auto-fit, minmax(140px, 1fr))" gap={3}>
            {[
              { key: "revenue", label: "Revenue", value: revenue.revenue, note: `${formatNumber(revenue.orders, locale)} attributed orders` },
              { key: "per-recipient", label: "Per recipient", value: revenue.perRecipient, note: "mailed" },
              {
                key: "per-holdout",
                label: "Per holdout member",
                value: revenue.perHoldoutMember ?? "—",
                note: "got no email",
              },
              { key: "lift", label: "Lift", value: revenue.lift ?? "—", note: revenue.interval ? `95%: ${revenue.interval}` : "per recipient" },
            ].map((figure) => (
              <Box key={figure.key} display="flex" flexDirection="column" gap={0.5} data-testid={`revenue-${figure.key}`}>
                <Text size={2} color="default2">
                  {figure.label}
                </Text>
                <Text size={5} fontWeight="bold">
                  {figure.value}
                </Text>
                <Text size={1} color="default2">
                  {figure.note}
                </Text>
              </Box>
            ))}
          </Box>
          <Text size={2} color={revenue.verdict === "negative" ? "critical1" : "default2"} data-testid="lift-explanation">
            {revenue.explanation}
          </Text>
          <Text size={1} color="default2">
            Orders count when placed with a recipient&apos;s code or within the attribution window after a click (the
            latest touch wins, refunds deducted). Per-recipient figures count every order of each group in the window
            after the send, so recipients and the holdout are measured the same way.
          </Text>
        </Box>
      )}
      {lines.length > 0 && (
        <Box display="flex" flexDirection="column" gap={1}>
          {lines.map((line) => (
            <Box key={line.label} display="flex" justifyContent="space-between" gap={3}>
              <Text size={2} color={line.tone === "critical" ? "critical1" : "default2"}>
                {line.label}
              </Text>
              <Text size={2}>{formatNumber(line.count, locale)}</Text>
            </Box>
          ))}
        </Box>
      )}
      {ab && (
        <Box display="flex" flexDirection="column" gap={2} data-testid="campaign-ab">
          <Text size={4} fontWeight="bold">
            A/B test{" "}
            <Text size={2} color="default2" fontWeight="regular">
              by {ab.metric === "OPEN_RATE" ? "open rate" : "click rate"},{" "}
              {ab.decided ? "winner sent to the rest" : `winner chosen ${campaign.winnerAfterHours} h after the test mail`}
            </Text>
          </Text>
          <Box as="table" width="100%" __borderCollapse="collapse">
            <Box as="thead">
              <Box as="tr">
                {["Variant", "Sent", "Opened", "Clicked", ab.metric === "OPEN_RATE" ? "Open rate" : "Click rate"].map(
                  (label, index) => (
                    <Box as="th" key={label} textAlign={index ? "right" : "left"} paddingY={1}>
                      <Text size={2} color="default2">
                        {label}
                      </Text>
                    </Box>
                  ),
                )}
              </Box>
            </Box>
            <Box as="tbody">
              {ab.rows.map((row) => (
                <Box as="tr" key={row.position} borderTopWidth={1} borderTopStyle="solid" borderColor="default1">
                  <Box as="td" paddingY={1.5}>
                    <Text size={3} fontWeight="medium">
                      {row.label}
                      {row.isWinner ? " · winner" : row.isLeading ? " · leading" : ""}
                    </Text>
                    <Text size={2} color="default2" display="block" ellipsis>
                      {row.subject}
                    </Text>
                  </Box>
                  {[row.sent, row.opened, row.clicked].map((value, index) => (
                    <Box as="td" key={index} textAlign="right">
                      <Text size={3}>{formatNumber(value, locale)}</Text>
                    </Box>
                  ))}
                  <Box as="td" textAlign="right">
                    <Text size={3} fontWeight={row.isWinner || row.isLeading ? "bold" : "regular"}>
                      {row.rate == null ? "—" : `${formatNumber(row.rate * 100, locale, 1)}%`}
                    </Text>
                  </Box>
                </Box>
              ))}
            </Box>
          </Box>
        </Box>
      )}
    </Card>
  );
}
