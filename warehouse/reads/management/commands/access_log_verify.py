"""Recompute every sealed day of the warehouse access log and name the first that differs."""

from django.core.management.base import BaseCommand, CommandError

from warehouse.reads.digest import access_log_verify


class Command(BaseCommand):
    help = "Check the warehouse access log against its daily digests; exit 1 at the first mismatch."

    def handle(self, *args, **options):
        report = access_log_verify()
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
