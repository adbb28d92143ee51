"""The score formula (docs/quality.md) against hand-computed cases, and where its inputs come from."""

import pytest
from django.utils import timezone

from catalog.models import DataCheck, Dataset
from governance.models import CheckResult, QualityCheck
from governance.quality.score import Outcome, score
from governance.quality.services import quality_score_record


def test_all_checks_passing_score_100_in_the_dimensions_they_cover():
    result = score([Outcome("not_null", True), Outcome("unique", True)])
    assert result == {
        "completeness": 100.0,
        "validity": None,
        "uniqueness": 100.0,
        "consistency": None,
        "timeliness": None,
        "total": 100.0,
    }


def test_hand_computed_mix_of_dimensions():
    # completeness: not_null failing 10 of 100 rows → ½ + ½·0.9 = 0.95; row_count passed → 1 ⇒ 97.5
    # validity: range failing 50 of 50 rows → ½ + 0 = 0.5 ⇒ 50
    # timeliness: freshness failed, no row measure → 0 ⇒ 0
    # total = (0.25·97.5 + 0.25·50 + 0.15·0) / (0.25 + 0.25 + 0.15) = 36.875 / 0.65 = 56.73
    result = score(
        [
            Outcome("not_null", False, 10, 100),
            Outcome("row_count", True),
            Outcome("range", False, 50, 50),
            Outcome("freshness", False),
        ]
    )
    assert (result["completeness"], result["validity"], result["timeliness"]) == (97.5, 50.0, 0.0)
    assert result["total"] == 56.73


def test_all_five_dimensions_weigh_as_documented():
    # 100, 0, 100, 0, 100 with weights .25 .25 .20 .15 .15 ⇒ 25 + 20 + 15 = 60
    outcomes = [
        Outcome("not_null", True),
        Outcome("accepted_values", False),
        Outcome("unique", True),
        Outcome("referential", False),
        Outcome("freshness", True),
    ]
    assert score(outcomes)["total"] == 60.0


def test_no_checks_no_score():
    assert score([]) is None


@pytest.mark.django_db
def test_a_dataset_is_scored_from_its_latest_results_and_its_dbt_tests():
    dataset = Dataset.objects.create(namespace="duckdb://custodian", name="w.curated.fact_x", row_count=200)
    check = QualityCheck.objects.create(dataset=dataset, check_type="not_null", column="a")
    earlier, now = timezone.now() - timezone.timedelta(hours=1), timezone.now()
    CheckResult.objects.create(
        quality_check=check, status="fail", failing_count=200, rows_checked=200, ran_at=earlier
    )
    CheckResult.objects.create(
        quality_check=check, status="pass", failing_count=0, rows_checked=200, ran_at=now
    )
    # dbt tests are read where the catalog keeps them: unique failing on 20 of 200 rows → 0.95
    DataCheck.objects.create(
        unique_id="test.x.unique",
        dataset=dataset,
        name="unique_x",
        test_type="unique",
        last_status="fail",
        last_failures=20,
    )
    DataCheck.objects.create(
        unique_id="test.x.gone",
        dataset=dataset,
        name="gone",
        test_type="unique",
        last_status="fail",
        last_failures=200,
        removed_at=now,
    )
    recorded = quality_score_record(dataset=dataset)
    # completeness 100 (.25), uniqueness 95 (.20) ⇒ (25 + 19) / .45 = 97.78
    assert (recorded.completeness, recorded.uniqueness, recorded.total) == (100.0, 95.0, 97.78)
