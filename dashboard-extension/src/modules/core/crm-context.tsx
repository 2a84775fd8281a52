import { createContext, type ReactNode } from "react";

import type { DashboardActions } from "./dashboard-bridge";
import type { CrmClient } from "./graphql-client";

export interface CrmContextValue {
  client: CrmClient;
  dashboard: DashboardActions;
  /** Params the Dashboard passed in the URL (customerId, orderId, id…). */
  params: URLSearchParams;
  /** The Dashboard user's locale, for formatting. */
  locale: string | undefined;
  /** Move inside the extension (hash route). */
  navigate: (path: string) => void;
  /**
   * Saleor's own GraphQL API with the same token (for staff names); absent
   * when the Dashboard did not pass `saleorApiUrl`.
   */
  saleor?: CrmClient;
  /** The signed-in staff member's Saleor User ID, read from the token. */
  currentUserId: () => Promise<string | undefined>;
}

export const CrmContext = createContext<CrmContextValue | null>(null);

export function CrmProvider({ value, children }: { value: CrmContextValue; children: ReactNode }) {
  return <CrmContext.Provider value={value}>{children}</CrmContext.Provider>;
}
