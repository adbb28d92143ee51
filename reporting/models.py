"""Reporting keeps no model of its own yet: metrics are declared in `metrics.yml` and dashboards in
`reporting.dashboards` (code, reviewed like code). Saved reports and schedules will live here."""
