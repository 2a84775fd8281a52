import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { displayName } from "../../core/format";
import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { Tabs } from "../../core/ui/Tabs";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { CustomerTickets } from "../../tickets/widgets/CustomerTickets";
import { LogInteractionForm } from "../../tickets/widgets/LogInteractionForm";
import { NewTicketForm } from "../../tickets/widgets/NewTicketForm";
import { ticketSubPath, useOpenInApp } from "../../tickets/widgets/open-in-app";
import type { TicketSummary } from "../../tickets/graphql/types";
import { CustomerProfileByUser, CustomerProfileOrders } from "../graphql/documents";
import { TagsNoteEditor } from "../profile/TagsNoteEditor";
import { ProfileSnapshot } from "./ProfileSnapshot";

type Action = "interaction" | "ticket" | "notes";

/**
 * CUSTOMER_DETAILS_MORE_ACTIONS popup ("Log interaction / open ticket"):
 * log a contact, open a ticket, or edit tags and note without leaving the page.
 */
export function CustomerActionsPopup() {
  const { params, dashboard } = useCrm();
  const userId = params.get("customerId") ?? "";
  const { data, error, loading, refetch } = useCrmQuery(CustomerProfileByUser, { userId }, { skip: !userId });
  const [saved, setSaved] = useState<{ tags: string[]; note: string }>();
  const [action, setAction] = useState<Action>("interaction");
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
          <Box borderBottomWidth={1} borderBottomStyle="solid" borderColor="default1">
            <Tabs
              value={action}
              onChange={setAction}
              items={[
                { value: "interaction", label: "Log interaction" },
                { value: "ticket", label: "Open ticket" },
                { value: "notes", label: "Tags and note" },
              ]}
            />
          </Box>
          {profile.isErased ? (
            <Text size={3} color="default2">
              This customer's personal data was erased.
            </Text>
          ) : action === "interaction" ? (
            <PopupInteraction profileId={profile.id} email={profile.email} />
          ) : action === "ticket" ? (
            <PopupTicket profileId={profile.id} email={profile.email} />
          ) : (
            <TagsNoteEditor
              profileId={profile.id}
              tags={profile.tags}
              note={profile.note}
              disabled={profile.isErased}
              onSaved={(next) => setSaved({ tags: next.tags, note: next.note })}
            />
          )}
        </>
      ) : (
        <Text size={3} color="default2">
          No CRM profile for this customer yet.
        </Text>
      )}
    </Box>
  );
}

/** The customer's recent orders, to link a contact or ticket to; none on failure. */
function useRecentOrders(profileId: string) {
  const { data } = useCrmQuery(CustomerProfileOrders, { id: profileId });
  // None without MANAGE_ORDERS: the forms then offer no order to link.
  return data?.customerProfile?.orders?.edges.map((edge) => edge.node) ?? [];
}

function PopupInteraction({ profileId, email }: { profileId: string; email: string }) {
  const orders = useRecentOrders(profileId);
  return <LogInteractionForm customerEmail={email} orders={orders} />;
}

function PopupTicket({ profileId, email }: { profileId: string; email: string }) {
  const orders = useRecentOrders(profileId);
  const openInApp = useOpenInApp();
  const [created, setCreated] = useState<TicketSummary>();
  const [formKey, setFormKey] = useState(0);
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      {created && (
        <Box display="flex" gap={2} alignItems="center" padding={3} borderRadius={4} backgroundColor="success1">
          <Text size={3}>Ticket #{created.number} opened.</Text>
          <Button variant="tertiary" size="small" onClick={() => openInApp(ticketSubPath(created.id))}>
            View it
          </Button>
        </Box>
      )}
      <NewTicketForm
        key={formKey}
        customerEmail={email}
        orders={orders}
        onCreated={(ticket) => {
          setCreated(ticket);
          setFormKey((key) => key + 1);
        }}
      />
      <Box display="flex" flexDirection="column" gap={2}>
        <Text as="h2" size={4} fontWeight="bold">
          Recent tickets
        </Text>
        <CustomerTickets
          key={created?.id ?? "initial"}
          profileId={profileId}
          pageable={false}
          onOpen={(ticket) => openInApp(ticketSubPath(ticket.id))}
        />
      </Box>
    </Box>
  );
}
