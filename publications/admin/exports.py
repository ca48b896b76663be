"""Export integration for the publication admins: button, action, permission."""

import tempfile

from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, JSON, XLSX
from import_export.forms import ExportForm
from import_export.signals import post_export

from publications import exports
from publications.resources import PublicationResource
from publications.roles import may_export


def export_response(publications, file_format, *, filename_stem, with_content=False):
    """Return a download of *publications*; CSV and JSON are streamed.

    *file_format* is "csv", "xlsx" or "json"; *with_content* adds the
    content columns (publications.resources.CONTENT_COLUMNS).
    """
    filename = f"{filename_stem}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    content_type = exports.CONTENT_TYPES[file_format]
    if file_format == "xlsx":
        # A workbook is a zip file finished only at the end: build it on disk,
        # not in memory, then send the file.
        out = tempfile.TemporaryFile()
        exports.write_publications_xlsx(publications, out, with_content=with_content)
        out.seek(0)
        response = FileResponse(
            out, as_attachment=True, filename=filename, content_type=content_type
        )
    else:
        if file_format == "csv":
            # The byte order mark makes Excel read the file as UTF-8.
            pieces = exports.iter_publications_csv(
                publications, byte_order_mark=True, with_content=with_content
            )
        else:
            pieces = exports.iter_publications_json(
                publications, with_content=with_content
            )
        response = StreamingHttpResponse(pieces, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    patch_cache_control(response, private=True, no_store=True)
    return response


class PublicationExportMixin(ExportActionMixin):
    """The Export button and the "Export selected" action of a publication admin.

    Both export the rows of the change list as filtered and searched, with
    PublicationResource's columns, through the project's own writers (the
    formula rule and streaming); only users with the export permission see
    or reach them.
    """

    resource_classes = [PublicationResource]
    export_formats = [CSV, XLSX, JSON]
    # The columns are fixed, so there is nothing to choose but the format.
    export_form_class = ExportForm
    show_change_form_export = False
    change_form_template = None

    def has_export_permission(self, request):
        return may_export(request.user) and self.has_view_permission(request)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # django-import-export adds its action with the pre-6.1 signature;
        # keep it on the change list and leave change-form actions to Django.
        if action_location == ActionLocation.CHANGE_LIST:
            return super().get_actions(request)
        return super(ExportActionMixin, self).get_actions(
            request, action_location=action_location
        )

    def export_action(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        return super().export_action(request)

    def export_admin_action(self, request, queryset):
        if not self.has_export_permission(request):
            raise PermissionDenied
        if request.POST.get("select_across") == "1":
            # "Select all": the whole filtered list, as the Export button
            # gives it, without a hidden field for every row.
            url = reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_"
                f"{self.opts.model_name}_export"
            )
            if request.GET:
                url = f"{url}?{request.GET.urlencode()}"
            return HttpResponseRedirect(url)
        return super().export_admin_action(request, queryset)

    def get_valid_export_item_pks(self, request):
        # Selected rows count only if the filtered list holds them; this also
        # replaces the default, which loads every id of the table.
        selected = [pk for pk in request.POST.getlist("export_items") if pk.isdigit()]
        return (
            self.get_export_queryset(request)
            .filter(pk__in=selected)
            .values_list("pk", flat=True)
        )

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        # The one place django-import-export builds the download: replaced so
        # that every admin export streams and applies the project's rules.
        if not self.has_export_permission(request):
            raise PermissionDenied
        response = export_response(
            queryset,
            file_format.get_extension(),
            filename_stem=slugify(str(self.opts.verbose_name_plural)),
        )
        post_export.send(sender=None, model=self.model)
        return response
