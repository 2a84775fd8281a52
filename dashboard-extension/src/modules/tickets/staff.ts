import { useEffect, useState } from "react";

import { CrmApiError, type CrmClient } from "../core/graphql-client";
import { useCrm } from "../core/use-crm";
import { StaffUsers } from "./graphql/documents";
import type { StaffUser } from "./graphql/types";

/** Whether `id` is a Saleor `User` global ID (base64 of "User:<pk>"). */
export function isUserGlobalId(id: string | null | undefined): id is string {
  if (!id) return false;
  try {
    return /^User:.+/.test(atob(id));
  } catch {
    return false;
  }
}

/** "Anna Nowak", or the email when Saleor has no name. */
export function staffName(user: Pick<StaffUser, "firstName" | "lastName" | "email">): string {
  const name = [user.firstName, user.lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(" ");
  return name || user.email;
}

/** What to show for a staff member we have no name for: "Staff #1597". */
export function staffFallbackLabel(id: string): string {
  try {
    const decoded = atob(id);
    if (decoded.startsWith("User:")) {
      const pk = decoded.slice("User:".length);
      return `Staff #${pk.length > 8 ? `${pk.slice(0, 8)}…` : pk}`;
    }
  } catch {
    // not base64: fall through
  }
  return id.length > 12 ? `${id.slice(0, 12)}…` : id;
}

export type StaffUnavailableReason = "permission" | "error" | "no-api";

export interface StaffLookup {
  users: StaffUser[];
  /** Why there are no names: no MANAGE_STAFF, Saleor's API failed, or no API URL. */
  unavailable?: StaffUnavailableReason;
}

/** Saleor's staff list, once per Saleor client (it rarely changes while a page is open). */
const lookups = new WeakMap<object, Promise<StaffLookup>>();

export function loadStaff(saleor: Pick<CrmClient, "request"> | undefined): Promise<StaffLookup> {
  if (!saleor) return Promise.resolve({ users: [], unavailable: "no-api" });
  const cached = lookups.get(saleor);
  if (cached) return cached;
  const lookup = saleor.request(StaffUsers, {}).then(
    (data): StaffLookup =>
      data.staffUsers
        ? { users: data.staffUsers.edges.map((edge) => edge.node) }
        : { users: [], unavailable: "permission" },
    (error: unknown): StaffLookup => {
      if (error instanceof CrmApiError && error.kind === "permission-denied") {
        return { users: [], unavailable: "permission" };
      }
      // A passing failure: ask again next time.
      lookups.delete(saleor);
      return { users: [], unavailable: "error" };
    },
  );
  lookups.set(saleor, lookup);
  return lookup;
}

export interface StaffDirectory {
  /** Saleor's staff list is on its way. */
  loading: boolean;
  /** The token has not been read yet. */
  meLoading: boolean;
  users: StaffUser[];
  unavailable?: StaffUnavailableReason;
  /** The signed-in staff member's Saleor User ID, when the token has a usable one. */
  me: string | undefined;
  /** A name for a Saleor User ID: the staff member's name, "You", or a short ID. */
  nameOf: (id: string | null | undefined) => string;
  /** Whether `nameOf(id)` is a real name rather than a short ID. */
  knows: (id: string | null | undefined) => boolean;
}

export function staffDirectory(
  users: StaffUser[],
  me: string | undefined,
  state: { loading: boolean; meLoading?: boolean; unavailable?: StaffUnavailableReason },
): StaffDirectory {
  const byId = new Map(users.map((user) => [user.id, user]));
  return {
    ...state,
    meLoading: state.meLoading ?? false,
    users,
    me,
    nameOf: (id) => {
      if (!id) return "Unassigned";
      const user = byId.get(id);
      if (user) return id === me ? `${staffName(user)} (you)` : staffName(user);
      return id === me ? "You" : staffFallbackLabel(id);
    },
    knows: (id) => Boolean(id && (byId.has(id) || id === me)),
  };
}

/** Staff names from Saleor (when allowed) and who is signed in. */
export function useStaffDirectory(): StaffDirectory {
  const { saleor, currentUserId } = useCrm();
  const [lookup, setLookup] = useState<StaffLookup>();
  const [me, setMe] = useState<{ id: string | undefined }>();
  useEffect(() => {
    let live = true;
    void loadStaff(saleor).then((result) => {
      if (live) setLookup(result);
    });
    return () => {
      live = false;
    };
  }, [saleor]);
  // Who "me" is comes from the token alone: no need to wait for Saleor.
  useEffect(() => {
    let live = true;
    void currentUserId()
      .catch(() => undefined)
      .then((id) => {
        if (live) setMe({ id: isUserGlobalId(id) ? id : undefined });
      });
    return () => {
      live = false;
    };
  }, [currentUserId]);
  return staffDirectory(lookup?.users ?? [], me?.id, {
    loading: !lookup,
    meLoading: !me,
    unavailable: lookup?.unavailable,
  });
}
