import { useSyncExternalStore } from "react";

import type { HashRouter } from "./hash-router";

/** The route path the router shows, and how to move (see {@link HashRouter}). */
export function useHashRoute(router: HashRouter): [string, (path: string) => void] {
  const path = useSyncExternalStore(router.subscribe, () => router.path);
  return [path, router.navigate];
}
