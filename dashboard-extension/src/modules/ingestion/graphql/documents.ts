import { typedDocument } from "../../core/graphql-client";
import crmEventBacklog from "./crm-event-backlog.graphql?raw";
import type { CrmEventBacklogData } from "./types";

export const CrmEventBacklog = typedDocument<CrmEventBacklogData, Record<string, never>>(
  crmEventBacklog,
);

export const allDocuments = { CrmEventBacklog };
