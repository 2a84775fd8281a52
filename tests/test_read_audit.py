"""Staff reads of a profile are recorded (one row per reader, profile and
window) and shown to staff with MANAGE_STAFF; customers see staff by name,
never by email."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time
from graphql_relay import to_global_id

from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.models import CustomerProfile, ProfileRead
from saleor_crm_plugin.privacy.audit import window_start
from saleor_crm_plugin.privacy.names import STAFF_LABEL
from saleor_crm_plugin.tickets import services as desk
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

PROFILE = """
query Profile($email: String!) {
  customerProfile(email: $email) {
    email
    reads(first: 10) {
      totalCount
      edges { node { kind readerKind user userEmail userName app systemUser readAt } }
    }
  }
}
"""
PROFILE_ONLY = "query($email: String!) { customerProfile(email: $email) { email } }"
# What a list page shows: no personal record.
LIST = (
    "{ customerProfiles(first: 10) { edges { node { email firstName tags ordersCount "
    "lifecycleStage } } } }"
)
MANAGE_USERS = frozenset({CRMPermission.MANAGE_USERS})
START = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=1)


def staff(user_id, *permissions):
    return Requestor(
        kind=RequestorKind.STAFF,
        user_id=str(user_id),
        email=f"staff{user_id}@shop.example",
        permissions=MANAGE_USERS | frozenset(permissions),
    )


APP = Requestor(kind=RequestorKind.APP, app_id="7", permissions=MANAGE_USERS)


def run(query, requestor, **variables):
    return execute(query, requestor=requestor, variables=variables)


@pytest.fixture
def sam(user_factory):
    return user_factory("sam@shop.example", first_name="Sam", last_name="Staff", is_staff=True)


@pytest.fixture
def auditor(user_factory):
    return user_factory("alex@shop.example", first_name="Alex", is_staff=True)


@pytest.fixture
def profiles(ann):
    ingest("customer_created", f.customer(ann))
    ingest("order_created", f.order("o-bob", email="bob@example.com"))
    return CustomerProfile.objects.all()


def test_opening_a_profile_is_one_insert_recorded_once_per_window(profiles, sam):
    # given
    reader = staff(sam.pk)

    # when: opened four times in one window, once in the next
    with freeze_time(START + timedelta(minutes=1)):
        with CaptureQueriesContext(connection) as first:
            run(PROFILE_ONLY, reader, email="ann@example.com")
        for _ in range(3):
            run(PROFILE_ONLY, reader, email="ann@example.com")
    with freeze_time(START + timedelta(minutes=16)):
        run(PROFILE_ONLY, reader, email="ann@example.com")

    # then
    inserts = [q["sql"] for q in first.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert "ON CONFLICT DO NOTHING" in inserts[0]
    reads = ProfileRead.objects.order_by("read_at")
    assert [(r.kind, r.reader_kind, r.reader_id) for r in reads] == [
        ("view", "staff", str(sam.pk))
    ] * 2
    assert [r.read_at for r in reads] == [
        START + timedelta(minutes=1),
        START + timedelta(minutes=16),
    ]
    assert [r.window_start for r in reads] == [START, START + timedelta(minutes=15)]


def test_window_is_configurable(settings):
    # given
    settings.SALEOR_CRM_PROFILE_READ_WINDOW_SECONDS = 3600

    # when / then
    assert window_start(START + timedelta(minutes=59)) == START


def test_list_pages_and_unknown_profiles_record_nothing(profiles, sam):
    # when
    run(LIST, staff(sam.pk))
    run(PROFILE_ONLY, staff(sam.pk), email="nobody@example.com")

    # then
    assert not ProfileRead.objects.exists()


# Wherever a profile is reached, reading its personal record is a read.
ANN_NOTE_IN_LIST = "{ customerProfiles(first: 100) { edges { node { email note } } } }"
READ_ELSEWHERE = {
    "list-note": ANN_NOTE_IN_LIST,
    "list-timeline": (
        "{ customerProfiles(first: 100) { edges { node { timeline(first: 5) { totalCount } } } } }"
    ),
    "list-orders": (
        "{ customerProfiles(first: 100) { edges { node { orders(first: 5) { totalCount } } } } }"
    ),
    "tickets-customer": (
        "{ tickets(first: 10) { edges { node { customer { tickets(first: 5) { totalCount } } } } } }"
    ),
    "ticket-customer": 'query { ticket(id: "%(ticket)s") { customer { note } } }',
    "interactions-customer": (
        "{ interactions(first: 10) { edges { node { customer { "
        "interactions(first: 5) { totalCount } } } } } }"
    ),
    "update-payload": (
        'mutation { customerProfileUpdate(id: "%(profile)s", input: {tags: ["vip"]}) '
        "{ profile { note } errors { code } } }"
    ),
}


@pytest.fixture
def ann_wrote_in(profiles, ann):
    ticket = desk.open_ticket(
        desk.NewTicket(subject="Grinder", body="Noisy", email="ann@example.com"),
        desk.Author(kind="customer", name="Ann"),
    )
    from saleor_crm_plugin.interactions.services import InteractionInput, log_interaction

    log_interaction(InteractionInput(channel="phone", direction="inbound", email=ann.email))
    return ticket


@pytest.mark.parametrize("document", READ_ELSEWHERE.values(), ids=READ_ELSEWHERE.keys())
def test_reading_a_profiles_record_wherever_it_is_reached_is_recorded(ann_wrote_in, sam, document):
    # given
    ann = CustomerProfile.objects.get(email="ann@example.com")
    reader = staff(sam.pk, CRMPermission.MANAGE_ORDERS)
    query = document % {
        "ticket": to_global_id("Ticket", ann_wrote_in.pk),
        "profile": to_global_id("CustomerProfile", ann.pk),
    }

    # when
    with CaptureQueriesContext(connection) as captured:
        result = run(query, reader)

    # then: one insert for every profile read
    assert result.errors is None, result.errors
    inserts = [q["sql"] for q in captured.captured_queries if "saleor_crm_profileread" in q["sql"]]
    assert len(inserts) == 1
    read = set(ProfileRead.objects.values_list("profile__email", "kind", "reader_id"))
    assert ("ann@example.com", "view", str(sam.pk)) in read
    if document.startswith("{ customerProfiles"):
        assert ("bob@example.com", "view", str(sam.pk)) in read


def test_a_page_of_profiles_is_recorded_in_one_insert_once_per_window(profiles, sam):
    # given: 30 more customers
    for n in range(30):
        ingest("order_created", f.order(f"o-{n}", email=f"c{n}@example.com"))

    # when
    with freeze_time(START):
        with CaptureQueriesContext(connection) as first:
            run(ANN_NOTE_IN_LIST, staff(sam.pk))
        run(ANN_NOTE_IN_LIST, staff(sam.pk))

    # then
    inserts = [q["sql"] for q in first.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert ProfileRead.objects.count() == CustomerProfile.objects.count() == 32


def test_each_reader_is_recorded_apart(profiles, sam, auditor):
    # when
    with freeze_time(START):
        run(PROFILE_ONLY, staff(sam.pk), email="ann@example.com")
        run(PROFILE_ONLY, staff(auditor.pk), email="ann@example.com")
        run(PROFILE_ONLY, APP, email="ann@example.com")
        run(PROFILE_ONLY, staff(sam.pk), email="bob@example.com")

    # then
    assert sorted(
        ProfileRead.objects.values_list("profile__email", "reader_kind", "reader_id")
    ) == sorted(
        [
            ("ann@example.com", "staff", str(sam.pk)),
            ("ann@example.com", "staff", str(auditor.pk)),
            ("ann@example.com", "app", "7"),
            ("bob@example.com", "staff", str(sam.pk)),
        ]
    )


def test_staff_with_manage_staff_see_who_read_the_profile(profiles, sam, auditor):
    # given
    with freeze_time(START):
        run(PROFILE_ONLY, staff(sam.pk), email="ann@example.com")
    with freeze_time(START + timedelta(hours=1)):
        run(PROFILE_ONLY, APP, email="ann@example.com")
    ProfileRead.objects.create(
        profile=CustomerProfile.objects.get(email="ann@example.com"),
        kind="export",
        reader_kind="command",
        reader_id="root",
        read_at=START - timedelta(hours=1),
        window_start=START - timedelta(hours=1),
    )

    # when
    with freeze_time(START + timedelta(hours=2)):
        result = run(
            PROFILE, staff(auditor.pk, CRMPermission.MANAGE_STAFF), email="ann@example.com"
        )

    # then: newest first, the auditor's own opening included
    assert result.errors is None, result.errors
    reads = result.data["customerProfile"]["reads"]
    assert reads["totalCount"] == 4
    nodes = [edge["node"] for edge in reads["edges"]]
    assert [(n["kind"], n["readerKind"]) for n in nodes] == [
        ("VIEW", "STAFF"),
        ("VIEW", "APP"),
        ("VIEW", "STAFF"),
        ("EXPORT", "COMMAND"),
    ]
    assert nodes[0]["user"] == to_global_id("User", auditor.pk)
    assert (nodes[0]["userEmail"], nodes[0]["userName"]) == ("alex@shop.example", "Alex")
    assert (nodes[1]["app"], nodes[1]["user"]) == (to_global_id("App", "7"), None)
    assert (nodes[2]["userEmail"], nodes[2]["userName"]) == ("sam@shop.example", "Sam Staff")
    assert nodes[3]["systemUser"] == "root"
    assert nodes[2]["readAt"] == START.isoformat()


@pytest.mark.parametrize(
    "requestor",
    [staff(3), Requestor(kind=RequestorKind.APP, app_id="2", permissions=MANAGE_USERS)],
    ids=["staff without MANAGE_STAFF", "app without MANAGE_STAFF"],
)
def test_without_manage_staff_the_reads_are_refused_and_the_profile_stays(profiles, requestor):
    # when
    result = run(PROFILE, requestor, email="ann@example.com")

    # then
    assert result.data["customerProfile"] == {"email": "ann@example.com", "reads": None}
    (error,) = result.errors
    assert error.original_error.code == "PermissionDenied"
    assert error.path == ["customerProfile", "reads"]


def test_reads_survive_a_merge_into_the_account_profile(user_factory, sam):
    # given: a guest profile read by Sam in two windows, then the guest
    # registers with another address, whose profile Sam reads in the second
    ingest("order_created", f.order("o1", email="cleo@example.com"))
    for at in (START, START + timedelta(hours=2)):
        with freeze_time(at):
            run(PROFILE_ONLY, staff(sam.pk), email="cleo@example.com")
    cleo = user_factory("cleo@example.com")
    ingest("customer_created", f.customer(cleo, email="cleo.new@example.com"))
    with freeze_time(START + timedelta(hours=2)):
        run(PROFILE_ONLY, staff(sam.pk), email="cleo.new@example.com")

    # when: the account takes the guest's address, so the two profiles merge
    ingest("customer_updated", f.customer(cleo, email="cleo@example.com"))

    # then: one profile keeps both windows; the same window is one record
    profile = CustomerProfile.objects.get(email="cleo@example.com")
    assert sorted(ProfileRead.objects.values_list("profile_id", "window_start")) == [
        (profile.pk, START),
        (profile.pk, START + timedelta(hours=2)),
    ]


# --- staff as customers see them ---------------------------------------------

MY_TICKETS = """
{ myTickets(first: 5) { edges { node { messages { authorKind authorName body } } } } }
"""
BY_TOKEN = """
query($token: String!) { ticketByAccessToken(token: $token) { messages { authorKind authorName } } }
"""


@pytest.fixture
def conversation(ann, sam, user_factory):
    """Ann's ticket, answered by Sam (named), Nia (no name) and an app."""
    nia = user_factory("nia@shop.example", is_staff=True)
    ingest("customer_created", f.customer(ann))
    ticket = desk.open_ticket(
        desk.NewTicket(subject="Grinder", body="It is loud.", email="ann@example.com"),
        desk.Author(kind="customer", name="Ann Lee"),
    )
    desk.staff_reply(ticket, "<p>Which model?</p>", desk.Author("staff", sam.pk, sam.email))
    desk.staff_reply(ticket, "<p>On its way.</p>", desk.Author("staff", nia.pk, nia.email))
    desk.staff_reply(ticket, "<p>Shipped.</p>", desk.Author("staff", None, "App 2"))
    desk.add_note(ticket, "<p>VIP</p>", desk.Author("staff", sam.pk, sam.email))
    return ticket


EXPECTED_AUTHORS = [
    ("CUSTOMER", "Ann Lee"),
    ("STAFF", "Sam Staff"),
    ("STAFF", STAFF_LABEL),
    ("STAFF", STAFF_LABEL),
]


def test_customers_see_staff_by_name_never_by_email(conversation, ann):
    # given
    customer = Requestor(kind=RequestorKind.CUSTOMER, user_id=str(ann.pk), email=ann.email)

    # when
    result = run(MY_TICKETS, customer)

    # then
    assert result.errors is None, result.errors
    (edge,) = result.data["myTickets"]["edges"]
    messages = edge["node"]["messages"]
    assert [(m["authorKind"], m["authorName"]) for m in messages] == EXPECTED_AUTHORS
    assert "@shop.example" not in str(result.data)


def test_guests_see_staff_by_name_through_their_link(conversation):
    # when
    result = run(BY_TOKEN, Requestor.anonymous(), token=desk.access_token(conversation))

    # then
    assert result.errors is None, result.errors
    messages = result.data["ticketByAccessToken"]["messages"]
    assert [(m["authorKind"], m["authorName"]) for m in messages] == EXPECTED_AUTHORS
    assert "@shop.example" not in str(result.data)


def test_staff_still_see_who_wrote_what(conversation, sam):
    # when
    result = run(
        """query($id: ID!) { ticket(id: $id) { messages(first: 10) {
            edges { node { authorName author } } } } }""",
        staff(sam.pk),
        id=to_global_id("Ticket", conversation.pk),
    )

    # then
    names = [e["node"]["authorName"] for e in result.data["ticket"]["messages"]["edges"]]
    assert "sam@shop.example" in names
