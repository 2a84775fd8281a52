import { Box, Button, Text, useTheme } from "@saleor/macaw-ui";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { formatNumber } from "../../core/format";
import { appPaths } from "../../core/routes";
import { Card } from "../../core/ui/Card";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { Stat } from "../../core/ui/Stat";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { CrmTicketStats } from "../graphql/documents";
import { attainmentChartData, overallAttainment, statusBreakdown, volumeChartData } from "./stats";

/** The Overview tab's help desk part: open and breached tickets, weekly volume and SLA attainment. */
export function TicketStats() {
  const { locale, navigate } = useCrm();
  const { themeValues } = useTheme();
  const colors = themeValues.colors;
  const { data, error, loading, refetch } = useCrmQuery(CrmTicketStats, {});
  const stats = data?.crmTicketStats;

  if (error && !loading) {
    return (
      <Card title="Help desk">
        <ErrorState error={error} onRetry={refetch} compact />
      </Card>
    );
  }
  if (!stats) {
    return (
      <Box display="flex" flexDirection="column" gap={4} aria-label="Loading help desk figures">
        <Card>
          <LinesSkeleton lines={2} />
        </Card>
        <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(380px, 1fr))">
          <Card title="Ticket volume">
            <LinesSkeleton lines={6} />
          </Card>
          <Card title="SLA attainment">
            <LinesSkeleton lines={6} />
          </Card>
        </Box>
      </Box>
    );
  }

  const volume = volumeChartData(stats.volume, locale);
  const attainment = attainmentChartData(stats.slaAttainment, locale);
  const overall = overallAttainment(stats.slaAttainment);
  const statuses = statusBreakdown(stats.byStatus);
  const openedTotal = volume.reduce((sum, row) => sum + row.Opened, 0);
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

  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <Card
        title="Help desk"
        actions={
          <Button variant="secondary" size="small" onClick={() => navigate(appPaths.tickets())}>
            Open the inbox
          </Button>
        }
      >
        <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(160px, 1fr))">
          <Stat label="Open tickets" value={formatNumber(stats.openCount, locale)} hint="New, open, pending or on hold" />
          <Stat
            label="SLA breached"
            value={
              <Text size={6} fontWeight="bold" color={stats.breachedCount > 0 ? "critical1" : "default1"}>
                {formatNumber(stats.breachedCount, locale)}
              </Text>
            }
            hint="Open tickets that missed a target"
          />
          <Stat
            label="SLA attainment, 12 weeks"
            value={overall.rate === null ? "—" : `${formatNumber(overall.rate, locale, 1)}%`}
            hint={`${formatNumber(overall.withinTarget, locale)} of ${formatNumber(overall.solved, locale)} solved in time`}
          />
          <Stat label="Opened, 12 weeks" value={formatNumber(openedTotal, locale)} />
        </Box>
        <Box display="flex" gap={4} flexWrap="wrap">
          {statuses.map((status) => (
            <Text key={status.status} size={2} color="default2">
              {status.label}{" "}
              <Text size={2} fontWeight="bold" color="default1">
                {formatNumber(status.count, locale)}
              </Text>
            </Text>
          ))}
        </Box>
      </Card>
      <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(380px, 1fr))">
        <Card title="Ticket volume" subtitle="Tickets opened and solved per week">
          <Box __height="280px">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={volume} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid vertical={false} stroke={colors.border.default1} />
                <XAxis dataKey="period" tick={axis} axisLine={false} tickLine={false} />
                <YAxis allowDecimals={false} tick={axis} axisLine={false} tickLine={false} />
                <Tooltip {...tooltipStyle} />
                <Legend wrapperStyle={{ fontSize: 13, color: colors.text.default2 }} />
                <Bar dataKey="Opened" fill={colors.text.info1} radius={[4, 4, 0, 0]} isAnimationActive={false} />
                <Bar dataKey="Solved" fill={colors.text.success1} radius={[4, 4, 0, 0]} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </Box>
        </Card>
        <Card
          title="SLA attainment"
          subtitle="Share of tickets solved within their resolution target, per week (gaps: nothing solved)"
        >
          <Box __height="280px">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={attainment} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid vertical={false} stroke={colors.border.default1} />
                <XAxis dataKey="period" tick={axis} axisLine={false} tickLine={false} />
                <YAxis
                  domain={[0, 100]}
                  ticks={[0, 25, 50, 75, 100]}
                  tickFormatter={(value: number) => `${value}%`}
                  tick={axis}
                  axisLine={false}
                  tickLine={false}
                />
                <Tooltip
                  {...tooltipStyle}
                  cursor={{ stroke: colors.border.default1 }}
                  formatter={(value, _name, item) => {
                    const row = item.payload as (typeof attainment)[number];
                    return [
                      value === null || value === undefined
                        ? "—"
                        : `${formatNumber(Number(value), locale, 1)}% (${row.withinTarget} of ${row.solved})`,
                      "Within target",
                    ];
                  }}
                />
                <Line
                  type="linear"
                  dataKey="rate"
                  name="Within target"
                  stroke={colors.text.accent1}
                  strokeWidth={2}
                  dot={{ r: 3, fill: colors.text.accent1 }}
                  connectNulls={false}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </Box>
        </Card>
      </Box>
    </Box>
  );
}
