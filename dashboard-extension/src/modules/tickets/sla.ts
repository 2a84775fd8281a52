import { formatDateTime, formatRelative } from "../core/format";
import type { Tone } from "../customers/labels";
import type { TicketDetailsFields, TicketSummary } from "./graphql/types";

/** The server's `dueSoon` filter: an SLA target within the next two hours. */
export const DUE_SOON_MS = 2 * 60 * 60 * 1000;

export type SlaState = "breached" | "due-soon" | "on-track" | "met" | "none";

export interface SlaBadge {
  state: SlaState;
  label: string;
  tone: Tone;
  /** The next target still running, when there is one. */
  dueAt?: string;
  target?: "first-response" | "resolution";
  /** Longer wording for a tooltip. */
  detail: string;
}

type SlaFields = Pick<
  TicketSummary,
  | "status"
  | "isBreached"
  | "firstResponseAt"
  | "firstResponseDueAt"
  | "resolutionDueAt"
  | "solvedAt"
  | "closedAt"
>;

const TARGET_NAMES = { "first-response": "First reply", resolution: "Resolution" } as const;

function time(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

function isDone(ticket: Pick<TicketSummary, "status">): boolean {
  return ticket.status === "SOLVED" || ticket.status === "CLOSED";
}

/** The earliest SLA target the ticket still has to meet. */
export function nextTarget(
  ticket: SlaFields,
): { target: "first-response" | "resolution"; dueAt: string } | undefined {
  if (isDone(ticket)) return undefined;
  const candidates: Array<{ target: "first-response" | "resolution"; dueAt: string }> = [];
  if (!ticket.firstResponseAt && ticket.firstResponseDueAt) {
    candidates.push({ target: "first-response", dueAt: ticket.firstResponseDueAt });
  }
  if (ticket.resolutionDueAt) candidates.push({ target: "resolution", dueAt: ticket.resolutionDueAt });
  return candidates
    .filter((candidate) => time(candidate.dueAt) !== undefined)
    .sort((a, b) => (time(a.dueAt) ?? 0) - (time(b.dueAt) ?? 0))[0];
}

/**
 * The SLA badge of a ticket: missed (the server found a target missed, or
 * one has passed since), due within two hours, running, met, or no SLA.
 */
export function slaBadge(ticket: SlaFields, now: Date = new Date(), locale?: string): SlaBadge {
  const hadTargets = Boolean(ticket.firstResponseDueAt || ticket.resolutionDueAt);
  const late = (doneAt: string | null, dueAt: string | null) => {
    const done = time(doneAt);
    const due = time(dueAt);
    return done !== undefined && due !== undefined && done > due;
  };
  if (
    ticket.isBreached ||
    late(ticket.firstResponseAt, ticket.firstResponseDueAt) ||
    late(ticket.solvedAt, ticket.resolutionDueAt)
  ) {
    return { state: "breached", label: "SLA breached", tone: "critical1", detail: "An SLA target was missed." };
  }
  if (isDone(ticket)) {
    return hadTargets
      ? { state: "met", label: "SLA met", tone: "success1", detail: "Every SLA target was met." }
      : { state: "none", label: "No SLA", tone: "default", detail: "No SLA targets for this priority." };
  }
  const next = nextTarget(ticket);
  if (!next) {
    return { state: "none", label: "No SLA", tone: "default", detail: "No SLA targets for this priority." };
  }
  const due = time(next.dueAt) ?? 0;
  const name = TARGET_NAMES[next.target];
  const when = formatDateTime(next.dueAt, locale);
  if (due <= now.getTime()) {
    return {
      state: "breached",
      label: "Overdue",
      tone: "critical1",
      dueAt: next.dueAt,
      target: next.target,
      detail: `${name} was due ${when}.`,
    };
  }
  const relative = formatRelative(next.dueAt, now, locale);
  if (due - now.getTime() <= DUE_SOON_MS) {
    return {
      state: "due-soon",
      label: `Due ${relative}`,
      tone: "warning1",
      dueAt: next.dueAt,
      target: next.target,
      detail: `${name} due ${when}.`,
    };
  }
  return {
    state: "on-track",
    label: `Due ${relative}`,
    tone: "default",
    dueAt: next.dueAt,
    target: next.target,
    detail: `${name} due ${when}.`,
  };
}

export type TargetState = "met" | "missed" | "overdue" | "due-soon" | "running" | "none";

export interface SlaTarget {
  name: string;
  state: TargetState;
  dueAt: string | null;
  /** When it was met (first reply sent, ticket solved). */
  doneAt: string | null;
  /** When the server recorded the miss. */
  breachedAt: string | null;
}

/** Both SLA targets of a ticket for the SLA panel. */
export function slaTargets(
  ticket: Pick<
    TicketDetailsFields,
    | "status"
    | "firstResponseAt"
    | "firstResponseDueAt"
    | "firstResponseBreachedAt"
    | "resolutionDueAt"
    | "resolutionBreachedAt"
    | "solvedAt"
    | "closedAt"
  >,
  now: Date = new Date(),
): SlaTarget[] {
  const state = (
    dueAt: string | null,
    doneAt: string | null,
    breachedAt: string | null,
    stopped: boolean,
  ): TargetState => {
    const due = time(dueAt);
    const done = time(doneAt);
    if (breachedAt) return "missed";
    if (due === undefined) return "none";
    if (done !== undefined) return done <= due ? "met" : "missed";
    if (stopped) return "none";
    if (due <= now.getTime()) return "overdue";
    return due - now.getTime() <= DUE_SOON_MS ? "due-soon" : "running";
  };
  const stopped = isDone(ticket);
  // Solving is the resolution; a ticket closed without being solved stops the clock.
  const resolvedAt = ticket.solvedAt ?? null;
  return [
    {
      name: "First reply",
      state: state(ticket.firstResponseDueAt, ticket.firstResponseAt, ticket.firstResponseBreachedAt, stopped),
      dueAt: ticket.firstResponseDueAt,
      doneAt: ticket.firstResponseAt,
      breachedAt: ticket.firstResponseBreachedAt,
    },
    {
      name: "Resolution",
      state: state(ticket.resolutionDueAt, resolvedAt, ticket.resolutionBreachedAt, stopped),
      dueAt: ticket.resolutionDueAt,
      doneAt: resolvedAt,
      breachedAt: ticket.resolutionBreachedAt,
    },
  ];
}

export const TARGET_STATE_LABELS: Record<TargetState, { label: string; tone: Tone }> = {
  met: { label: "Met", tone: "success1" },
  missed: { label: "Missed", tone: "critical1" },
  overdue: { label: "Overdue", tone: "critical1" },
  "due-soon": { label: "Due soon", tone: "warning1" },
  running: { label: "Running", tone: "default" },
  none: { label: "No target", tone: "default" },
};
