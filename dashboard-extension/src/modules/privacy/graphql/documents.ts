import { typedDocument } from "../../core/graphql-client";
import reads from "./customer-profile-reads.graphql?raw";
import type { CustomerProfileReadsData, CustomerProfileReadsVariables } from "./types";

export const CustomerProfileReads = typedDocument<
  CustomerProfileReadsData,
  CustomerProfileReadsVariables
>(reads);

export const allDocuments = { CustomerProfileReads };
