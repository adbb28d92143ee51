"""Scheduled deliveries of a saved report or a dashboard by e-mail (docs/report-schedules.md).

`services` saves a schedule with its django-celery-beat task; `recipients` decides who may receive
it; `delivery` builds, renders and sends one slot's PDF; `reporting.tasks.deliver_schedule` is
what beat fires."""
