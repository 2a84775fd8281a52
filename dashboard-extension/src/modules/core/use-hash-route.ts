import { useCallback, useEffect, useState } from "react";

import { parseLaunchLocation } from "./launch-params";

/**
 * The current hash route path. Navigating keeps the hash's query string, so
 * the Dashboard's launch parameters survive a reload of the iframe.
 */
export function useHashRoute(): [string, (path: string) => void] {
  const read = () => parseLaunchLocation("", window.location.hash).path;
  const [path, setPath] = useState(read);

  useEffect(() => {
    const onChange = () => setPath(read());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);

  const navigate = useCallback((next: string) => {
    const hash = window.location.hash;
    const query = hash.includes("?") ? hash.slice(hash.indexOf("?")) : "";
    window.location.hash = `#${next}${query}`;
    window.scrollTo?.(0, 0);
  }, []);

  return [path, navigate];
}
