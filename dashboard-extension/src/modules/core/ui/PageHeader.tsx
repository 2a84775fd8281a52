import { Box, Button, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import { ArrowLeftIcon } from "./icons";

export function PageHeader({
  title,
  subtitle,
  onBack,
  backLabel = "Back",
  actions,
  children,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  onBack?: () => void;
  backLabel?: string;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <Box
      as="header"
      display="flex"
      flexDirection="column"
      gap={3}
      paddingX={6}
      paddingTop={5}
      paddingBottom={4}
      borderBottomWidth={1}
      borderBottomStyle="solid"
      borderColor="default1"
    >
      <Box display="flex" alignItems="center" justifyContent="space-between" gap={4}>
        <Box display="flex" alignItems="center" gap={3} __minWidth="0">
          {onBack && (
            <Button
              variant="tertiary"
              size="small"
              icon={<ArrowLeftIcon />}
              onClick={onBack}
              aria-label={backLabel}
              title={backLabel}
            />
          )}
          <Box display="flex" flexDirection="column" gap={0.5} __minWidth="0">
            <Text as="h1" size={8} fontWeight="bold" ellipsis>
              {title}
            </Text>
            {subtitle && (
              <Text size={3} color="default2" ellipsis>
                {subtitle}
              </Text>
            )}
          </Box>
        </Box>
        {actions && (
          <Box display="flex" gap={2} alignItems="center" flexShrink="0">
            {actions}
          </Box>
        )}
      </Box>
      {children}
    </Box>
  );
}
