from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance import signing
from governance.verification import snapshot_verify


class Command(BaseCommand):
    help = "Verify a snapshot folder offline: every file, the manifest signature and the chain."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--previous", help="The previous month's snapshot folder, to check the chain.")
        parser.add_argument(
            "--public-key", help="PEM public key to trust (default: this portal's evidence key)."
        )
        parser.add_argument(
            "--folder-key",
            action="store_true",
            help="Trust the key shipped in the folder (report its fingerprint).",
        )

    def handle(self, *args, folder, previous, public_key, folder_key, **options):
        if not Path(folder).is_dir():
            raise CommandError(f"{folder}: not a folder.")
        trusted = (
            None
            if folder_key
            else (Path(public_key).read_bytes() if public_key else signing.public_key_pem())
        )
        passed, problems = snapshot_verify(
            Path(folder), public_key_pem=trusted, previous=Path(previous) if previous else None
        )
        for line in passed:
            self.stdout.write(line)
        for line in problems:
            self.stderr.write(line)
        if problems:
            raise CommandError(f"Snapshot verification FAILED: {len(problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS("Snapshot verified."))
