from accounts.commands import AuditedCommand
from submissions.services import templates_load


class Command(AuditedCommand):
    help = "Load the built-in submission templates from submissions/reference/templates.yaml (idempotent)."

    def handle(self, *args, **options):
        created, updated = templates_load()
        self.stdout.write(f"Templates: {created} created, {updated} updated.")
