/**
 * What the Dashboard tells the extension through its URL.
 *
 * The Dashboard builds an extension's iframe URL by joining the extension URL
 * with `?domain&saleorApiUrl&id&theme&customerId…`. Our extension URLs carry
 * a hash route (`…/dashboard/#/widget/customer`), so the joined query string
 * lands *inside* the hash. We read both places; the hash wins.
 */
export interface LaunchLocation {
  /** Route path inside the extension, e.g. `/app/customers`. */
  path: string;
  /** Query parameters from the page URL and the hash, merged. */
  params: URLSearchParams;
}

export const DEFAULT_PATH = "/app/customers";

export function parseLaunchLocation(search: string, hash: string): LaunchLocation {
  const params = new URLSearchParams(search);
  // An app page registered with an absolute URL (before crm_install_dashboard
  // made it relative) gets the whole extension URL appended to the App URL:
  // `#/app/customers/https://…/dashboard/#/app/customers?…`. The last hash
  // route is the one meant.
  const lastHash = hash.lastIndexOf("#");
  const raw = lastHash === -1 ? hash : hash.slice(lastHash + 1);
  const questionMark = raw.indexOf("?");
  const hashPath = questionMark === -1 ? raw : raw.slice(0, questionMark);
  if (questionMark !== -1) {
    new URLSearchParams(raw.slice(questionMark + 1)).forEach((value, key) => {
      params.set(key, value);
    });
  }
  return { path: normalisePath(hashPath), params };
}

function normalisePath(path: string): string {
  const trimmed = path.trim();
  if (!trimmed || trimmed === "/") {
    return DEFAULT_PATH;
  }
  const withSlash = trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
  return withSlash.length > 1 && withSlash.endsWith("/") ? withSlash.slice(0, -1) : withSlash;
}

export type ThemeName = "light" | "dark";

export function themeFromParams(params: URLSearchParams): ThemeName | undefined {
  const theme = params.get("theme");
  return theme === "light" || theme === "dark" ? theme : undefined;
}
