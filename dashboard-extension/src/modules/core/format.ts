/** Formatting for money, numbers and dates; every function accepts missing values. */

export interface Money {
  amount: number;
  currency: string;
}

export const EMPTY = "—";

export function formatMoney(money: Money | null | undefined, locale?: string): string {
  if (!money || !Number.isFinite(money.amount)) return EMPTY;
  try {
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency: money.currency,
      maximumFractionDigits: 2,
      minimumFractionDigits: 2,
    }).format(money.amount);
  } catch {
    // Not an ISO 4217 code Intl knows: show the amount and the code as sent.
    return `${formatNumber(money.amount, locale, 2)} ${money.currency}`;
  }
}

/** Short money for charts and tight spaces: "€1.2K". */
export function formatCompactMoney(money: Money | null | undefined, locale?: string): string {
  if (!money || !Number.isFinite(money.amount)) return EMPTY;
  try {
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency: money.currency,
      notation: "compact",
      maximumFractionDigits: 1,
    }).format(money.amount);
  } catch {
    return formatMoney(money, locale);
  }
}

export function formatNumber(
  value: number | null | undefined,
  locale?: string,
  fractionDigits = 0,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(value);
}

function toDate(value: string | Date | null | undefined): Date | undefined {
  if (!value) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function formatDate(value: string | Date | null | undefined, locale?: string): string {
  const date = toDate(value);
  if (!date) return EMPTY;
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric" }).format(
    date,
  );
}

export function formatDateTime(value: string | Date | null | undefined, locale?: string): string {
  const date = toDate(value);
  if (!date) return EMPTY;
  return new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
}

/** "Nov 2026" for chart axes. */
export function formatMonth(value: string | Date | null | undefined, locale?: string): string {
  const date = toDate(value);
  if (!date) return EMPTY;
  return new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" }).format(
    date,
  );
}

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 days ago", "in 2 hours", "just now". */
export function formatRelative(
  value: string | Date | null | undefined,
  now: Date = new Date(),
  locale?: string,
): string {
  const date = toDate(value);
  if (!date) return EMPTY;
  const seconds = (date.getTime() - now.getTime()) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.trunc(seconds / size), unit);
    }
  }
  return "just now";
}

/** Display name of an ISO country code, falling back to the code. */
export function formatCountry(code: string | null | undefined, locale?: string): string {
  if (!code) return EMPTY;
  try {
    const names = new Intl.DisplayNames(locale ? [locale] : undefined, { type: "region" });
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** "Anna Kowalska", or the email when the profile has no name. */
export function displayName(profile: {
  firstName?: string | null;
  lastName?: string | null;
  email: string;
}): string {
  const name = [profile.firstName, profile.lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(" ");
  return name || profile.email;
}

/**
 * Spend the reporting currency has no rate for, as a hint beside a total:
 * "+ PLN 120.00 not converted" (undefined when there is none).
 */
export function formatUnconverted(spend: Money[] | null | undefined, locale?: string): string | undefined {
  if (!spend?.length) return undefined;
  return `+ ${spend.map((money) => formatMoney(money, locale)).join(", ")} not converted`;
}
