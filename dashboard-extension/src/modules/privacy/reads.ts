import { jwtClaims } from "../core/token-store";
import type { ProfileRead } from "./graphql/types";

/** The Saleor permission the read audit needs. */
export const AUDIT_PERMISSION = "MANAGE_STAFF";

/**
 * Whether the token lets its holder read the audit: Dashboard tokens list
 * their permissions (the staff member's, narrowed to the App's). `undefined`
 * when the token does not say: then the CRM is asked, and answers with a
 * denied field for staff without the permission.
 */
export function tokenMayReadAudit(token: string | undefined): boolean | undefined {
  const permissions = jwtClaims(token)?.permissions;
  if (!Array.isArray(permissions)) return undefined;
  return permissions.includes(AUDIT_PERMISSION);
}

/** Who read the profile, for one line of the audit. */
export function readerLabel(read: ProfileRead): string {
  switch (read.readerKind) {
    case "STAFF": {
      const name = read.userName ?? read.userEmail;
      if (!name) return "A former staff member";
      return read.userName && read.userEmail ? `${read.userName} (${read.userEmail})` : name;
    }
    case "APP":
      return "An app";
    case "COMMAND":
      return `Server command (${read.systemUser ?? "unknown user"})`;
  }
}

export function actionLabel(read: ProfileRead): string {
  return read.kind === "EXPORT" ? "Exported the customer's data" : "Opened the profile";
}
