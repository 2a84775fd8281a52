import { renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { useVisibleInterval } from "./use-visible-interval";

let visibility: DocumentVisibilityState = "visible";

function setVisibility(state: DocumentVisibilityState) {
  visibility = state;
  document.dispatchEvent(new Event("visibilitychange"));
}

describe("useVisibleInterval", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    visibility = "visible";
    vi.spyOn(document, "visibilityState", "get").mockImplementation(() => visibility);
  });
  afterEach(() => vi.useRealTimers());

  it("calls back every interval while visible", () => {
    const callback = vi.fn();
    renderHook(() => useVisibleInterval(callback, 30_000));
    vi.advanceTimersByTime(29_999);
    expect(callback).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(callback).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(callback).toHaveBeenCalledTimes(3);
  });

  it("pauses while hidden and catches up at once when shown after an interval", () => {
    const callback = vi.fn();
    renderHook(() => useVisibleInterval(callback, 30_000));
    vi.advanceTimersByTime(10_000);
    setVisibility("hidden");
    vi.advanceTimersByTime(120_000);
    expect(callback).not.toHaveBeenCalled();
    setVisibility("visible");
    expect(callback).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30_000);
    expect(callback).toHaveBeenCalledTimes(2);
  });

  it("does not call back early when hidden only briefly", () => {
    const callback = vi.fn();
    renderHook(() => useVisibleInterval(callback, 30_000));
    vi.advanceTimersByTime(5_000);
    setVisibility("hidden");
    setVisibility("visible");
    expect(callback).not.toHaveBeenCalled();
  });

  it("stops when disabled or unmounted", () => {
    const callback = vi.fn();
    const { rerender, unmount } = renderHook(({ enabled }) => useVisibleInterval(callback, 1_000, enabled), {
      initialProps: { enabled: true },
    });
    vi.advanceTimersByTime(1_000);
    rerender({ enabled: false });
    vi.advanceTimersByTime(5_000);
    expect(callback).toHaveBeenCalledTimes(1);
    rerender({ enabled: true });
    unmount();
    vi.advanceTimersByTime(5_000);
    expect(callback).toHaveBeenCalledTimes(1);
  });
});
