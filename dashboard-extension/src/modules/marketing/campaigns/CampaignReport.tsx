import { Box, Text } from "@saleor/macaw-ui";

import { formatNumber } from "../../core/format";
import { Card } from "../../core/ui/Card";
import { useCrm } from "../../core/use-crm";
import type { CampaignDetails } from "../graphql/types";
import { abResult, deliveryLines, formatRate, funnelSteps } from "./report";

/** How a campaign went: the funnel, what did not arrive, and the A/B test. */
export function CampaignReport({ campaign }: { campaign: CampaignDetails }) {
  const { locale } = useCrm();
  const { stats } = campaign;
  const steps = funnelSteps(stats);
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
