"""Generated queries and mutations against a live CRM, as every kind of
requestor: no HTTP 500, and every error typed (issue 8, "Fuzzing in CI").

The CRM (the host project, on the suite's database, with the demo store
loaded) serves HTTP on a loopback port from a thread of this process
(Django's ``LiveServerThread``, the CRM's routes only).
``tests/fuzz/graphql_fuzz.py`` runs in its own environment, ``.venv-fuzz``
(hypothesis-graphql needs graphql-core 3; the CRM runs graphql-core 2), made
here from the pinned ``tests/fuzz/requirements.txt`` on the first run and
whenever that file changes. It generates ``CRM_FUZZ_OPERATIONS`` operations
(2,000 unless set; queries and mutations of ``graphql/schema.graphql``, with
a fixed seed, a fifth with one schema violation, half with their arguments in
variables) and sends each one as each requestor kind below, with a token
from the host's authenticator. The figures go to the terminal and to
``test-artifacts/fuzz-report.json``.

Run it alone with ``pytest -s -m fuzz tests/test_fuzz.py``; ``scripts/test``
runs it as its own step.
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import venv
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test.testcases import LiveServerThread
from graphql_relay import to_global_id

from saleor_crm_plugin.auth import CRMPermission
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.marketing.services import create_segment
from saleor_crm_plugin.models import CustomerProfile, Interaction, OrderFact, Segment, Ticket
from saleor_crm_plugin.tickets import services as desk
from tests.conftest import GRAPHQL_URL, REQUESTORS
from tests.host.auth import issue_token
from tests.host.helpdesk_demo import STAFF_USERNAME_PREFIX

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[1]
FUZZ_DIR = REPO / "tests" / "fuzz"
REQUIREMENTS = FUZZ_DIR / "requirements.txt"
FUZZ_VENV = Path(os.environ.get("CRM_FUZZ_VENV", REPO / ".venv-fuzz"))
REPORT = REPO / "test-artifacts" / "fuzz-report.json"
OPERATIONS = int(os.environ.get("CRM_FUZZ_OPERATIONS", "2000"))
DEMO_CUSTOMERS = 30
MANAGE_USERS = CRMPermission.MANAGE_USERS.value
MANAGE_ORDERS = CRMPermission.MANAGE_ORDERS.value


def fuzz_python() -> Path:
    """``.venv-fuzz``'s Python, the environment made (again) when the pinned
    requirements changed since it was made.
    """
    python = FUZZ_VENV / "bin" / "python"
    stamp = FUZZ_VENV / ".crm-requirements"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    venv.EnvBuilder(clear=True, with_pip=True).create(FUZZ_VENV)
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        + ["--requirement", REQUIREMENTS],
        check=True,
    )
    stamp.write_text(wanted)
    return python


@contextmanager
def serving():
    """The host project over HTTP on a free loopback port; yields its origin."""
    # No static files handler in front: the host has no STATIC_URL, and
    # every path under the plugin route is the CRM's.
    thread = LiveServerThread("127.0.0.1", static_handler=lambda handler: handler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()


def requestor_kinds() -> dict[str, str | None]:
    """A bearer token for each kind of requestor (None: anonymous)."""
    users = get_user_model().objects
    staff = users.filter(username__startswith=STAFF_USERNAME_PREFIX).order_by("pk").first()
    shopper = (
        users.filter(pk__in=CustomerProfile.objects.filter(tickets__isnull=False).values("user"))
        .order_by("pk")
        .first()
    )
    staff_token = lambda *perms, **claims: issue_token(  # noqa: E731
        kind="staff", user_id=str(staff.pk), email=staff.email, permissions=perms, **claims
    )
    return {
        "anonymous": None,
        "customer": issue_token(kind="customer", user_id=str(shopper.pk), email=shopper.email),
        "staff_without_permissions": staff_token(),
        "staff_manage_users": staff_token(MANAGE_USERS),
        "staff_manage_users_and_orders": staff_token(MANAGE_USERS, MANAGE_ORDERS),
        # In a permission group restricted to the demo's EUR channel.
        "staff_in_one_channel": staff_token(MANAGE_USERS, MANAGE_ORDERS, channels=("channel-eur",)),
        # A third-party token the Dashboard issued for another App.
        "staff_token_of_another_app": staff_token(
            MANAGE_USERS, MANAGE_ORDERS, token_app="app.other.example"
        ),
        "app_without_permissions": issue_token(kind="app", app_id="7"),
        "app_manage_users_and_orders": issue_token(
            kind="app", app_id="8", permissions=(MANAGE_USERS, MANAGE_ORDERS)
        ),
    }


DEMO_SEGMENT_RULES = {
    "conditions": [{"field": "TAG", "operator": "EQ", "value": "vip"}],
    "groups": [
        {
            "match": "ANY",
            "conditions": [
                {"field": "LAST_ORDER_AT", "operator": "WITHIN_LAST_DAYS", "value": "90"},
                {"field": "OPEN_TICKETS", "operator": "GT", "value": "0"},
            ],
        }
    ],
}

CURSORS = """
{
  customerProfiles(first: 3) { edges { cursor } }
  tickets(first: 3) { edges { cursor } }
  interactions(first: 3) { edges { cursor } }
  segments(first: 3) { edges { cursor } }
}
"""


ERASED_ADDRESS = "erased-before@example.com"


def seed_consent() -> list[str]:
    """Consent of every kind in the store: subscribed, pending, unsubscribed,
    suppressed (a lift finds something) and an erased address (a lift is
    refused); their addresses, for the arguments, and the links' tokens.
    """
    from datetime import UTC, datetime

    from saleor_crm_plugin.marketing.consent import (
        ConsentStatus,
        SuppressionReason,
        erase_consent,
        record_consent,
        suppress,
    )
    from saleor_crm_plugin.marketing.subscription import confirmation_token, unsubscribe_token

    emails = list(CustomerProfile.objects.order_by("pk").values_list("email", flat=True)[:5])
    statuses = [ConsentStatus.SUBSCRIBED, ConsentStatus.PENDING, ConsentStatus.UNSUBSCRIBED]
    for email, status in zip(emails, statuses, strict=False):
        record_consent(email, status, source="fuzz")
    for email, reason in zip(
        emails[3:], (SuppressionReason.HARD_BOUNCE, SuppressionReason.COMPLAINT), strict=False
    ):
        suppress(email, reason, source="fuzz")
    suppress(ERASED_ADDRESS, SuppressionReason.HARD_BOUNCE, source="fuzz")
    erase_consent([ERASED_ADDRESS], datetime(2026, 3, 1, tzinfo=UTC))
    return [
        ERASED_ADDRESS,
        *(confirmation_token(email) for email in emails[1:2]),
        *(unsubscribe_token(email) for email in emails[:1]),
    ]


def seeded_values() -> tuple[list[str], list[str]]:
    """Real global IDs, and real emails, signed tokens and cursors, for the
    generated arguments to draw from (random ones name nothing).
    """
    profiles = list(CustomerProfile.objects.order_by("pk")[:5])
    tickets = list(Ticket.objects.order_by("number")[:5])
    ids = [
        *(to_global_id("CustomerProfile", p.pk) for p in profiles),
        *(to_global_id("User", p.user_id) for p in profiles if p.user_id),
        *(to_global_id("Ticket", t.pk) for t in tickets),
        *(to_global_id("Order", o) for o in OrderFact.objects.values_list("pk", flat=True)[:5]),
        *(to_global_id("Interaction", i.pk) for i in Interaction.objects.order_by("pk")[:3]),
        *(to_global_id("Segment", s.pk) for s in Segment.objects.order_by("pk")[:3]),
        *(
            to_global_id("User", pk)
            for pk in get_user_model()
            .objects.filter(username__startswith=STAFF_USERNAME_PREFIX)
            .values_list("pk", flat=True)[:3]
        ),
    ]
    data = execute(CURSORS, requestor=REQUESTORS["staff"]).data
    cursors = [edge["cursor"] for connection in data.values() for edge in connection["edges"]]
    strings = [
        *(p.email for p in profiles),
        *(desk.access_token(t) for t in tickets),
        *(desk.survey_token(t) for t in tickets),
        *cursors,
    ]
    return ids, strings


def test_generated_operations_get_no_500_and_only_typed_errors(tmp_path):
    # given: the demo store, a token per requestor kind, the fuzzer's environment
    call_command("crm_demo_data", customers=DEMO_CUSTOMERS, stdout=io.StringIO())
    create_segment("Recent VIPs", DEMO_SEGMENT_RULES)
    create_segment("Everyone", {})
    consent_strings = seed_consent()
    ids, strings = seeded_values()
    strings += consent_strings
    kinds = requestor_kinds()
    python = fuzz_python()
    plan_path, report_path = tmp_path / "plan.json", tmp_path / "report.json"

    # when
    with serving() as origin:
        plan = {
            "url": origin + GRAPHQL_URL,
            "schema": str(REPO / "graphql" / "schema.graphql"),
            "operations": OPERATIONS,
            "kinds": kinds,
            "ids": ids,
            "strings": strings,
            "report": str(report_path),
        }
        plan_path.write_text(json.dumps(plan))
        subprocess.run(
            [python, FUZZ_DIR / "graphql_fuzz.py", plan_path],
            check=True,
            timeout=1200,
            stdout=sys.stdout,
            stderr=sys.stderr,
        )

    # then
    report = json.loads(report_path.read_text())
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    operations, figures = report["operations"], report["kinds"]
    assert set(figures) == set(kinds)
    assert operations["total"] >= OPERATIONS
    assert min(operations["queries"], operations["mutations"]) > OPERATIONS / 4
    assert {kind: f["requests"] for kind, f in figures.items()} == dict.fromkeys(
        kinds, operations["total"]
    )
    # The generated operations reach the resolvers, not only the permission check.
    assert figures["staff_manage_users_and_orders"]["with_data"] > OPERATIONS / 4
    failing = {kind: f["failures"] for kind, f in figures.items() if f["failures"]}
    assert not failing, json.dumps(
        {"failures": failing, "samples": report["samples"]}, indent=1, ensure_ascii=False
    )
