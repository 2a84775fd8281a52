import { Box, Text, type BoxProps } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

/** A Dashboard-style card: a bordered section with a title row. */
export function Card({
  title,
  subtitle,
  actions,
  children,
  ...box
}: { title?: ReactNode; subtitle?: ReactNode; actions?: ReactNode; children: ReactNode } & Omit<
  BoxProps,
  "title" | "children"
>) {
  return (
    <Box
      as="section"
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      borderRadius={4}
      backgroundColor="default1"
      padding={5}
      display="flex"
      flexDirection="column"
      gap={4}
      {...box}
    >
      {(title || actions) && (
        <Box display="flex" justifyContent="space-between" alignItems="center" gap={3}>
          <Box display="flex" flexDirection="column" gap={0.5}>
            {title && (
              <Text as="h2" size={5} fontWeight="bold">
                {title}
              </Text>
            )}
            {subtitle && (
              <Text size={2} color="default2">
                {subtitle}
              </Text>
            )}
          </Box>
          {actions && (
            <Box display="flex" gap={2} alignItems="center">
              {actions}
            </Box>
          )}
        </Box>
      )}
      {children}
    </Box>
  );
}
