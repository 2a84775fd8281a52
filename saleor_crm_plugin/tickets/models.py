import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from ..interactions.models import InteractionChannel
from ..profiles.models import CustomerProfile


class TicketStatus(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending customer"
    ON_HOLD = "on_hold", "On hold"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


# Statuses in which the SLA clock runs and breaches can happen.
ACTIVE_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD)


class TicketPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class SLAPolicy(models.Model):
    """Targets for one priority, in calendar minutes from the ticket's
    creation.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    priority = models.CharField(max_length=8, choices=TicketPriority.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("priority",)


class Ticket(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.PositiveIntegerField(unique=True, editable=False)
    subject = models.CharField(max_length=255)
    status = models.CharField(max_length=8, choices=TicketStatus.choices, default=TicketStatus.NEW)
    priority = models.CharField(
        max_length=8, choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    channel = models.CharField(
        max_length=16, choices=InteractionChannel.choices, default=InteractionChannel.WEB_FORM
    )
    # None while the ticket is unverified: nobody has proven they read mail
    # at ``requester_email`` yet (a guest, an inbound email), so the ticket
    # belongs to no profile, above all to no registered customer's.
    profile = models.ForeignKey(
        CustomerProfile, null=True, blank=True, on_delete=models.CASCADE, related_name="tickets"
    )
    # Where replies go; the profile's email when the ticket was opened.
    requester_email = models.CharField(max_length=254)
    # When the requester proved the email: at once for signed-in customers
    # with a confirmed account and for staff-opened tickets; for guests when
    # they use the emailed link (or answer a reply sent to that address).
    verified_at = models.DateTimeField(null=True, blank=True)
    order_id = models.CharField(max_length=64, null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    # Unguessable: threads email replies (support+t<token>@…) and lets a guest
    # follow the ticket through a signed link.
    reply_token = models.CharField(max_length=32, unique=True, editable=False)
    sla_policy = models.ForeignKey(
        SLAPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    satisfaction_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    satisfaction_comment = models.TextField(blank=True, default="")
    rated_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_tickets"
    )
    # Opened by mail from an address that is neither the requester nor a
    # participant of the ticket it answered (``sender_replied_to``): a CC, a
    # forward, someone else. Not posted there as the customer; staff decide.
    from_unknown_sender = models.BooleanField(default=False)
    sender_replied_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by the service, so SLA due times count from exactly this moment.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["profile", "-created_at"], name="crm_ticket_profile_idx"),
            models.Index(fields=["status", "priority"], name="crm_ticket_status_idx"),
            models.Index(fields=["assignee", "status"], name="crm_ticket_assignee_idx"),
            models.Index(fields=["order_id"], name="crm_ticket_order_idx"),
            models.Index(
                fields=["resolution_due_at"],
                name="crm_ticket_due_idx",
                condition=models.Q(status__in=["new", "open", "pending", "on_hold"]),
            ),
        ]


class TicketMessageKind(models.TextChoices):
    REPLY = "reply", "Public reply"
    NOTE = "note", "Internal note"


class TicketAuthorKind(models.TextChoices):
    STAFF = "staff", "Staff"
    CUSTOMER = "customer", "Customer"
    SYSTEM = "system", "System"


class TicketMessage(models.Model):
    id = models.BigAutoField(primary_key=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=8, choices=TicketMessageKind.choices)
    author_kind = models.CharField(max_length=8, choices=TicketAuthorKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(max_length=255, blank=True, default="")
    # Sanitised HTML.
    body = models.TextField()
    via = models.CharField(max_length=16, choices=InteractionChannel.choices)
    # The email's Message-ID: inbound mail delivered twice is stored once;
    # outbound mail is threaded with it.
    email_message_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")


class TicketVoucher(models.Model):
    """A goodwill voucher staff issued to a ticket's customer: a personal
    code of its own offer (:mod:`saleor_crm_plugin.marketing.offers`, key
    ``ticket:<ticket id>:<number>``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="vouchers")
    # Per ticket, from 1: part of the offer's key.
    number = models.PositiveIntegerField()
    offer_code = models.OneToOneField(
        "saleor_crm.OfferCode", on_delete=models.PROTECT, related_name="ticket_voucher"
    )
    note = models.TextField(blank=True, default="")
    issued_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_by_name = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "number"], name="crm_ticket_voucher_number_unique"
            ),
        ]


class TicketRefundStatus(models.TextChoices):
    # Recorded (and committed) before the store is asked: a refund whose
    # outcome was never written stays here, and its key cannot refund again.
    REQUESTED = "requested", "Requested"
    STARTED = "started", "Started"
    FAILED = "failed", "Failed"


class TicketRefund(models.Model):
    """A refund of the ticket's order that staff asked the store for.

    The row is written and committed before the store is asked, then marked
    ``started`` (with the store's status and reference) or ``failed`` (with
    the store's errors). ``idempotency_key`` names the request: asking again
    with it answers with this row instead of refunding twice.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="refunds")
    order_id = models.CharField(max_length=64)
    amount = models.DecimalField(max_digits=12, decimal_places=3)
    currency = models.CharField(max_length=3)
    reason = models.TextField(blank=True, default="")
    # The store's refund reason (Saleor: a page of its refund reason type),
    # by global ID, and its title when asked for.
    reason_reference = models.CharField(max_length=255, blank=True, default="")
    reason_title = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=TicketRefundStatus.choices, default=TicketRefundStatus.REQUESTED
    )
    # The client's key, or one derived from the order, amount and reason.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    # The store's: its status when started (``success``, ``pending``,
    # ``failure``), its reference, and how it refunds; its errors when it refused.
    store_status = models.CharField(max_length=16, blank=True, default="")
    reference = models.CharField(max_length=255, blank=True, default="")
    kind = models.CharField(max_length=16, blank=True, default="")
    store_errors = models.JSONField(default=list, blank=True)
    requested_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by_name = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["order_id"], name="crm_ticket_refund_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "idempotency_key"], name="crm_ticket_refund_key_unique"
            ),
        ]
