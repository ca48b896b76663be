"""The admin toolkit Folio's apps share; it registers no model of its own."""
