from django.contrib import admin

from portal import admin_access, admin_engagements, admin_mfa  # noqa: F401  (registers the portal's admins)

admin.site.site_header = "Custodian"
admin.site.site_title = "Custodian"
admin.site.index_title = "Governance, data and regulatory reporting"
