/** Result types of the privacy module's operations (see the `.graphql` files). */

export type ProfileReadKind = "VIEW" | "EXPORT";
export type ProfileReaderKind = "STAFF" | "APP" | "COMMAND";

export interface ProfileRead {
  id: string;
  kind: ProfileReadKind;
  readerKind: ProfileReaderKind;
  user: string | null;
  userEmail: string | null;
  userName: string | null;
  app: string | null;
  systemUser: string | null;
  readAt: string;
}

export interface ProfileReadsPage {
  totalCount: number | null;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: ProfileRead }[];
}

export interface CustomerProfileReadsData {
  customerProfile: {
    id: string;
    /** Null for staff without MANAGE_STAFF. */
    reads: ProfileReadsPage | null;
  } | null;
}

export interface CustomerProfileReadsVariables {
  id: string;
  after?: string | null;
}
