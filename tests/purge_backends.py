"""Purge backends for tests: one that records, one that is always down."""

from publications.caching.purge_backends import PurgeBackend, PurgeError

RECORDING = "tests.purge_backends.RecordingPurgeBackend"
FAILING = "tests.purge_backends.FailingPurgeBackend"


class RecordingPurgeBackend(PurgeBackend):
    """Keep the keys of every purge, in order, in `purged`."""

    key_header = "xkey"
    purged = []

    def purge_batch(self, keys):
        self.purged.append(set(keys))


class FailingPurgeBackend(PurgeBackend):
    def purge_batch(self, keys):
        raise PurgeError("the cache is down")


def purged_keys():
    """Return every key purged so far, and forget them."""
    keys = set().union(*RecordingPurgeBackend.purged)
    RecordingPurgeBackend.purged.clear()
    return keys
