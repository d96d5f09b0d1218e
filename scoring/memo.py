"""A small in-process memo in front of the shared cache, for values under versioned keys.

The shared cache (Redis in production) hands back pickled bytes; unpickling a group's
analysis and what is derived from it costs a view several milliseconds, every view. A key
of `scoring.cached` names a version of the group and an hour, so the value under it never
changes: a process may keep the unpickled object it last read and hand it out again. The
version is still asked of the shared cache on every call (`scoring.versions`), so a write
in another process shows at once: it makes a new key, and the old entry is never read
again; it leaves when the memo is full.

Bounded twice, least recently used out first: at most `max_entries` values, and at most
`max_bytes` of them counted by their pickled size. Unpickled, an analysis takes about five
times its pickled size in memory (measured with tracemalloc: 4.8x at 50 members, 5.1x at
200), so the defaults (`MEMO_ENTRIES`, `MEMO_BYTES`) cap what a web process keeps at
about 60 MB: some 15 analyses of 500 members, or many more small groups.

Every caller gets the same object: nothing may change what it gets (the analysis and its
derived values are read-only by contract; tests check the page leaves them as they were).
Thread-safe: gunicorn's threads share one memo.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

MEMO_ENTRIES = 64  # a few groups' analyses with their plan, forecast and pictures
MEMO_BYTES = 12 * 1024 * 1024  # pickled; a 500-member analysis is about 0.7 MB

_MISSING = object()


class Memo:
    """A bounded least-recently-used map of key -> (value, weight)."""

    def __init__(self, *, max_entries: int = MEMO_ENTRIES, max_bytes: int = MEMO_BYTES):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str, default=None):
        with self._lock:
            found = self._entries.get(key, _MISSING)
            if found is _MISSING:
                return default
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: str, value, weight: int) -> None:
        """Keep `value` (`weight`: its pickled size); one bigger than the whole memo is
        not kept."""
        if weight > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, weight)
            self._bytes += weight
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """The pickled bytes of what is kept."""
        return self._bytes
