import { Box } from "@saleor/macaw-ui";

import { CampaignsList } from "./campaigns/CampaignsList";
import { SegmentsList } from "./segments/SegmentsList";

/** The CRM page's Marketing tab: campaigns, then the segments they go to. */
export function MarketingTab() {
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <CampaignsList />
      <SegmentsList />
    </Box>
  );
}
