import { useEffect, useRef } from "react";

/**
 * Calls `callback` every `intervalMs` while the page is visible. A hidden
 * page (the Dashboard's tab in the background) asks nothing; when it shows
 * again after at least one interval, `callback` runs at once.
 */
export function useVisibleInterval(callback: () => void, intervalMs: number, enabled = true): void {
  const callbackRef = useRef(callback);
  callbackRef.current = callback;

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setInterval> | undefined;
    let last = Date.now();
    const tick = () => {
      last = Date.now();
      callbackRef.current();
    };
    const start = () => {
      timer ??= setInterval(tick, intervalMs);
    };
    const stop = () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === "hidden") {
        stop();
        return;
      }
      if (Date.now() - last >= intervalMs) tick();
      start();
    };
    if (document.visibilityState !== "hidden") start();
    document.addEventListener("visibilitychange", onVisibilityChange);
    return () => {
      stop();
      document.removeEventListener("visibilitychange", onVisibilityChange);
    };
  }, [intervalMs, enabled]);
}
