import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { displayName } from "../../core/format";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { CustomerProfileByUser } from "../graphql/documents";
import { TagsNoteEditor } from "../profile/TagsNoteEditor";
import { ProfileSnapshot } from "./ProfileSnapshot";

/** CUSTOMER_DETAILS_MORE_ACTIONS popup: tag the customer or leave a note without leaving the page. */
export function CustomerActionsPopup() {
  const { params, dashboard } = useCrm();
  const userId = params.get("customerId") ?? "";
  const { data, error, loading, refetch } = useCrmQuery(CustomerProfileByUser, { userId }, { skip: !userId });
  const [saved, setSaved] = useState<{ tags: string[]; note: string }>();
  const profile = data?.customerProfile ? { ...data.customerProfile, ...saved } : data?.customerProfile;

  return (
    <Box padding={6} display="flex" flexDirection="column" gap={5}>
      <Box display="flex" justifyContent="space-between" alignItems="center">
        <Text as="h1" size={7} fontWeight="bold">
          {profile ? displayName(profile) : "CRM profile"}
        </Text>
        <Button variant="tertiary" size="small" onClick={() => void dashboard.closePopup()}>
          Close
        </Button>
      </Box>
      {!userId ? (
        <Text size={3} color="default2">
          Open this from a customer's page in the Dashboard.
        </Text>
      ) : error && !loading ? (
        <ErrorState error={error} onRetry={refetch} />
      ) : !data ? (
        <LinesSkeleton lines={6} />
      ) : profile ? (
        <>
          <ProfileSnapshot profile={profile} showStaffNotes={false} />
          <Text as="h2" size={5} fontWeight="bold">
            Tags and note
          </Text>
          <TagsNoteEditor
            profileId={profile.id}
            tags={profile.tags}
            note={profile.note}
            disabled={profile.isErased}
            onSaved={(next) => setSaved({ tags: next.tags, note: next.note })}
          />
        </>
      ) : (
        <Text size={3} color="default2">
          No CRM profile for this customer yet.
        </Text>
      )}
    </Box>
  );
}
