import { Box, Text, useTheme } from "@saleor/macaw-ui";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { formatMonth, formatNumber } from "../../core/format";
import { Card } from "../../core/ui/Card";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { Stat } from "../../core/ui/Stat";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { CrmCustomerStats } from "../graphql/documents";
import type { RfmSegment } from "../graphql/types";
import { LIFECYCLE_STAGES, NEEDS_MANAGE_ORDERS, type Tone } from "../labels";
import { presetListFilters } from "../list/CustomersList";
import { EMPTY_FILTERS } from "../list/filters";
import { TicketStats } from "../../tickets/overview/TicketStats";
import { RfmGrid } from "./RfmGrid";

type ThemeColors = ReturnType<typeof useTheme>["themeValues"]["colors"];

/** Chart colours come from the theme's text tokens: the saturated ones. */
function toneColor(colors: ThemeColors, tone: Tone): string {
  return tone === "default" ? colors.text.default2 : colors.text[tone];
}

export default function OverviewTab() {
  const { locale, navigate } = useCrm();
  const { themeValues } = useTheme();
  const colors = themeValues.colors;
  const { data, error, loading, refetch } = useCrmQuery(CrmCustomerStats, {});
  const stats = data?.crmCustomerStats;

  if (error && !loading) {
    return (
      <Box display="flex" flexDirection="column" gap={4}>
        <ErrorState error={error} onRetry={refetch} />
        <TicketStats />
      </Box>
    );
  }
  if (!stats) {
    return (
      <Box display="flex" flexDirection="column" gap={4}>
        <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(360px, 1fr))">
          {[0, 1, 2].map((index) => (
            <Card key={index} title={<Box __width="160px"><LinesSkeleton lines={1} /></Box>}>
              <LinesSkeleton lines={6} />
            </Card>
          ))}
        </Box>
        <TicketStats />
      </Box>
    );
  }

  const counts = new Map(stats.byLifecycleStage.map((row) => [row.stage, row.count]));
  const stageData = LIFECYCLE_STAGES.map((stage) => ({
    stage: stage.label,
    count: counts.get(stage.value) ?? 0,
    color: toneColor(colors, stage.tone),
  }));
  // Null for staff without MANAGE_ORDERS: the chart says why it is empty.
  const trend = (stats.newVsReturning ?? []).map((point) => ({
    period: formatMonth(point.periodStart, locale),
    New: point.new,
    Returning: point.returning,
  }));
  const axis = { fontSize: 12, fill: colors.text.default2 };
  const tooltipStyle = {
    contentStyle: {
      background: colors.background.default1,
      border: `1px solid ${colors.border.default1}`,
      borderRadius: 8,
      color: colors.text.default1,
      fontSize: 13,
    },
    cursor: { fill: colors.background.default1Hovered },
  };
  const scored = stats.rfmGrid.reduce((sum, cell) => sum + cell.count, 0);
  const atRisk = (counts.get("AT_RISK") ?? 0) + (counts.get("LAPSED") ?? 0);

  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <Card>
        <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(160px, 1fr))">
          <Stat label="Customer profiles" value={formatNumber(stats.totalCount, locale)} />
          <Stat label="Scored (with orders)" value={formatNumber(scored, locale)} />
          <Stat label="Loyal" value={formatNumber(counts.get("LOYAL") ?? 0, locale)} />
          <Stat label="At risk or lapsed" value={formatNumber(atRisk, locale)} />
        </Box>
      </Card>
      <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(380px, 1fr))">
        <Card title="Customers by lifecycle stage" subtitle="Where each customer stands now">
          <Box __height="340px">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={stageData} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid vertical={false} stroke={colors.border.default1} />
                <XAxis dataKey="stage" tick={axis} axisLine={false} tickLine={false} interval={0} />
                <YAxis allowDecimals={false} tick={axis} axisLine={false} tickLine={false} />
                <Tooltip {...tooltipStyle} />
                <Bar dataKey="count" name="Customers" radius={[4, 4, 0, 0]} isAnimationActive={false}>
                  {stageData.map((row) => (
                    <Cell key={row.stage} fill={row.color} />
                  ))}
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </Box>
        </Card>
        <Card
          title="RFM grid"
          subtitle="Customers by recency and by frequency & spend, scored 1–5 against all buyers. Click a cell to list its segment."
        >
          {scored === 0 ? (
            <Text size={3} color="default2">
              No customer has been scored yet: scores come with the first orders and the nightly recompute.
            </Text>
          ) : (
            <RfmGrid
              cells={stats.rfmGrid}
              locale={locale}
              onSelectSegment={(segment) => {
                presetListFilters({ ...EMPTY_FILTERS, segments: [segment as RfmSegment] });
                navigate("/app/customers");
              }}
            />
          )}
        </Card>
      </Box>
      <Card
        title="New vs returning customers"
        subtitle={stats.newVsReturning ? "Customers with a sale order, per month" : NEEDS_MANAGE_ORDERS}
      >
        <Box __height="280px">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={trend} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid vertical={false} stroke={colors.border.default1} />
              <XAxis dataKey="period" tick={axis} axisLine={false} tickLine={false} />
              <YAxis allowDecimals={false} tick={axis} axisLine={false} tickLine={false} />
              <Tooltip {...tooltipStyle} />
              <Legend wrapperStyle={{ fontSize: 13, color: colors.text.default2 }} />
              <Bar dataKey="New" stackId="customers" fill={colors.text.info1} isAnimationActive={false} />
              <Bar
                dataKey="Returning"
                stackId="customers"
                fill={colors.text.success1}
                radius={[4, 4, 0, 0]}
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
        </Box>
      </Card>
      <TicketStats />
    </Box>
  );
}
