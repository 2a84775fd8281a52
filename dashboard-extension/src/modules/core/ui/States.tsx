import { Box, Button, Skeleton, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import { describeError } from "../graphql-client";

export function ErrorState({
  error,
  onRetry,
  compact = false,
}: {
  error: unknown;
  onRetry?: () => void;
  compact?: boolean;
}) {
  const { title, detail } = describeError(error);
  return (
    <Box
      role="alert"
      display="flex"
      flexDirection="column"
      alignItems={compact ? "flex-start" : "center"}
      gap={2}
      padding={compact ? 3 : 8}
      borderRadius={4}
      backgroundColor="critical1"
    >
      <Text size={compact ? 3 : 5} fontWeight="bold" color="critical1">
        {title}
      </Text>
      <Text size={compact ? 2 : 3} color="default1" textAlign={compact ? "left" : "center"}>
        {detail}
      </Text>
      {onRetry && (
        <Button variant="secondary" size="small" onClick={onRetry}>
          Try again
        </Button>
      )}
    </Box>
  );
}

export function EmptyState({
  title,
  detail,
  action,
}: {
  title: ReactNode;
  detail?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <Box display="flex" flexDirection="column" alignItems="center" gap={2} paddingY={10} paddingX={6}>
      <Text size={5} fontWeight="bold">
        {title}
      </Text>
      {detail && (
        <Text size={3} color="default2" textAlign="center">
          {detail}
        </Text>
      )}
      {action}
    </Box>
  );
}

export function LinesSkeleton({ lines = 3 }: { lines?: number }) {
  return (
    <Box display="flex" flexDirection="column" gap={3} aria-busy="true" aria-label="Loading">
      {Array.from({ length: lines }, (_, index) => (
        <Skeleton key={index} __width={`${100 - ((index * 17) % 45)}%`} />
      ))}
    </Box>
  );
}
