from django.urls import path

from . import views

app_name = "spreadsheets"

urlpatterns = [
    path("import/", views.import_upload, name="import-upload"),
    path("import/<int:pk>/", views.import_preview, name="import-preview"),
    path("export/", views.export, name="export"),
]
