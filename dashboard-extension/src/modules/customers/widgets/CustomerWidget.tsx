import { Box, Text } from "@saleor/macaw-ui";

import { displayName } from "../../core/format";

import { ErrorState, LinesSkeleton } from "../../core/ui/States";
import { useCrm, useCrmQuery } from "../../core/use-crm";
import { CustomerProfileByOrder, CustomerProfileByUser } from "../graphql/documents";
import { OrderTickets } from "../../tickets/widgets/OrderTickets";
import { ProfileSnapshot } from "./ProfileSnapshot";
import { WidgetFrame } from "./WidgetFrame";

/** CUSTOMER_DETAILS_WIDGETS: the CRM profile of the customer on screen. */
export function CustomerWidget() {
  const { params } = useCrm();
  const userId = params.get("customerId") ?? "";
  const { data, error, loading, refetch } = useCrmQuery(CustomerProfileByUser, { userId }, { skip: !userId });
  return (
    <WidgetFrame>
      {!userId ? (
        <MissingParam name="customerId" />
      ) : error && !loading ? (
        <ErrorState error={error} onRetry={refetch} compact />
      ) : !data ? (
        <LinesSkeleton lines={5} />
      ) : data.customerProfile ? (
        <ProfileSnapshot profile={data.customerProfile} />
      ) : (
        <Text size={3} color="default2">
          No CRM profile for this customer yet. It is created with their first checkout or order.
        </Text>
      )}
    </WidgetFrame>
  );
}

/** ORDER_DETAILS_WIDGETS: who placed this order, guest or not, and the tickets about it. */
export function OrderWidget() {
  const { params, dashboard } = useCrm();
  const orderId = params.get("orderId") ?? "";
  const { data, error, loading, refetch } = useCrmQuery(CustomerProfileByOrder, { orderId }, { skip: !orderId });
  const profile = data?.customerProfile;
  return (
    <WidgetFrame>
      {!orderId ? (
        <MissingParam name="orderId" />
      ) : error && !loading ? (
        <ErrorState error={error} onRetry={refetch} compact />
      ) : !data ? (
        <LinesSkeleton lines={5} />
      ) : profile ? (
        <>
          <Box display="flex" flexDirection="column">
            <Text size={4} fontWeight="bold" ellipsis>
              {displayName(profile)}
            </Text>
            {displayName(profile) !== profile.email && (
              <Text size={2} color="default2" ellipsis>
                {profile.email}
              </Text>
            )}
          </Box>
          <ProfileSnapshot
            profile={profile}
            footer={
              profile.user ? (
                <Text
                  as="a"
                  size={3}
                  color="accent1"
                  cursor="pointer"
                  onClick={() => void dashboard.openCustomer(profile.user!)}
                >
                  View customer
                </Text>
              ) : (
                <Text size={2} color="default2">
                  Guest checkout: {profile.email}
                </Text>
              )
            }
          />
        </>
      ) : (
        <Text size={3} color="default2">
          The CRM has not recorded this order yet.
        </Text>
      )}
      {orderId && data && (
        <Box borderTopWidth={1} borderTopStyle="solid" borderColor="default1" paddingTop={3}>
          <OrderTickets orderId={orderId} customerEmail={profile && !profile.isErased ? profile.email : undefined} />
        </Box>
      )}
    </WidgetFrame>
  );
}

function MissingParam({ name }: { name: string }) {
  return (
    <Text size={3} color="default2">
      The Dashboard did not pass <code>{name}</code>. Check the extension's mount.
    </Text>
  );
}
