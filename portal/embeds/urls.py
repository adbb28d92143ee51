from django.urls import path

from portal.embeds import views

app_name = "embed"
urlpatterns = [path("<str:token>/", views.embed_dashboard, name="dashboard")]
