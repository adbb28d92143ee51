"""The `browser` service marker: missing Chromium is reported (a failure under REQUIRE_SERVICES=1)."""

import conftest


def test_missing_chromium_is_reported_as_a_missing_service(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "CHROMIUM", str(tmp_path / "no-chromium"))
    assert conftest._missing_services(["browser"]) == [
        f"browser ({tmp_path / 'no-chromium'} or the playwright package is missing)"
    ]


def test_an_executable_chromium_and_playwright_satisfy_it(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setattr(conftest, "CHROMIUM", str(fake))
    assert conftest._missing_services(["browser"]) == []
