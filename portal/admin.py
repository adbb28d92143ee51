from django.contrib import admin

admin.site.site_header = "Custodian"
admin.site.site_title = "Custodian"
admin.site.index_title = "Governance, data and regulatory reporting"
