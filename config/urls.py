"""Root URL configuration."""

import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from config.views import favicon, healthz
from core.views import public_media
from publications.discovery_views import robots_txt, sitemap_index
from publications.sitemaps import SITEMAPS

handler500 = "config.views.server_error"

admin.site.site_header = f"{settings.FOLIO_SITE_NAME}: editors"
admin.site.site_title = f"{settings.FOLIO_SITE_NAME} admin"
admin.site.index_title = "Publications, authors and series"

urlpatterns = [
    # Before the admin's own URLs, which would otherwise claim the path.
    path("admin/publications/", include("publications.admin.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    # Public uploads (images) in development and production alike, from
    # local folders or a bucket (core.storage); PDFs live in private storage
    # and are served only by the access-checked view.
    re_path(
        rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
        public_media,
        name="public-media",
    ),
    path("", include("opendata.urls")),
    path("", include("publications.urls")),
]
