import signal

import psycopg2
from django.core.management.base import CommandError

from accounts.commands import AuditedCommand
from warehouse.cdc.models import CdcSource
from warehouse.cdc.runner import consumer_for
from warehouse.cdc.source_setup import SetupError


class Command(AuditedCommand):
    help = "Stream a source's changes into the raw lake until SIGTERM/SIGINT (or --until-idle)."

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True)
        parser.add_argument("--until-idle", type=float, help="Stop after this many seconds without changes.")
        parser.add_argument("--max-attempts", type=int, help="Give up after this many failed connections.")

    def handle(self, *args, source, until_idle, max_attempts, **options):
        cdc = CdcSource.objects.filter(name=source).first()
        if cdc is None:
            raise CommandError(f"No CDC source named {source!r}.")
        consumer = consumer_for(cdc, max_attempts=max_attempts)
        signal.signal(signal.SIGTERM, consumer.request_stop)
        signal.signal(signal.SIGINT, consumer.request_stop)
        try:
            stats = consumer.run(until_idle=until_idle)
        except (SetupError, psycopg2.Error) as exc:
            raise CommandError(f"Capture stopped: {str(exc).strip()}") from exc
        changes = sum(v for k, v in stats.items() if not k.startswith("_"))
        self.stdout.write(self.style.SUCCESS(f"Stopped: {changes} changes in {stats['_batches']} batches."))
