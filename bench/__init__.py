"""Benchmarks of Folio: the public site (site.py) and the exports (export.py)."""
