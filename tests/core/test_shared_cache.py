"""The default cache without CACHE_URL (core/cache.py): counters shared by processes, exactly."""

import multiprocessing
import time

import pytest

from equilibri.core.cache import SharedFileCache

WORKERS, EACH = 4, 50


def _cache(path) -> SharedFileCache:
    return SharedFileCache(str(path), {"TIMEOUT": 300})


def _count(path, key: str) -> None:
    cache = _cache(path)
    for _ in range(EACH):
        cache.add(key, 0, timeout=60)
        cache.incr(key)


def _add_once(path, key: str, wins) -> None:
    if _cache(path).add(key, "mine", timeout=60):
        wins.put(1)


def test_increments_from_several_processes_are_all_counted(tmp_path):
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_count, args=(tmp_path, "hits")) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert _cache(tmp_path).get("hits") == WORKERS * EACH


def test_only_one_process_adds_a_key(tmp_path):
    ctx = multiprocessing.get_context("fork")
    wins = ctx.Queue()
    workers = [ctx.Process(target=_add_once, args=(tmp_path, "lock", wins)) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert wins.get(timeout=5) == 1
    assert wins.empty(), "a second process added the same key"


def test_incr_keeps_the_expiry_the_key_was_added_with(tmp_path):
    """Django's incr sets the new value with the default timeout: a one-hour window's counter
    would have lived 5 minutes from its last count; a short one would live far too long."""
    cache = _cache(tmp_path)
    cache.add("window", 0, timeout=1)
    assert cache.incr("window") == 1
    time.sleep(1.2)
    assert cache.get("window") is None


def test_incr_of_a_missing_or_expired_key_is_a_value_error(tmp_path):
    cache = _cache(tmp_path)
    with pytest.raises(ValueError, match="not found"):
        cache.incr("nothing")
    assert cache.add("never", 5, timeout=None)
    assert cache.incr("never", 2) == 7
    assert cache.decr("never") == 6
