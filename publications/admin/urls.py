"""Admin pages of the publications app beside those of its model admins."""

from django.contrib import admin
from django.urls import path

from publications.admin.export_page import publication_export_view

urlpatterns = [
    path(
        "export/",
        admin.site.admin_view(publication_export_view),
        name="publication-export",
    ),
]
