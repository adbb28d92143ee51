"""Deviations carry a due date: 30 days after they occurred unless set; overdue while not closed."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from governance.models import Deviation
from governance.services.audits import deviation_save

pytestmark = pytest.mark.django_db


def _deviation(owner, **fields):
    return Deviation(
        ref=fields.pop("ref", "DEV-1"), title="Backup skipped", kind="unplanned", owner=owner, **fields
    )


def test_without_a_due_date_it_is_due_30_days_after_it_occurred(compliance_officer):
    deviation = deviation_save(
        deviation=_deviation(compliance_officer, occurred_on=date(2026, 9, 15)), actor=compliance_officer
    )
    assert Deviation.objects.get(pk=deviation.pk).due_date == date(2026, 10, 15)


def test_a_due_date_before_the_deviation_is_refused_and_nothing_saved(compliance_officer):
    deviation = _deviation(compliance_officer, occurred_on=date(2026, 9, 15), due_date=date(2026, 9, 1))
    with pytest.raises(ValidationError, match="before the deviation occurred"):
        deviation_save(deviation=deviation, actor=compliance_officer)
    assert not Deviation.objects.exists()


@time_machine.travel(date(2026, 10, 31), tick=False)
def test_overdue_while_not_closed_past_the_due_date(client, compliance_officer):
    for ref, due, status in [
        ("DEV-1", date(2026, 10, 30), "open"),
        ("DEV-2", date(2026, 10, 31), "open"),
        ("DEV-3", date(2026, 10, 1), "closed"),
    ]:
        deviation = _deviation(
            compliance_officer,
            ref=ref,
            occurred_on=date(2026, 9, 1),
            due_date=due,
            status=status,
            impact_assessment="done",
        )
        deviation_save(deviation=deviation, actor=compliance_officer)
    assert [d.ref for d in Deviation.objects.order_by("ref") if d.is_overdue] == ["DEV-1"]
    client.force_login(compliance_officer)
    page = client.get("/admin/governance/deviation/?overdue=yes")
    assert [d.ref for d in page.context["cl"].result_list] == ["DEV-1"]
