"""Placeholder: replaced by the dashboard's own module (issue 17)."""


def dashboard_context(request, params) -> dict:
    return {}
