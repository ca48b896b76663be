"""Data derived from content for readers' pages, kept current as it changes.

changes.py queues every changed publication in the change's transaction;
drain.py applies the queue to the stored related items (related.py); each
worker's facet index reads the same queue (publications.facets).
"""
