import { Box, Chip, Text, useTheme } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import type { Rfm } from "./graphql/types";
import { segmentLabel, segmentTone, stageLabel, stageTone, type Tone } from "./labels";

const backgrounds = {
  default: "default1Hovered",
  accent1: "accent1Hovered",
  info1: "info1",
  success1: "success1",
  warning1: "warning1",
  critical1: "critical1",
} as const;

const texts = {
  default: "default1",
  accent1: "accent1",
  info1: "info1",
  success1: "success1",
  warning1: "default1",
  critical1: "critical1",
} as const;

/** Tones whose background stays pale in the dark theme: outlined there instead, so the text stays readable. */
const PALE_IN_DARK = new Set<Tone>(["warning1", "critical1"]);
const isPaleInDark = (tone: Tone): tone is "warning1" | "critical1" => PALE_IN_DARK.has(tone);

export function ToneChip({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  const { theme } = useTheme();
  if (theme === "defaultDark" && isPaleInDark(tone)) {
    return (
      <Chip size="medium" backgroundColor="default1" borderColor={tone} title={title}>
        <Text size={2} color={tone} fontWeight="medium" whiteSpace="nowrap">
          {children}
        </Text>
      </Chip>
    );
  }
  return (
    <Chip size="medium" backgroundColor={backgrounds[tone]} borderColor="transparent" title={title}>
      <Text size={2} color={texts[tone]} fontWeight="medium" whiteSpace="nowrap">
        {children}
      </Text>
    </Chip>
  );
}

export function StageChip({ stage }: { stage: string | null | undefined }) {
  return (
    <ToneChip tone={stageTone(stage)} title="Lifecycle stage">
      {stageLabel(stage)}
    </ToneChip>
  );
}

/**
 * The RFM segment. Beside the lifecycle stage, pass `stage`: where both read
 * the same ("Loyal", "Loyal") the segment says it is the RFM one.
 */
export function SegmentChip({
  segment,
  stage,
}: {
  segment: string | null | undefined;
  stage?: string | null;
}) {
  const label = segmentLabel(segment);
  const clash = stage !== undefined && segment && label === stageLabel(stage);
  return (
    <ToneChip tone={segmentTone(segment)} title="RFM segment">
      {clash ? `RFM: ${label}` : label}
    </ToneChip>
  );
}

export function CustomerTypeChip({ isGuest }: { isGuest: boolean }) {
  return <ToneChip tone="default">{isGuest ? "Guest" : "Account"}</ToneChip>;
}

/** R, F and M scores as three small 1-5 badges, or one line of text when `compact`. */
export function RfmScores({ rfm, compact = false }: { rfm: Rfm; compact?: boolean }) {
  if (rfm.recency === null && rfm.frequency === null && rfm.monetary === null) {
    return (
      <Text size={2} color="default2">
        Not scored
      </Text>
    );
  }
  const scores: Array<[string, string, number | null]> = [
    ["R", "Recency", rfm.recency],
    ["F", "Frequency", rfm.frequency],
    ["M", "Monetary", rfm.monetary],
  ];
  if (compact) {
    return (
      <Text
        size={2}
        color="default2"
        whiteSpace="nowrap"
        title={scores.map(([, name, score]) => `${name} ${score ?? "—"} of 5`).join(", ")}
      >
        {scores.map(([letter, , score]) => `${letter}${score ?? "—"}`).join(" · ")}
      </Text>
    );
  }
  return (
    <Box display="flex" gap={1} aria-label="RFM scores">
      {scores.map(([letter, name, score]) => (
        <Box
          key={letter}
          title={`${name} score ${score ?? "—"} of 5`}
          display="flex"
          alignItems="center"
          gap={0.5}
          paddingX={1.5}
          paddingY={0.5}
          borderRadius={2}
          borderWidth={1}
          borderStyle="solid"
          borderColor="default1"
        >
          <Text size={1} color="default2">
            {letter}
          </Text>
          <Text size={2} fontWeight="bold">
            {score ?? "—"}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
