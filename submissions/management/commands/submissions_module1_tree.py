from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from lxml import etree

from submissions.reference import HERE
from submissions.reference.module1 import module1_yaml


class Command(BaseCommand):
    help = (
        "Write submissions/reference/us-module1.yaml (the FDA Module 1 headings) from the FDA "
        "regional DTD at DTD_PATH (us-regional-v3-3.dtd). Touches no database row."
    )

    def add_arguments(self, parser):
        parser.add_argument("dtd_path")
        parser.add_argument(
            "--out", default=str(HERE / "us-module1.yaml"), help="Where to write (default: the shipped file)."
        )

    def handle(self, *args, dtd_path, out, **options):
        if not Path(dtd_path).is_file():
            raise CommandError(f"{dtd_path}: no such file (give the path of us-regional-v3-3.dtd).")
        try:
            text = module1_yaml(dtd_path)
        except (etree.DTDParseError, KeyError, ValueError) as exc:
            raise CommandError(f"{dtd_path} is not the FDA regional DTD: {exc}") from exc
        Path(out).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {out}.")
