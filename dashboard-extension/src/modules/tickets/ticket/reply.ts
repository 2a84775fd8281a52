import type { TicketStatus } from "../graphql/types";

/** What the reply box can do with the text. */
export type ReplyAction = "reply" | "reply-and-solve" | "note";

export interface ReplyErrors {
  body?: string;
  /** Errors about the ticket or the request as a whole. */
  form?: string;
}

/** Where erasure points an erased person's tickets (``erased-<id>@erased.invalid``). */
const ERASED_DOMAIN = "@erased.invalid";

/** The ticket's requester was erased: nobody reads replies, only notes can be added. */
export function isRequesterErased(ticket: {
  requesterEmail: string;
  customer?: { isErased: boolean } | null;
}): boolean {
  return Boolean(ticket.customer?.isErased) || ticket.requesterEmail.endsWith(ERASED_DOMAIN);
}

export const ERASED_HELP = "This customer's data was erased: there is nobody to reply to. Add an internal note instead.";

/** Checks the reply box before sending; mirrors what the server refuses. */
export function validateReply(
  body: string,
  action: ReplyAction,
  ticket: {
    status: TicketStatus;
    mergedInto?: string | null;
    requesterEmail?: string;
    customer?: { isErased: boolean } | null;
  },
): ReplyErrors {
  const errors: ReplyErrors = {};
  if (!body.trim()) {
    errors.body = action === "note" ? "Write the note first." : "Write a reply first.";
  }
  if (action !== "note") {
    if (ticket.status === "CLOSED") {
      errors.form = "This ticket is closed: the customer can't be answered here. Add a note or open a new ticket.";
    } else if (ticket.mergedInto) {
      errors.form = "This ticket was merged into another; answer there.";
    } else if (isRequesterErased({ requesterEmail: ticket.requesterEmail ?? "", customer: ticket.customer })) {
      errors.form = ERASED_HELP;
    }
  }
  return errors;
}

/** The status a reply leaves the ticket in (the server's default is pending). */
export function replyStatus(action: ReplyAction): TicketStatus | undefined {
  return action === "reply-and-solve" ? "SOLVED" : undefined;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };

/**
 * Plain text as the HTML the API takes: paragraphs at blank lines, line
 * breaks kept, everything escaped (the server sanitises again).
 */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${paragraph.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char).replace(/\n/g, "<br>")}</p>`)
    .join("");
}
