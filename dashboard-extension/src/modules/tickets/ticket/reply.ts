import type { TicketStatus } from "../graphql/types";

/** What the reply box can do with the text. */
export type ReplyAction = "reply" | "reply-and-solve" | "note";

export interface ReplyErrors {
  body?: string;
  /** Errors about the ticket or the request as a whole. */
  form?: string;
}

/** Checks the reply box before sending; mirrors what the server refuses. */
export function validateReply(
  body: string,
  action: ReplyAction,
  ticket: { status: TicketStatus; mergedInto?: string | null },
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
