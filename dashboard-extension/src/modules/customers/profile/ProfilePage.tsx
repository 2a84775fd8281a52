import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import { EMPTY, displayName, formatCountry, formatDate, formatMoney, formatNumber, formatRelative, formatUnconverted } from "../../core/format";
import { Card } from "../../core/ui/Card";
import { ConsentControl } from "../../marketing/consent/ConsentControl";
import { ExternalLinkIcon } from "../../core/ui/icons";
import { PageHeader } from "../../core/ui/PageHeader";
import { EmptyState, ErrorState, LinesSkeleton } from "../../core/ui/States";
import { Stat } from "../../core/ui/Stat";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { CustomerTypeChip, RfmScores, SegmentChip, StageChip } from "../components";
import { CustomerProfileDetails } from "../graphql/documents";
import type { CustomerProfileDetails as Profile, Favourite } from "../graphql/types";
import { NEEDS_MANAGE_ORDERS } from "../labels";
import { appPaths } from "../../core/routes";
import { ProfileReads } from "../../privacy/ProfileReads";
import { CustomerTickets } from "../../tickets/widgets/CustomerTickets";
import { OrdersList } from "./OrdersList";
import { TagsNoteEditor } from "./TagsNoteEditor";
import { Timeline } from "./Timeline";

export function ProfilePage({ profileId }: { profileId: string }) {
  const { navigate } = useCrm();
  const { data, error, loading, refetch } = useCrmQuery(CustomerProfileDetails, { id: profileId });
  const [profile, setProfile] = useState<Profile | null | undefined>(undefined);
  useEffect(() => {
    if (data) setProfile(data.customerProfile);
  }, [data]);
  const back = () => navigate("/app/customers");

  if (error && !loading) {
    return (
      <Box>
        <PageHeader title="Customer" onBack={back} backLabel="Back to customers" />
        <Box padding={6}>
          <ErrorState error={error} onRetry={refetch} />
        </Box>
      </Box>
    );
  }
  if (profile === null) {
    return (
      <Box>
        <PageHeader title="Customer" onBack={back} backLabel="Back to customers" />
        <EmptyState
          title="This customer profile doesn't exist"
          detail="It may have been merged into another profile."
          action={
            <Button variant="secondary" onClick={back}>
              Back to customers
            </Button>
          }
        />
      </Box>
    );
  }
  if (!profile) return <ProfileSkeleton onBack={back} />;

  return <ProfileView profile={profile} onBack={back} onSaved={(saved) => setProfile({ ...profile, ...saved })} />;
}

function ProfileView({
  profile,
  onBack,
  onSaved,
}: {
  profile: Profile;
  onBack: () => void;
  onSaved: (saved: { tags: string[]; note: string }) => void;
}) {
  const { dashboard, locale, navigate } = useCrm();
  const now = new Date();
  const name = profile.isErased ? "Erased customer" : displayName(profile);
  const place = [profile.city, profile.country ? formatCountry(profile.country, locale) : ""]
    .filter(Boolean)
    .join(", ");

  return (
    <Box display="flex" flexDirection="column">
      <PageHeader
        title={name}
        subtitle={name === profile.email ? undefined : profile.email}
        onBack={onBack}
        backLabel="Back to customers"
        actions={
          profile.user && (
            <Button variant="secondary" size="small" onClick={() => void dashboard.openCustomer(profile.user!)}>
              <ExternalLinkIcon size={16} />
              Open in Dashboard
            </Button>
          )
        }
      />
      <Box padding={6} display="flex" flexDirection="column" gap={4}>
        <Card>
          <Box display="flex" flexWrap="wrap" alignItems="center" gap={2}>
            <CustomerTypeChip isGuest={profile.isGuest} />
            <StageChip stage={profile.lifecycleStage} />
            <SegmentChip segment={profile.rfm.segment} stage={profile.lifecycleStage} />
            {profile.rfm.segment && <RfmScores rfm={profile.rfm} />}
            {profile.lifecycleStageChangedAt && (
              <Text size={2} color="default2">
                Stage since {formatDate(profile.lifecycleStageChangedAt, locale)}
              </Text>
            )}
          </Box>
          <Box display="grid" gap={5} __gridTemplateColumns="repeat(auto-fit, minmax(140px, 1fr))">
            <Stat
              label="Total spent"
              value={formatMoney(profile.totalSpent, locale)}
              hint={formatUnconverted(profile.unconvertedSpend, locale)}
            />
            <Stat label="Average order" value={formatMoney(profile.averageOrderValue, locale)} />
            <Stat label="Orders" value={formatNumber(profile.ordersCount, locale)} />
            <Stat
              label="First order"
              value={formatDate(profile.firstOrderAt, locale)}
              hint={profile.firstOrderAt ? formatRelative(profile.firstOrderAt, now, locale) : undefined}
            />
            <Stat
              label="Last order"
              value={formatDate(profile.lastOrderAt, locale)}
              hint={profile.lastOrderAt ? formatRelative(profile.lastOrderAt, now, locale) : undefined}
            />
            <Stat
              label="Customer since"
              value={formatDate(profile.accountCreatedAt ?? profile.firstSeenAt, locale)}
              hint={profile.accountCreatedAt ? "Account created" : "First seen"}
            />
          </Box>
          <Box display="flex" flexWrap="wrap" gap={5}>
            <Detail label="Location" value={place || EMPTY} />
            <Detail label="Language" value={profile.languageCode || EMPTY} />
            <Detail label="Channels" value={profile.channels?.join(", ") || EMPTY} />
            <Detail label="Last checkout" value={formatDate(profile.lastCheckoutAt, locale)} />
          </Box>
        </Card>

        <Box display="grid" gap={4} __gridTemplateColumns="minmax(0, 2fr) minmax(280px, 1fr)">
          <Box display="flex" flexDirection="column" gap={4} __minWidth="0">
            <Card title="Orders" subtitle={profile.orders?.totalCount != null ? `${profile.orders.totalCount} in total` : undefined}>
              {profile.orders ? (
                <OrdersList profileId={profile.id} initial={profile.orders} />
              ) : (
                <Text size={3} color="default2">
                  {NEEDS_MANAGE_ORDERS}
                </Text>
              )}
            </Card>
            <Card title="Tickets">
              <CustomerTickets profileId={profile.id} onOpen={(ticket) => navigate(appPaths.ticket(ticket.id))} />
            </Card>
            <Card title="Timeline">
              <Timeline profileId={profile.id} />
            </Card>
          </Box>
          <Box display="flex" flexDirection="column" gap={4} __minWidth="0">
            {!profile.isErased && (
              <Card title="Marketing consent" subtitle="Campaigns go only to subscribed customers">
                <ConsentControl profileId={profile.id} />
              </Card>
            )}
            <Card title="Tags and note" subtitle={profile.isErased ? "Personal data erased" : "Visible to staff only"}>
              <TagsNoteEditor
                profileId={profile.id}
                tags={profile.tags}
                note={profile.note}
                disabled={profile.isErased}
                onSaved={onSaved}
              />
            </Card>
            <Card title="Spend by currency">
              {!profile.spendByCurrency || profile.spendByCurrency.length === 0 ? (
                <Text size={3} color="default2">
                  {profile.spendByCurrency ? "No paid orders yet." : NEEDS_MANAGE_ORDERS}
                </Text>
              ) : (
                <Box display="flex" flexDirection="column" gap={3}>
                  {profile.spendByCurrency.map((row) => (
                    <Box key={row.currency} display="flex" justifyContent="space-between" gap={3}>
                      <Box display="flex" flexDirection="column">
                        <Text size={3} fontWeight="medium">
                          {row.currency}
                        </Text>
                        <Text size={2} color="default2">
                          {row.ordersCount} {row.ordersCount === 1 ? "order" : "orders"} · avg{" "}
                          {formatMoney(row.averageOrderValue, locale)}
                        </Text>
                      </Box>
                      <Text size={4} fontWeight="bold" whiteSpace="nowrap">
                        {formatMoney(row.totalSpent, locale)}
                      </Text>
                    </Box>
                  ))}
                </Box>
              )}
            </Card>
            <Card title="Favourite products">
              <FavouriteList
                items={profile.favouriteProducts ?? []}
                empty={profile.favouriteProducts ? "No products bought yet." : NEEDS_MANAGE_ORDERS}
              />
            </Card>
            <Card title="Favourite categories">
              <FavouriteList
                items={profile.favouriteCategories ?? []}
                empty={profile.favouriteCategories ? "No categories yet." : NEEDS_MANAGE_ORDERS}
              />
            </Card>
            <ProfileReads profileId={profile.id} />
          </Box>
        </Box>
      </Box>
    </Box>
  );
}

function Detail({ label, value }: { label: string; value: string }) {
  return (
    <Box display="flex" flexDirection="column" gap={0.5}>
      <Text size={2} color="default2">
        {label}
      </Text>
      <Text size={3}>{value}</Text>
    </Box>
  );
}

export function FavouriteList({ items, empty, max = 5 }: { items: Favourite[]; empty: string; max?: number }) {
  if (!items.length) {
    return (
      <Text size={3} color="default2">
        {empty}
      </Text>
    );
  }
  const top = items.slice(0, max);
  const most = Math.max(...top.map((item) => item.quantity), 1);
  return (
    <Box as="ol" display="flex" flexDirection="column" gap={2} margin={0} padding={0}>
      {top.map((item) => (
        <Box as="li" key={item.id} display="flex" flexDirection="column" gap={1}>
          <Box display="flex" justifyContent="space-between" gap={2}>
            <Text size={3} ellipsis>
              {item.name}
            </Text>
            <Text size={2} color="default2" whiteSpace="nowrap">
              {item.quantity} {item.quantity === 1 ? "unit" : "units"}
            </Text>
          </Box>
          <Box backgroundColor="default1Hovered" borderRadius={2} __height="4px">
            <Box backgroundColor="accent1" borderRadius={2} height="100%" __width={`${(item.quantity / most) * 100}%`} />
          </Box>
        </Box>
      ))}
    </Box>
  );
}

function ProfileSkeleton({ onBack }: { onBack: () => void }) {
  return (
    <Box>
      <PageHeader title={<Box __width="240px"><LinesSkeleton lines={1} /></Box>} onBack={onBack} backLabel="Back to customers" />
      <Box padding={6} display="flex" flexDirection="column" gap={4}>
        <Card>
          <LinesSkeleton lines={4} />
        </Card>
        <Box display="grid" gap={4} __gridTemplateColumns="minmax(0, 2fr) minmax(280px, 1fr)">
          <Card>
            <LinesSkeleton lines={8} />
          </Card>
          <Card>
            <LinesSkeleton lines={5} />
          </Card>
        </Box>
      </Box>
    </Box>
  );
}
