"""The default cache of an instance without `CACHE_URL`: files under `var/`, shared by every
worker process of the machine, with the read-modify-write operations made atomic by a lock.

Why not local memory: the default cache holds counters that are only limits when every process
sees the same count — the rate limits of anonymous writes (`core/ratelimit.py`), allauth's limit
of wrong second-factor codes and its record of TOTP codes already used (a code replayed to
another gunicorn worker would otherwise pass). In local memory each worker counts alone, so
`WEB_WORKERS` workers multiply every limit. Why a lock: Django's file cache writes each entry
atomically (a temporary file renamed over the old one), but its `add` is "exists? then set" and
its `incr` is "get, then set", so two processes can both add, or both read the same count and
lose an increment. Here those run under an exclusive `flock` on one lock file per cache folder.
They are a few microseconds each and only anonymous writes and logins use them.

Several machines share limits only through Redis (`CACHE_URL`), where `add` and `incr` are
atomic by themselves.
"""

import fcntl
import os
import pickle  # nosec B403 - reads only this cache's own files, as Django's file cache does
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class SharedFileCache(FileBasedCache):
    LOCK_NAME = ".lock"  # not a cache entry: Django's entries end in ".djcache"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._createdir()  # type: ignore[attr-defined]
        fd = os.open(os.path.join(self._dir, self.LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o600)  # type: ignore[attr-defined]
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None) -> int:
        """BaseCache's incr sets the new value with the default timeout, which would give a rate
        limit's window counter a new life of 5 minutes at every count: the expiry is kept."""
        with self._locked():
            path = self._key_to_file(key, version)  # type: ignore[attr-defined]
            try:
                with open(path, "rb") as f:
                    expiry = pickle.load(f)  # noqa: S301  # nosec B301 - our own files, as in Django's get
                    if expiry is not None and expiry < time.time():
                        raise FileNotFoundError(path)
                    value = pickle.loads(zlib.decompress(f.read()))  # noqa: S301  # nosec B301
            except FileNotFoundError:
                raise ValueError(f"Key '{key}' not found") from None
            new_value = value + delta
            remaining = None if expiry is None else max(expiry - time.time(), 0.001)
            self.set(key, new_value, remaining, version)
            return new_value

    # BaseCache.decr calls self.incr(key, -delta), so it is covered.
