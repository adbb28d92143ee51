"""The README's commands work as written: its manage.py lines and the OpenLineage curl example."""

import json
import os
import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from catalog.models import ColumnLineageEdge, Dataset, LineageEdge

REPO = Path(settings.BASE_DIR)
README = (REPO / "README.md").read_text()
SAMPLE = REPO / "docs" / "examples" / "openlineage-event.json"
SPEC = REPO.parent / "shared" / "reference" / "openlineage-spec"
CORE = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
PYTHON = ".venv/bin/python manage.py "


def _inline_manage_commands() -> list[str]:
    return [span for span in re.findall(r"`([^`\n]+)`", README) if re.search(r"manage\.py \w", span)]


def test_every_manage_py_command_in_the_readme_names_the_virtualenv_python():
    commands = _inline_manage_commands()
    assert len(commands) >= 10
    assert [c for c in commands if not c.startswith(PYTHON)] == []


def test_every_manage_py_command_in_the_readme_exists_with_the_options_it_shows():
    known = get_commands()
    for line in _inline_manage_commands():
        name, *rest = line.removeprefix(PYTHON).split()
        assert name in known, f"README names `{name}`, which is not a command"
        parser = load_command_class(known[name], name).create_parser("manage.py", name)
        options = {o for action in parser._actions for o in action.option_strings}
        shown = {word.strip("[]").split("=")[0] for word in rest if word.strip("[").startswith("--")}
        assert shown <= options, f"{name}: README shows {sorted(shown - options)}, not options of the command"


def _facet_checks(event):
    """(facet, its schema's $ref) for every standard facet the event carries."""
    by_key = {}
    for path in SPEC.glob("*Facet.json"):
        document = json.loads(path.read_text())
        for key in document.get("properties", {}):
            by_key[key] = f"{document['$id']}#/properties/{key}"
    places = [event["run"], event["job"], *event["inputs"], *event["outputs"]]
    for place in places:
        for facets in ("facets", "inputFacets", "outputFacets"):
            for key, facet in place.get(facets, {}).items():
                yield facet, by_key[key]


def test_the_sample_event_is_valid_against_the_openlineage_spec():
    registry = Registry()
    for path in SPEC.glob("*.json"):
        document = json.loads(path.read_text())
        if "$id" in document:
            registry = registry.with_resource(document["$id"], Resource.from_contents(document))
    event = json.loads(SAMPLE.read_text())
    checks = [(event, f"{CORE}#/$defs/RunEvent"), *_facet_checks(event)]
    assert len(checks) >= 6
    for instance, ref in checks:
        validator = Draft202012Validator({"$ref": ref}, registry=registry, format_checker=FormatChecker())
        assert [e.message for e in validator.iter_errors(instance)] == [], ref


def _curl_line() -> str:
    block = re.search(r"```sh\n(TOKEN=.*?)```", README, re.S).group(1)
    [curl] = [line for line in block.splitlines() if line.startswith("curl ")]
    return curl


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_readme_curl_line_posts_the_sample_event_and_the_catalog_records_it(live_server, data_steward):
    out = StringIO()
    call_command("create_api_token", data_steward.username, stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    curl = _curl_line().replace("http://127.0.0.1:8000", live_server.url)
    assert "/api/v1/lineage" in curl and "@docs/examples/openlineage-event.json" in curl

    done = subprocess.run(
        ["bash", "-c", curl + " -o /dev/null -w '%{http_code}'"],
        cwd=REPO,
        env={**os.environ, "TOKEN": token},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.stdout == "201", done.stdout + done.stderr
    source = Dataset.objects.get(
        namespace="postgres://db.example.internal:5432", name="workorders.public.users"
    )
    target = Dataset.objects.get(namespace="gs://example-exports", name="active_users")
    edge = LineageEdge.objects.get(input_dataset=source, output_dataset=target)
    assert edge.job.name == "export_active_users"
    assert ColumnLineageEdge.objects.count() == 2


def _docs() -> dict[str, str]:
    files = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    return {path.name: " ".join(path.read_text().split()) for path in files}


def test_the_docs_point_at_no_file_outside_the_repository():
    outside = {name: re.findall(r"`?\.\./[\w./-]+", text) for name, text in _docs().items()}
    # `../<sequence>-manifest-sha256.txt`-style paths inside an unzipped package are not links.
    outside = {name: [p for p in found if "manifest" not in p] for name, found in outside.items()}
    assert {name: found for name, found in outside.items() if found} == {}


@pytest.mark.parametrize(
    ("doc", "setting"), [("warehouse.md", "WAREHOUSE_LINEAGE_SINK"), ("cdc.md", "CDC_CATALOG_SINK")]
)
def test_the_documented_lineage_hook_defaults_are_the_settings_defaults(doc, setting):
    documented = re.search(rf"{setting}`?\)? \(default `([\w.]+)`", _docs()[doc])
    assert documented and documented.group(1) == getattr(settings, setting)
