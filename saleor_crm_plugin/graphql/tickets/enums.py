import graphene

from ...tickets import error_codes
from ...tickets.models import (
    TicketAuthorKind,
    TicketMessageKind,
    TicketPriority,
    TicketRefundStatus,
    TicketStatus,
)
from ..core.enums import enum_from_choices

TicketStatusEnum = enum_from_choices(
    "TicketStatusEnum",
    TicketStatus,
    "Where a ticket stands.",
    {
        TicketStatus.NEW: "Opened, nobody has answered yet.",
        TicketStatus.OPEN: "Being worked on, or the customer wrote again.",
        TicketStatus.PENDING: "Answered; waiting for the customer.",
        TicketStatus.ON_HOLD: "Waiting on something else (a supplier, a carrier).",
        TicketStatus.SOLVED: "Solved; reopens if the customer writes again.",
        TicketStatus.CLOSED: "Closed for good.",
    },
)
TicketPriorityEnum = enum_from_choices("TicketPriorityEnum", TicketPriority, "Ticket priority.")
TicketMessageKindEnum = enum_from_choices(
    "TicketMessageKindEnum",
    TicketMessageKind,
    "Public replies reach the customer; notes are for staff only.",
)
TicketAuthorKindEnum = enum_from_choices(
    "TicketAuthorKindEnum", TicketAuthorKind, "Who wrote a ticket message."
)
TicketRefundStatusEnum = enum_from_choices(
    "TicketRefundStatusEnum",
    TicketRefundStatus,
    "What the CRM knows of a refund it asked Saleor for.",
    {
        TicketRefundStatus.REQUESTED: (
            "Recorded, and Saleor asked; no outcome recorded yet (in flight, or Saleor's "
            "answer could not be recorded: check the order in Saleor)."
        ),
        TicketRefundStatus.STARTED: "Saleor started it (see `storeStatus`).",
        TicketRefundStatus.FAILED: "Saleor refused it and refunded nothing (see `storeErrors`).",
    },
)


class TicketSortField(graphene.Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    NUMBER = "number"
    RESOLUTION_DUE_AT = "resolution_due_at"

    class Meta:
        description = "Fields tickets can be sorted by."

    @property
    def description(self):
        return {
            "created_at": "When the ticket was opened.",
            "updated_at": "Last activity.",
            "number": "Ticket number.",
            "resolution_due_at": "Resolution deadline (tickets without one last).",
        }[self.value]


TicketErrorCode = graphene.Enum.from_enum(
    error_codes.TicketErrorCode, description="Error codes of help desk mutations."
)
