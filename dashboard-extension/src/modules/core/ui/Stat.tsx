import { Box, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

/** A labelled figure: "Total spent — €1,204.00". */
export function Stat({ label, value, hint }: { label: ReactNode; value: ReactNode; hint?: ReactNode }) {
  return (
    <Box display="flex" flexDirection="column" gap={1} __minWidth="0">
      <Text size={2} color="default2">
        {label}
      </Text>
      <Text size={6} fontWeight="bold" ellipsis>
        {value}
      </Text>
      {hint && (
        <Text size={2} color="default2">
          {hint}
        </Text>
      )}
    </Box>
  );
}
