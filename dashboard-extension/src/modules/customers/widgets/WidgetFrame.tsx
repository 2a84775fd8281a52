import { useWidgetAutoResize } from "@saleor/app-sdk/app-bridge";
import { Box } from "@saleor/macaw-ui";
import { useRef, type ReactNode } from "react";

/** Widget content: no page chrome, and the Dashboard sizes the card to fit. */
export function WidgetFrame({ children }: { children: ReactNode }) {
  const root = useRef<HTMLDivElement>(null);
  useWidgetAutoResize(root);
  return (
    <Box ref={root} padding={1} display="flex" flexDirection="column" gap={3}>
      {children}
    </Box>
  );
}
