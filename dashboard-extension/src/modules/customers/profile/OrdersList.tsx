import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import { formatDate, formatMoney } from "../../core/format";
import { ErrorState } from "../../core/ui/States";
import { useCrm } from "../../core/use-crm";
import { ToneChip } from "../components";
import { CustomerProfileOrders } from "../graphql/documents";
import type { Connection, CustomerOrder } from "../graphql/types";
import { chargeStatusLabel, orderStatusLabel, orderStatusTone } from "../labels";

/** The customer's orders; each opens in the Dashboard's order page. */
export function OrdersList({ profileId, initial }: { profileId: string; initial: Connection<CustomerOrder> }) {
  const { client, dashboard, locale } = useCrm();
  const [orders, setOrders] = useState(() => initial.edges.map((edge) => edge.node));
  const [pageInfo, setPageInfo] = useState(initial.pageInfo);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    setOrders(initial.edges.map((edge) => edge.node));
    setPageInfo(initial.pageInfo);
  }, [initial]);

  const loadMore = async () => {
    setLoading(true);
    setError(undefined);
    try {
      const data = await client.request(CustomerProfileOrders, { id: profileId, after: pageInfo.endCursor });
      const page = data.customerProfile?.orders;
      if (page) {
        const seen = new Set(orders.map((order) => order.id));
        setOrders([...orders, ...page.edges.map((edge) => edge.node).filter((order) => !seen.has(order.id))]);
        setPageInfo(page.pageInfo);
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  };

  if (orders.length === 0) {
    return (
      <Text size={3} color="default2">
        No orders yet.
      </Text>
    );
  }

  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <Box as="table" width="100%" __borderCollapse="collapse">
        <Box as="thead">
          <Box as="tr" borderBottomWidth={1} borderBottomStyle="solid" borderColor="default1">
            {["Order", "Date", "Status", "Payment", "Total"].map((label, index) => (
              <Box as="th" key={label} paddingY={2} paddingX={2} textAlign={index === 4 ? "right" : "left"}>
                <Text size={2} color="default2" fontWeight="medium">
                  {label}
                </Text>
              </Box>
            ))}
          </Box>
        </Box>
        <Box as="tbody">
          {orders.map((order) => (
            <Box
              as="tr"
              key={order.id}
              borderBottomWidth={1}
              borderBottomStyle="solid"
              borderColor="default1"
              backgroundColor={{ default: "default1", hover: "default1Hovered" }}
            >
              <Box as="td" paddingY={2} paddingX={2}>
                <Box
                  as="button"
                  type="button"
                  onClick={() => void dashboard.openOrder(order.id)}
                  __backgroundColor="transparent"
                  borderWidth={0}
                  padding={0}
                  cursor="pointer"
                  title="Open the order in the Dashboard"
                >
                  <Text size={3} color="accent1" fontWeight="medium">
                    #{order.number}
                  </Text>
                </Box>
              </Box>
              <Box as="td" paddingY={2} paddingX={2}>
                <Text size={3} whiteSpace="nowrap">
                  {formatDate(order.placedAt, locale)}
                </Text>
              </Box>
              <Box as="td" paddingY={2} paddingX={2}>
                <ToneChip tone={orderStatusTone(order.status)}>{orderStatusLabel(order.status)}</ToneChip>
              </Box>
              <Box as="td" paddingY={2} paddingX={2}>
                <Text size={2} color="default2">
                  {chargeStatusLabel(order.chargeStatus)}
                </Text>
              </Box>
              <Box as="td" paddingY={2} paddingX={2} textAlign="right">
                <Text size={3} whiteSpace="nowrap" fontWeight="medium">
                  {formatMoney(order.total, locale)}
                </Text>
                {order.totalRefunded.amount > 0 && (
                  <Text size={2} color="default2" display="block" whiteSpace="nowrap">
                    {formatMoney(order.totalRefunded, locale)} refunded
                  </Text>
                )}
              </Box>
            </Box>
          ))}
        </Box>
      </Box>
      {error ? <ErrorState error={error} onRetry={() => void loadMore()} compact /> : null}
      {pageInfo.hasNextPage && !error && (
        <Box display="flex" justifyContent="center">
          <Button variant="secondary" size="small" disabled={loading} onClick={() => void loadMore()}>
            {loading ? "Loading…" : "Show more orders"}
          </Button>
        </Box>
      )}
    </Box>
  );
}
