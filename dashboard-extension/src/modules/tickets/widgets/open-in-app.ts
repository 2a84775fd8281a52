import { useCallback } from "react";

import { useCrm } from "../../core/use-crm";

/**
 * Opens a page of the CRM app page from a widget or popup: the Dashboard
 * navigates to the App with `subPath` (e.g. `/tickets/<id>`). Outside the
 * Dashboard, or when it does not say which App this is, the frame itself
 * moves there instead.
 */
export function useOpenInApp(): (subPath: string) => void {
  const { dashboard, navigate } = useCrm();
  return useCallback(
    (subPath: string) => {
      void dashboard.openAppPage(subPath).then((ok) => {
        if (!ok) navigate(`/app${subPath}`);
      });
    },
    [dashboard, navigate],
  );
}

/** The sub-path of a ticket's page, as `useOpenInApp` takes it. */
export function ticketSubPath(ticketId: string): string {
  return `/tickets/${encodeURIComponent(ticketId)}`;
}
