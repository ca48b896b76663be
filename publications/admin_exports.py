"""Export integration for the publication admins (filled in by the export work)."""


class PublicationExportMixin:
    """Mixed into ReportAdmin and RelatedPublicationAdmin for the export buttons."""
