from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import CommandError

from accounts.commands import AuditedCommand
from warehouse import config
from warehouse.engine import EngineError
from warehouse.reads.authorized_views import authorized_views_apply


class Command(AuditedCommand):
    help = (
        "BigQuery only: create each role's governed_<role> dataset of masked views and authorize the "
        "views on their source datasets (docs/warehouse-access.md, BigQuery)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", action="append", help="Only this role (by name); repeatable.")

    def handle(self, *args, role, **options):
        if settings.WAREHOUSE_BACKEND != "bigquery":
            raise CommandError("Authorized views are a BigQuery feature; WAREHOUSE_BACKEND is not bigquery.")
        roles = None
        if role:
            roles = list(Group.objects.filter(name__in=role))
            unknown = set(role) - {g.name for g in roles}
            if unknown:
                raise CommandError(f"No role named {', '.join(sorted(unknown))}.")
        try:
            with config.engine() as engine:
                views = authorized_views_apply(engine=engine, roles=roles)
        except EngineError as exc:
            raise CommandError(f"BigQuery refused: {exc}") from exc
        for view in views:
            masked = ", ".join(view.masked) or "none"
            self.stdout.write(
                f"{view.dataset}.{view.view} <- {view.source} (masked: {masked}; rows: {view.row_filter})"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(views)} governed view(s) created and authorized."))
