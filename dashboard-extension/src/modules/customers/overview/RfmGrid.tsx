import { Box, Text } from "@saleor/macaw-ui";

import { formatNumber } from "../../core/format";
import type { RfmGridCell } from "../graphql/types";
import { segmentLabel } from "../labels";
import { buildRfmGrid, SCORES } from "./rfm";

const LEVEL_OPACITY = ["0", "0.12", "0.24", "0.38", "0.55"] as const;

/** 5×5 heat grid: recency across, frequency-monetary up; darker cells hold more customers. */
export function RfmGrid({
  cells,
  locale,
  onSelectSegment,
}: {
  cells: RfmGridCell[];
  locale?: string;
  onSelectSegment?: (segment: string) => void;
}) {
  const grid = buildRfmGrid(cells);
  return (
    <Box display="flex" flexDirection="column" gap={1}>
        <Text size={1} color="default2">
          ↑ Frequency & monetary
        </Text>
        <Box
          display="grid"
          gap={1}
          __gridTemplateColumns="20px repeat(5, minmax(0, 1fr))"
          role="grid"
          aria-label="Customers by RFM scores"
        >
          {grid.rows.map((row) => [
            <Box key={`fm-${row[0]?.fm}`} display="flex" alignItems="center" justifyContent="center">
              <Text size={2} color="default2">
                {row[0]?.fm}
              </Text>
            </Box>,
            ...row.map((cell) => (
              <Box
                key={`${cell.recency}-${cell.fm}`}
                as={onSelectSegment && cell.segment ? "button" : "div"}
                type={onSelectSegment && cell.segment ? "button" : undefined}
                role="gridcell"
                onClick={cell.segment && onSelectSegment ? () => onSelectSegment(cell.segment!) : undefined}
                position="relative"
                borderRadius={2}
                borderWidth={1}
                borderStyle="solid"
                borderColor="default1"
                backgroundColor="default1"
                padding={2}
                cursor={onSelectSegment ? "pointer" : "auto"}
                overflow="hidden"
                textAlign="left"
                __minHeight="56px"
                title={`Recency ${cell.recency}, FM ${cell.fm}: ${cell.count} customers (${segmentLabel(cell.segment)})`}
              >
                <Box
                  position="absolute"
                  inset={0}
                  backgroundColor="accent1"
                  __opacity={LEVEL_OPACITY[cell.level]}
                  pointerEvents="none"
                />
                <Box position="relative" display="flex" flexDirection="column" gap={0.5}>
                  <Text size={4} fontWeight="bold">
                    {formatNumber(cell.count, locale)}
                  </Text>
                  <Text size={1} color="default2" ellipsis>
                    {segmentLabel(cell.segment)}
                  </Text>
                </Box>
              </Box>
            )),
          ])}
          <Box />
          {SCORES.map((score) => (
            <Box key={score} display="flex" justifyContent="center">
              <Text size={2} color="default2">
                {score}
              </Text>
            </Box>
          ))}
        </Box>
        <Box display="flex" justifyContent="flex-end">
          <Text size={1} color="default2">
            Recency →
          </Text>
        </Box>
    </Box>
  );
}
