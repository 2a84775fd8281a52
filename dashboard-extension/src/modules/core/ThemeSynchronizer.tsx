import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useTheme } from "@saleor/macaw-ui";
import { useEffect } from "react";

/** Follows the Dashboard's light/dark theme (initial `?theme=` and later `theme` events). */
export function ThemeSynchronizer() {
  const { appBridgeState } = useAppBridge();
  const { theme, setTheme } = useTheme();
  const wanted =
    appBridgeState?.theme === "dark"
      ? "defaultDark"
      : appBridgeState?.theme === "light"
        ? "defaultLight"
        : undefined;
  useEffect(() => {
    if (wanted && wanted !== theme) setTheme(wanted);
  }, [wanted, theme, setTheme]);
  return null;
}
