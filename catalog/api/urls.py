from rest_framework.routers import SimpleRouter

from catalog.api import views

app_name = "catalog-api"
router = SimpleRouter()
router.register("systems", views.SystemViewSet, basename="system")
router.register("classifications", views.ClassificationViewSet, basename="classification")
router.register("datasets", views.DatasetViewSet, basename="dataset")
router.register("columns", views.ColumnViewSet, basename="column")
router.register("glossary-terms", views.GlossaryTermViewSet, basename="glossaryterm")
router.register("glossary-term-events", views.GlossaryTermEventViewSet, basename="glossarytermevent")
router.register("jobs", views.JobViewSet, basename="job")
router.register("lineage-events", views.LineageEventViewSet, basename="lineageevent")
router.register("lineage-edges", views.LineageEdgeViewSet, basename="lineageedge")
router.register("column-lineage-edges", views.ColumnLineageEdgeViewSet, basename="columnlineageedge")
router.register("checks", views.DataCheckViewSet, basename="datacheck")
router.register("suggestions", views.ClassificationSuggestionViewSet, basename="suggestion")
urlpatterns = router.urls
