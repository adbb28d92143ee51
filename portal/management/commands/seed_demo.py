from django.conf import settings
from django.core.management.base import CommandError

from accounts.commands import AuditedCommand
from accounts.demo import seed_accounts
from catalog.demo import seed_catalog
from governance.access.demo import seed_access_reviews
from governance.demo import seed_audits_and_capa, seed_governance
from governance.quality.demo import seed_quality
from portal.customer.demo import seed_customer_portal
from portal.demo import seed_portal
from portal.embeds.demo import seed_embeds
from reporting.demo import seed_reports
from reporting.schedules.demo import seed_schedules
from submissions.demo import seed_submissions
from warehouse.demo import seed_warehouse
from warehouse.reads.demo import seed_warehouse_access


class Command(AuditedCommand):
    help = "Create demo tenants and one user per role. Safe to run again: it changes nothing then."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with CUSTODIAN_ENV=production.")
        users = seed_accounts()
        seed_catalog()
        seed_governance()
        seed_audits_and_capa()
        submissions_note = seed_submissions()
        seed_portal()
        if submissions_note:
            self.stdout.write(submissions_note)

        self.stdout.write(f"Warehouse: demo source generated; {seed_warehouse()}.")
        self.stdout.write(f"Warehouse access: {seed_warehouse_access()}.")
        self.stdout.write(f"Data quality: {seed_quality()}.")
        self.stdout.write(f"Access reviews: {seed_access_reviews()}.")
        self.stdout.write(f"Saved reports: {seed_reports()}.")
        self.stdout.write(f"Report schedules: {seed_schedules()}.")
        sign_in_notes = [seed_customer_portal(), seed_embeds()]  # how to reach the customer pages
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Sign in at /admin/ as:"))
        for username, role, password in users:
            self.stdout.write(f"  {role:<20} {username:<12} {password}")
        self.stdout.write("Auditors and customer viewers have no admin access. The auditor signs in at")
        self.stdout.write("/portal/ with a TOTP code: manage.py portal_auditor_totp auditor")
        for note in sign_in_notes:
            self.stdout.write(note)
