"""Help desk and interactions: staff operations and the storefront's."""

from datetime import UTC, datetime

import graphene
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from graphene.types.generic import GenericScalar

from ...auth import RequestorKind
from ...interactions import models as interaction_models
from ...interactions.services import InteractionError, InteractionInput, log_interaction
from ...profiles.models import CustomerProfile
from ...snapshots import normalize_email
from ...tickets import models
from ...tickets import services as desk
from ...tickets.models import TicketAuthorKind
from ..core.connection import connection_args, paginate
from ..core.enums import CrmSortDirection
from ..core.mutations import MutationErrorMixin, decode_id, error_type
from ..core.types import CrmDateTimeRangeInput
from .enums import (
    InteractionChannelEnum,
    InteractionDirectionEnum,
    InteractionErrorCode,
    TicketErrorCode,
    TicketPriorityEnum,
    TicketSortField,
    TicketStatusEnum,
)
from .types import (
    CustomerTicket,
    CustomerTicketCountableConnection,
    Interaction,
    InteractionCountableConnection,
    SlaPolicy,
    Ticket,
    TicketCountableConnection,
    TicketMessage,
)

FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)

TicketError = error_type("TicketError", TicketErrorCode, "An error from a help desk mutation.")
InteractionErrorType = error_type(
    "InteractionError", InteractionErrorCode, "An error from an interaction mutation."
)


def _ticket_pk(global_id, field="id"):
    return decode_id(global_id, "Ticket", field, desk.TicketError)


def _ticket(global_id, field="id") -> models.Ticket:
    pk = _ticket_pk(global_id, field)
    ticket = models.Ticket.objects.select_related("profile").filter(pk=pk).first() if pk else None
    if ticket is None:
        raise desk.TicketError(field, "Couldn't resolve to a ticket.", "not_found")
    return ticket


def _staff_author(info) -> desk.Author:
    requestor = info.context.requestor
    if requestor.kind == RequestorKind.APP:
        return desk.Author(kind=TicketAuthorKind.STAFF, name=f"App {requestor.app_id}")
    return desk.Author(
        kind=TicketAuthorKind.STAFF,
        user_id=_user_pk(requestor.user_id),
        name=requestor.email or "",
    )


def _user_pk(user_id):
    from ...profiles.identity import existing_user_pk as existing_user

    return existing_user(user_id)


def _own_profile(info) -> CustomerProfile | None:
    from ...profiles.identity import user_key as _user_key

    key = _user_key(info.context.requestor.user_id)
    return CustomerProfile.objects.filter(user_id=key).first() if key is not None else None


# --- filters ---------------------------------------------------------------


class TicketFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Matches subject, number or the customer's email.")
    statuses = graphene.List(graphene.NonNull(TicketStatusEnum), description="Any of these.")
    priorities = graphene.List(graphene.NonNull(TicketPriorityEnum), description="Any of these.")
    channels = graphene.List(graphene.NonNull(InteractionChannelEnum), description="Any of these.")
    assignee = graphene.ID(description="Assigned to this staff member (Saleor User ID).")
    unassigned = graphene.Boolean(description="Only tickets nobody is assigned to.")
    customer = graphene.ID(description="Of this customer profile.")
    order = graphene.ID(description="About this order (Saleor Order ID).")
    tags = graphene.List(graphene.NonNull(graphene.String), description="Having all these tags.")
    breached = graphene.Boolean(description="An SLA target was missed.")
    due_soon = graphene.Boolean(description="An SLA target falls within the next two hours.")

    class Meta:
        description = "Filter tickets; all given conditions must hold."


class TicketSortingInput(graphene.InputObjectType):
    direction = graphene.Field(CrmSortDirection, required=True, description="Sort direction.")
    field = graphene.Field(TicketSortField, required=True, description="Sort by.")

    class Meta:
        description = "Order of tickets."


def filter_tickets(queryset, data: dict):
    if search := (data.get("search") or "").strip():
        condition = Q(subject__icontains=search) | Q(requester_email__icontains=search)
        if search.lstrip("#").isdigit():
            condition |= Q(number=int(search.lstrip("#")))
        queryset = queryset.filter(condition)
    for key, column in (
        ("statuses", "status"),
        ("priorities", "priority"),
        ("channels", "channel"),
    ):
        if values := data.get(key):
            queryset = queryset.filter(**{f"{column}__in": values})
    if data.get("assignee"):
        queryset = queryset.filter(
            assignee_id=decode_id(data["assignee"], "User", "assignee", desk.TicketError)
        )
    if data.get("unassigned"):
        queryset = queryset.filter(assignee__isnull=True)
    if data.get("customer"):
        queryset = queryset.filter(
            profile_id=decode_id(data["customer"], "CustomerProfile", "customer", desk.TicketError)
        )
    if data.get("order"):
        queryset = queryset.filter(
            order_id=decode_id(data["order"], "Order", "order", desk.TicketError)
        )
    if tags := data.get("tags"):
        queryset = queryset.filter(tags__contains=tags)
    if data.get("breached") is not None:
        missed = desk.missed_target()
        queryset = queryset.filter(missed) if data["breached"] else queryset.exclude(missed)
    if data.get("due_soon"):
        queryset = queryset.filter(desk.due_soon())
    return queryset


def ticket_sort(sort_by: dict | None):
    field = (sort_by or {}).get("field") or TicketSortField.CREATED_AT.value
    descending = (sort_by or {}).get("direction", "DESC") == "DESC"
    if field == TicketSortField.RESOLUTION_DUE_AT.value:
        return (
            {"sort_due": Coalesce(F("resolution_due_at"), Value(FAR_FUTURE))},
            [("sort_due", descending)],
        )
    return {}, [(field, descending)]


class InteractionFilterInput(graphene.InputObjectType):
    customer = graphene.ID(description="Of this customer profile.")
    channels = graphene.List(graphene.NonNull(InteractionChannelEnum), description="Any of these.")
    direction = graphene.Field(InteractionDirectionEnum, description="Only this direction.")
    order = graphene.ID(description="About this order (Saleor Order ID).")
    occurred_at = graphene.Field(CrmDateTimeRangeInput, description="When it happened.")

    class Meta:
        description = "Filter interactions; all given conditions must hold."


# --- queries ---------------------------------------------------------------


class TicketQueries(graphene.ObjectType):
    tickets = graphene.Field(
        TicketCountableConnection,
        filter=graphene.Argument(TicketFilterInput, description="Filtering options."),
        sort_by=graphene.Argument(TicketSortingInput, description="Sort order."),
        description="The ticket inbox. Requires MANAGE_USERS.",
        **connection_args(),
    )
    ticket = graphene.Field(
        Ticket,
        id=graphene.Argument(graphene.ID, required=True, description="ID of the ticket."),
        description="One ticket. Requires MANAGE_USERS.",
    )
    interactions = graphene.Field(
        InteractionCountableConnection,
        filter=graphene.Argument(InteractionFilterInput, description="Filtering options."),
        description="Interactions, newest first. Requires MANAGE_USERS.",
        **connection_args(),
    )
    sla_policies = graphene.List(
        graphene.NonNull(SlaPolicy),
        required=True,
        description="SLA targets per priority. Requires MANAGE_USERS.",
    )
    my_tickets = graphene.Field(
        CustomerTicketCountableConnection,
        description="The signed-in customer's own tickets, newest first.",
        **connection_args(),
    )
    my_ticket = graphene.Field(
        CustomerTicket,
        id=graphene.Argument(graphene.ID, required=True, description="ID of the ticket."),
        description="One of the signed-in customer's own tickets.",
    )
    ticket_by_access_token = graphene.Field(
        CustomerTicket,
        token=graphene.Argument(graphene.String, required=True, description="From ticketOpen."),
        description="A guest's ticket, through the signed link they were given.",
    )

    @staticmethod
    def resolve_tickets(root, info, filter=None, sort_by=None, **pagination):
        annotations, keys = ticket_sort(sort_by)
        try:
            queryset = filter_tickets(models.Ticket.objects.select_related("profile"), filter or {})
        except desk.TicketError:
            queryset = models.Ticket.objects.none()
        return paginate(queryset.annotate(**annotations), keys, **pagination)

    @staticmethod
    def resolve_ticket(root, info, id):
        try:
            return _ticket(id)
        except desk.TicketError:
            return None

    @staticmethod
    def resolve_interactions(root, info, filter=None, **pagination):
        data = filter or {}
        queryset = interaction_models.Interaction.objects.select_related("profile")
        try:
            if data.get("customer"):
                queryset = queryset.filter(
                    profile_id=decode_id(
                        data["customer"], "CustomerProfile", "customer", desk.TicketError
                    )
                )
            if data.get("order"):
                queryset = queryset.filter(
                    order_id=decode_id(data["order"], "Order", "order", desk.TicketError)
                )
        except desk.TicketError:
            queryset = queryset.none()
        if data.get("channels"):
            queryset = queryset.filter(channel__in=data["channels"])
        if data.get("direction"):
            queryset = queryset.filter(direction=data["direction"])
        bounds = data.get("occurred_at") or {}
        if bounds.get("gte"):
            queryset = queryset.filter(occurred_at__gte=bounds["gte"])
        if bounds.get("lte"):
            queryset = queryset.filter(occurred_at__lte=bounds["lte"])
        return paginate(queryset, [("occurred_at", True)], **pagination)

    @staticmethod
    def resolve_sla_policies(root, info):
        return list(models.SLAPolicy.objects.all())

    @staticmethod
    def resolve_my_tickets(root, info, **pagination):
        profile = _own_profile(info)
        queryset = models.Ticket.objects.filter(profile=profile, merged_into__isnull=True)
        if profile is None:
            queryset = models.Ticket.objects.none()
        return paginate(queryset, [("created_at", True)], **pagination)

    @staticmethod
    def resolve_my_ticket(root, info, id):
        profile = _own_profile(info)
        try:
            pk = _ticket_pk(id)
        except desk.TicketError:
            return None
        if profile is None or pk is None:
            return None
        return models.Ticket.objects.filter(pk=pk, profile=profile).first()

    @staticmethod
    def resolve_ticket_by_access_token(root, info, token):
        return desk.ticket_from_access_token(token)


# --- staff mutations ---------------------------------------------------------


class TicketMutation(MutationErrorMixin, graphene.Mutation):
    """Base: ``perform`` returns the payload's fields; errors become typed."""

    error_type = TicketError
    errors = graphene.List(graphene.NonNull(TicketError), required=True, description="Errors.")

    class Meta:
        abstract = True

    @classmethod
    def mutate(cls, root, info, **data):
        try:
            return cls(errors=[], **cls.perform(info, **data))
        except (desk.TicketError, InteractionError) as exc:
            return cls.failure(exc)


class TicketCreateInput(graphene.InputObjectType):
    customer_email = graphene.String(required=True, description="The customer's email.")
    subject = graphene.String(required=True, description="Subject.")
    body = graphene.String(required=True, description="First message (HTML, sanitised).")
    channel = graphene.Field(InteractionChannelEnum, description="Came in by (default: phone).")
    priority = graphene.Field(TicketPriorityEnum, description="Priority (default: normal).")
    order = graphene.ID(description="The customer's order it is about (Saleor Order ID).")
    tags = graphene.List(graphene.NonNull(graphene.String), description="Tags.")

    class Meta:
        description = "A ticket staff open on a customer's behalf."


class TicketCreate(TicketMutation):
    ticket = graphene.Field(Ticket, description="The new ticket.")

    class Arguments:
        input = TicketCreateInput(required=True, description="The ticket.")

    class Meta:
        description = "Open a ticket for a customer (e.g. after a call). Requires MANAGE_USERS."

    @classmethod
    def perform(cls, info, input):
        ticket = desk.open_ticket(
            desk.NewTicket(
                subject=input["subject"],
                body=input["body"],
                email=input["customer_email"],
                channel=input.get("channel") or "phone",
                priority=input.get("priority") or "normal",
                order_id=decode_id(input.get("order"), "Order", "order", desk.TicketError),
                tags=input.get("tags") or [],
                body_is_html=True,
            ),
            _staff_author(info),
        )
        return {"ticket": ticket}


class TicketUpdateInput(graphene.InputObjectType):
    subject = graphene.String(description="Subject.")
    status = graphene.Field(TicketStatusEnum, description="Status.")
    priority = graphene.Field(TicketPriorityEnum, description="Priority (moves SLA targets).")
    tags = graphene.List(graphene.NonNull(graphene.String), description="Replaces the tags.")

    class Meta:
        description = "Changes to a ticket."


class TicketUpdate(TicketMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        input = TicketUpdateInput(required=True, description="Changes.")

    class Meta:
        description = "Change a ticket's status, priority, subject or tags. Requires MANAGE_USERS."

    @classmethod
    def perform(cls, info, id, input):
        return {"ticket": desk.update_ticket(_ticket(id), dict(input))}


class TicketAssign(TicketMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        assignee = graphene.ID(description="Staff member (Saleor User ID); null to unassign.")

    class Meta:
        description = "Assign a ticket to a staff member. Requires MANAGE_USERS."

    @classmethod
    def perform(cls, info, id, assignee=None):
        user_pk = decode_id(assignee, "User", "assignee", desk.TicketError)
        return {"ticket": desk.assign(_ticket(id), user_pk)}


class TicketReplyInput(graphene.InputObjectType):
    body = graphene.String(required=True, description="The reply (HTML, sanitised).")
    status = graphene.Field(TicketStatusEnum, description="Status afterwards (default: pending).")

    class Meta:
        description = "A public reply."


class TicketReply(TicketMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")
    message = graphene.Field(TicketMessage, description="The reply.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        input = TicketReplyInput(required=True, description="The reply.")

    class Meta:
        description = (
            "Reply to the customer; emailed for email and web-form tickets. Requires MANAGE_USERS."
        )

    @classmethod
    def perform(cls, info, id, input):
        ticket = _ticket(id)
        message = desk.staff_reply(
            ticket, input["body"], _staff_author(info), status=input.get("status")
        )
        return {"ticket": models.Ticket.objects.get(pk=ticket.pk), "message": message}


class TicketAddNote(TicketMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")
    message = graphene.Field(TicketMessage, description="The note.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        body = graphene.String(required=True, description="The note (HTML, sanitised).")

    class Meta:
        description = "Add an internal note, never shown to the customer. Requires MANAGE_USERS."

    @classmethod
    def perform(cls, info, id, body):
        ticket = _ticket(id)
        message = desk.add_note(ticket, body, _staff_author(info))
        return {"ticket": models.Ticket.objects.get(pk=ticket.pk), "message": message}


class TicketMerge(TicketMutation):
    ticket = graphene.Field(Ticket, description="The ticket kept.")

    class Arguments:
        source = graphene.ID(required=True, description="The duplicate, closed by the merge.")
        target = graphene.ID(required=True, description="The ticket to keep.")

    class Meta:
        description = (
            "Merge a duplicate ticket into another of the same customer. Requires MANAGE_USERS."
        )

    @classmethod
    def perform(cls, info, source, target):
        merged = desk.merge(
            _ticket(source, "source"), _ticket(target, "target"), _staff_author(info)
        )
        return {"ticket": merged}


class TicketLinkOrder(TicketMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        order = graphene.ID(description="One of the customer's orders; null to unlink.")

    class Meta:
        description = "Link a ticket to one of its customer's orders. Requires MANAGE_USERS and MANAGE_ORDERS."

    @classmethod
    def perform(cls, info, id, order=None):
        order_id = decode_id(order, "Order", "order", desk.TicketError)
        return {"ticket": desk.link_order(_ticket(id), order_id)}


class InteractionCreateInput(graphene.InputObjectType):
    customer_email = graphene.String(required=True, description="The customer's email.")
    channel = graphene.Field(InteractionChannelEnum, required=True, description="Channel.")
    direction = graphene.Field(InteractionDirectionEnum, required=True, description="Direction.")
    subject = graphene.String(description="Subject.")
    body = graphene.String(description="What was said (HTML, sanitised).")
    occurred_at = graphene.DateTime(description="When (default: now).")
    order = graphene.ID(description="Related order (Saleor Order ID).")
    source = graphene.String(description="Tool it came from, e.g. 'phone-system'.")
    external_id = graphene.String(description="Its ID there; logging it twice stores it once.")
    metadata = GenericScalar(description="Free metadata (a JSON object).")

    class Meta:
        description = "A contact with a customer."


class InteractionCreate(MutationErrorMixin, graphene.Mutation):
    error_type = InteractionErrorType
    interaction = graphene.Field(Interaction, description="The interaction.")
    created = graphene.Boolean(description="False when it was logged before (same externalId).")
    errors = graphene.List(
        graphene.NonNull(InteractionErrorType), required=True, description="Errors."
    )

    class Arguments:
        input = InteractionCreateInput(required=True, description="The interaction.")

    class Meta:
        description = (
            "Log a call, chat, visit or message on the customer's timeline. Requires MANAGE_USERS."
        )

    @classmethod
    def mutate(cls, root, info, input):
        metadata = input.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            return cls(errors=[cls.error("metadata", "invalid", "Give metadata as a JSON object.")])
        try:
            order_id = decode_id(input.get("order"), "Order", "order", InteractionError)
            author = _staff_author(info)
            interaction, created = log_interaction(
                InteractionInput(
                    channel=input["channel"],
                    direction=input["direction"],
                    email=input["customer_email"],
                    subject=input.get("subject") or "",
                    body=input.get("body") or "",
                    body_is_html=True,
                    occurred_at=input.get("occurred_at"),
                    author_user_id=author.user_id,
                    author_name=author.name,
                    order_id=order_id,
                    source=input.get("source") or "",
                    external_id=input.get("external_id"),
                    metadata=metadata,
                )
            )
        except InteractionError as exc:
            return cls.failure(exc)
        return cls(errors=[], interaction=interaction, created=created)


class SlaPolicySet(TicketMutation):
    sla_policy = graphene.Field(SlaPolicy, description="The policy.")

    class Arguments:
        priority = TicketPriorityEnum(required=True, description="Priority.")
        first_response_minutes = graphene.Int(required=True, description="First reply within.")
        resolution_minutes = graphene.Int(required=True, description="Solved within.")

    class Meta:
        description = (
            "Set the SLA targets of a priority; applies to tickets opened from now on and to "
            "tickets whose priority changes. Requires MANAGE_USERS."
        )

    @classmethod
    def perform(cls, info, priority, first_response_minutes, resolution_minutes):
        if first_response_minutes < 1:
            raise desk.TicketError("firstResponseMinutes", "Give at least one minute.")
        if resolution_minutes < first_response_minutes:
            raise desk.TicketError(
                "resolutionMinutes", "Resolution cannot come before the first response."
            )
        policy, _ = models.SLAPolicy.objects.update_or_create(
            priority=priority,
            defaults={
                "first_response_minutes": first_response_minutes,
                "resolution_minutes": resolution_minutes,
            },
        )
        return {"sla_policy": policy}


class SlaPolicyDelete(TicketMutation):
    deleted = graphene.Boolean(description="Whether a policy existed.")

    class Arguments:
        priority = TicketPriorityEnum(required=True, description="Priority.")

    class Meta:
        description = "Remove a priority's SLA targets. Requires MANAGE_USERS."

    @classmethod
    def perform(cls, info, priority):
        deleted, _ = models.SLAPolicy.objects.filter(priority=priority).delete()
        return {"deleted": bool(deleted)}


# --- storefront mutations ------------------------------------------------------


class TicketOpenInput(graphene.InputObjectType):
    email = graphene.String(description="Guests only: where to answer. Ignored when signed in.")
    subject = graphene.String(required=True, description="Subject.")
    body = graphene.String(required=True, description="The message (plain text).")
    order = graphene.ID(description="Signed-in customers: one of their orders (Saleor Order ID).")

    class Meta:
        description = "A customer's request for help."


class TicketOpen(TicketMutation):
    ticket = graphene.Field(CustomerTicket, description="The new ticket.")
    access_token = graphene.String(
        description="Guests: keep it to follow and answer the ticket (ticketByAccessToken)."
    )

    class Arguments:
        input = TicketOpenInput(required=True, description="The request.")

    class Meta:
        description = (
            "Open a ticket from the storefront: a signed-in customer, or a guest with an email."
        )

    @classmethod
    def perform(cls, info, input):
        requestor = info.context.requestor
        signed_in = requestor.kind == RequestorKind.CUSTOMER and requestor.user_id
        email = requestor.email if signed_in else normalize_email(input.get("email"))
        if not email:
            raise desk.TicketError("email", "Tell us your email so we can answer.", "required")
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError as exc:
            raise desk.TicketError("email", "Enter a valid email address.") from exc
        order_id = decode_id(input.get("order"), "Order", "order", desk.TicketError)
        if order_id and not signed_in:
            raise desk.TicketError("order", "Sign in to open a ticket about an order.")
        ticket = desk.open_ticket(
            desk.NewTicket(
                subject=input["subject"],
                body=input["body"],
                email=email,
                user_id=requestor.user_id if signed_in else None,
                order_id=order_id,
            ),
            desk.Author(kind=TicketAuthorKind.CUSTOMER, name=email),
        )
        return {
            "ticket": ticket,
            "access_token": None if signed_in else desk.access_token(ticket),
        }


def _customer_ticket(info, id, access_token) -> models.Ticket:
    """The ticket the requestor may act on as its customer."""
    if access_token:
        ticket = desk.ticket_from_access_token(access_token)
        if ticket is None:
            raise desk.TicketError("accessToken", "This link is not valid.", "invalid")
        return ticket
    requestor = info.context.requestor
    if requestor.kind != RequestorKind.CUSTOMER or not id:
        raise desk.TicketError(None, "Sign in, or use the ticket's link.", "invalid")
    profile = _own_profile(info)
    ticket = models.Ticket.objects.filter(pk=_ticket_pk(id), profile=profile).first()
    if profile is None or ticket is None:
        raise desk.TicketError("id", "Couldn't resolve to a ticket.", "not_found")
    return ticket


class MyTicketReply(TicketMutation):
    ticket = graphene.Field(CustomerTicket, description="The ticket.")

    class Arguments:
        id = graphene.ID(description="Signed-in customers: the ticket's ID.")
        access_token = graphene.String(description="Guests: the ticket's access token.")
        body = graphene.String(required=True, description="The message (plain text).")

    class Meta:
        description = "The customer answers on their ticket (signed in, or through the guest link)."

    @classmethod
    def perform(cls, info, body, id=None, access_token=None):
        ticket = _customer_ticket(info, id, access_token)
        desk.customer_reply(ticket, body, via="web_form", author_name=ticket.requester_email)
        return {"ticket": models.Ticket.objects.get(pk=ticket.pk)}


class TicketRate(TicketMutation):
    ticket = graphene.Field(CustomerTicket, description="The rated ticket.")

    class Arguments:
        token = graphene.String(description="The survey token from the email link.")
        id = graphene.ID(description="Signed-in customers: their solved ticket's ID.")
        rating = graphene.Int(required=True, description="1 (poor) to 5 (great).")
        comment = graphene.String(description="Anything to add.")

    class Meta:
        description = "Rate a solved ticket, through the survey link or as its signed-in customer."

    @classmethod
    def perform(cls, info, rating, token=None, id=None, comment=""):
        if not token:
            token = desk.survey_token(_customer_ticket(info, id, None))
        return {"ticket": desk.rate(token, rating, comment or "")}


class TicketMutations(graphene.ObjectType):
    ticket_create = TicketCreate.Field()
    ticket_update = TicketUpdate.Field()
    ticket_assign = TicketAssign.Field()
    ticket_reply = TicketReply.Field()
    ticket_add_note = TicketAddNote.Field()
    ticket_merge = TicketMerge.Field()
    ticket_link_order = TicketLinkOrder.Field()
    interaction_create = InteractionCreate.Field()
    sla_policy_set = SlaPolicySet.Field()
    sla_policy_delete = SlaPolicyDelete.Field()
    ticket_open = TicketOpen.Field()
    my_ticket_reply = MyTicketReply.Field()
    ticket_rate = TicketRate.Field()
