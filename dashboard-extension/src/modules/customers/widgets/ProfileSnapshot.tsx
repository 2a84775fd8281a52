import { Box, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import { formatDate, formatMoney, formatNumber, formatRelative, formatUnconverted } from "../../core/format";
import { Stat } from "../../core/ui/Stat";
import { useCrm } from "../../core/use-crm";
import { CustomerTypeChip, RfmScores, SegmentChip, StageChip } from "../components";
import type { CustomerProfileSnapshot } from "../graphql/types";
import { ConsentControl } from "../../marketing/consent/ConsentControl";
import { TagList } from "../list/CustomersTable";
import { FavouriteList } from "../profile/ProfilePage";

/** The customer 360 in a widget: stage, scores, money and what they buy. */
export function ProfileSnapshot({
  profile,
  footer,
  showStaffNotes = true,
  showConsent = true,
}: {
  profile: CustomerProfileSnapshot;
  footer?: ReactNode;
  /** Tags and note; off where an editor shows them. */
  showStaffNotes?: boolean;
  /** Email marketing consent, with the staff control. */
  showConsent?: boolean;
}) {
  const { locale } = useCrm();
  const now = new Date();
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <Box display="flex" flexWrap="wrap" gap={2} alignItems="center">
        <StageChip stage={profile.lifecycleStage} />
        <SegmentChip segment={profile.rfm.segment} stage={profile.lifecycleStage} />
        {profile.isGuest && <CustomerTypeChip isGuest />}
        {profile.rfm.segment && <RfmScores rfm={profile.rfm} />}
      </Box>
      <Box display="grid" gap={3} __gridTemplateColumns="repeat(auto-fit, minmax(110px, 1fr))">
        <Stat
          label="Total spent"
          value={formatMoney(profile.totalSpent, locale)}
          hint={formatUnconverted(profile.unconvertedSpend, locale)}
        />
        <Stat label="Orders" value={formatNumber(profile.ordersCount, locale)} />
        <Stat label="Average order" value={formatMoney(profile.averageOrderValue, locale)} />
        <Stat
          label="Last order"
          value={profile.lastOrderAt ? formatRelative(profile.lastOrderAt, now, locale) : "—"}
          hint={profile.firstOrderAt ? `First: ${formatDate(profile.firstOrderAt, locale)}` : undefined}
        />
      </Box>
      {profile.favouriteProducts && profile.favouriteProducts.length > 0 && (
        <Box display="flex" flexDirection="column" gap={2}>
          <Text size={2} color="default2">
            Buys most
          </Text>
          <FavouriteList items={profile.favouriteProducts} empty="" max={3} />
        </Box>
      )}
      {showConsent && !profile.isErased && <ConsentControl profileId={profile.id} />}
      {showStaffNotes && profile.tags.length > 0 && <TagList tags={profile.tags} max={6} />}
      {showStaffNotes && profile.note && (
        <Box padding={3} borderRadius={3} backgroundColor="default1Hovered">
          <Text size={2} color="default2" display="block">
            Note
          </Text>
          <Text size={3} __whiteSpace="pre-wrap">
            {profile.note.length > 280 ? `${profile.note.slice(0, 280)}…` : profile.note}
          </Text>
        </Box>
      )}
      {footer}
    </Box>
  );
}
