from django.urls import path

from portal.auditor import downloads, login, sections, views

app_name = "portal"

E = "e/<int:engagement_id>/"

urlpatterns = [
    path("", login.index, name="index"),
    path("logout/", login.sign_out, name="logout"),
    path(E, views.home, name="engagement"),
    path(E + "terms/", views.terms, name="terms"),
    path(E + "framework/", views.framework, name="framework"),
    path(E + "snapshots/", views.snapshots, name="snapshots"),
    path(E + "snapshots/<int:snapshot_id>/", views.snapshot, name="snapshot"),
    path(E + "snapshots/<int:snapshot_id>/package/", downloads.snapshot_package, name="snapshot_package"),
    path(E + "evidence/", views.evidence, name="evidence"),
    path(E + "evidence/<int:evidence_id>/file/", downloads.evidence_file, name="evidence_file"),
    path(E + "requests/", views.requests, name="requests"),
    path(E + "requests/<int:request_id>/", views.request_detail, name="request"),
    path(E + "objects/<slug:section>/", sections.section_list, name="section"),
]
