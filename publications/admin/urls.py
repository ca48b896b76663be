"""Admin pages of the publications app beside those of its model admins."""

from django.contrib import admin
from django.urls import path

from publications.admin.export_page import publication_export_view
from publications.admin.import_page import publication_import_view

urlpatterns = [
    path(
        "export/",
        admin.site.admin_view(publication_export_view),
        name="publication-export",
    ),
    path(
        "import/",
        admin.site.admin_view(publication_import_view),
        name="publication-import",
    ),
]
