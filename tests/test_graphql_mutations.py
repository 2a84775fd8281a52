"""BaseMutation: the permission in Meta, one transaction, typed errors."""

import graphene
import pytest
from django.core.exceptions import ValidationError

from saleor_crm_plugin.graphql.core.mutations import BaseMutation
from saleor_crm_plugin.graphql.core.permissions import MANAGE_USERS
from saleor_crm_plugin.graphql.schema import CRMContext
from saleor_crm_plugin.graphql.tickets.types import TicketError
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.error_codes import TicketErrorCode
from saleor_crm_plugin.tickets.models import SLAPolicy
from tests.conftest import REQUESTORS

pytestmark = pytest.mark.django_db


class SlaProbe(BaseMutation):
    """Writes a policy, then fails as asked."""

    written = graphene.Boolean(description="The policy was written.")

    class Arguments:
        fail = graphene.String(description="validation, domain or nothing.")

    class Meta:
        description = "Test mutation."
        permission = MANAGE_USERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, fail=None):
        SLAPolicy.objects.create(priority="urgent", first_response_minutes=5, resolution_minutes=9)
        if fail == "validation":
            raise ValidationError(
                {"priority": ValidationError("Taken.", code=TicketErrorCode.REQUIRED.value)}
            )
        if fail == "domain":
            raise desk.TicketError("priority", "Closed.", TicketErrorCode.CLOSED)
        return cls(written=True)


class ProbeQuery(graphene.ObjectType):
    ok = graphene.Boolean(description="Unused.")


class ProbeMutation(graphene.ObjectType):
    sla_probe = SlaProbe.Field()


SCHEMA = graphene.Schema(query=ProbeQuery, mutation=ProbeMutation)

MUTATION = """
mutation ($fail: String) {
  slaProbe(fail: $fail) { written errors { field code message } }
}
"""


def run(fail=None, requestor="staff"):
    return SCHEMA.execute(
        MUTATION,
        variable_values={"fail": fail},
        context_value=CRMContext(requestor=REQUESTORS[requestor]),
    )


def test_errors_come_first_in_the_payload():
    assert list(SlaProbe._meta.fields) == ["errors", "written"]


def test_a_successful_mutation_has_no_errors():
    # when
    result = run()

    # then
    assert result.errors is None
    assert result.data["slaProbe"] == {"written": True, "errors": []}
    assert SLAPolicy.objects.count() == 1


@pytest.mark.parametrize(
    ("fail", "error"),
    [
        ("validation", {"field": "priority", "code": "REQUIRED", "message": "Taken."}),
        ("domain", {"field": "priority", "code": "CLOSED", "message": "Closed."}),
    ],
)
def test_a_refused_mutation_reports_the_error_and_writes_nothing(fail, error):
    # when
    result = run(fail)

    # then
    assert result.errors is None
    assert result.data["slaProbe"] == {"written": None, "errors": [error]}
    assert not SLAPolicy.objects.exists()


@pytest.mark.parametrize("requestor", ["anonymous", "customer", "staff_without_permissions"])
def test_meta_permission_is_checked(requestor):
    # when: outside the CRM schema, without its permission middleware
    result = run(requestor=requestor)

    # then
    assert [e.original_error.code for e in result.errors] == ["PermissionDenied"]
    assert result.data["slaProbe"] is None
    assert not SLAPolicy.objects.exists()
