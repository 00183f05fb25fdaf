"""A small, cheap HTTP/1.1 client for the benchmark: one socket per connection, keep-alive when
the server allows it (gunicorn's sync workers close after each response: the client reconnects),
no header parsing beyond what is needed to find the end of the body."""

from __future__ import annotations

import os
import resource
import socket
import threading
import time
from dataclasses import dataclass, field


class Connection:
    def __init__(self, host: str, port: int, timeout: float = 30.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.sock: socket.socket | None = None
        self.buf = b""
        self.cache = ""  # the X-Cache header of the last answer (HIT, MISS or "")
        self.server_ms: float | None = None  # its Server-Timing "dur", when the server sends one

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self.buf = sock, b""
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def get(self, path: str) -> tuple[int, int]:
        """GET path; returns (status, body length). Status 0 is a transport error."""
        for attempt in (0, 1):
            sock = self.sock or self._connect()
            try:
                sock.sendall(
                    f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                    "Accept: text/html,application/json\r\nAccept-Language: it\r\n\r\n".encode()
                )
                return self._read()
            except (ConnectionError, TimeoutError, OSError):
                self.close()
                if attempt:
                    return 0, 0
        return 0, 0

    def _recv(self) -> bytes:
        assert self.sock is not None
        data = self.sock.recv(262144)
        if not data:
            raise ConnectionResetError("closed")
        return data

    def _read(self) -> tuple[int, int]:
        buf = self.buf
        while b"\r\n\r\n" not in buf:
            buf += self._recv()
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked, close = None, False, False
        self.cache = ""
        self.server_ms = None
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
            elif name == b"x-cache":
                self.cache = value.strip().decode()
            elif name == b"server-timing" and b"dur=" in value:
                self.server_ms = float(value.split(b"dur=")[1].split(b";")[0].split(b",")[0])
        if chunked:
            body = b""
            while True:
                while b"\r\n" not in rest:
                    rest += self._recv()
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                while len(rest) < size + 2:
                    rest += self._recv()
                body += rest[:size]
                rest = rest[size + 2 :]
                if size == 0:
                    break
            length = len(body)
        elif length is not None:
            while len(rest) < length:
                rest += self._recv()
            rest = rest[length:]
        else:  # body until close
            try:
                while True:
                    rest += self._recv()
            except ConnectionResetError:
                pass
            length, rest, close = len(rest), b"", True
        self.buf = rest
        if close:
            self.close()
        return status, length


@dataclass
class LoadResult:
    duration_s: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    client_cpu_s: float = 0.0
    server_cpu_s: float | None = None
    cache: dict[str, int] = field(default_factory=dict)  # X-Cache: HIT / MISS / "" (none)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


def process_cpu_seconds(pids: list[int]) -> float | None:
    """utime + stime of the given processes (Linux /proc), None when unreadable."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    try:
        for pid in pids:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError, IndexError):
        return None
    return total


def load(
    host: str,
    port: int,
    paths: list[str],
    connections: int,
    duration_s: float,
    server_pids: list[int] | None = None,
    max_requests: int = 1_000_000,
) -> LoadResult:
    """`connections` threads, each with its own connection, go round the paths (each starting at
    a different offset) until duration_s has passed; bounded by max_requests in all."""
    lock = threading.Lock()
    per_thread: list[list[float]] = [[] for _ in range(connections)]
    statuses: list[dict[int, int]] = [{} for _ in range(connections)]
    caches: list[dict[str, int]] = [{} for _ in range(connections)]
    deadline = 0.0
    counter = [0]
    start_gate = threading.Barrier(connections + 1)

    def worker(n: int) -> None:
        conn = Connection(host, port)
        mine, seen, cached = per_thread[n], statuses[n], caches[n]
        i = n * len(paths) // connections
        start_gate.wait()
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline:
                break
            with lock:
                if counter[0] >= max_requests:
                    break
                counter[0] += 1
            status, _ = conn.get(paths[i % len(paths)])
            mine.append((time.perf_counter() - t0) * 1000)
            seen[status] = seen.get(status, 0) + 1
            cached[conn.cache] = cached.get(conn.cache, 0) + 1
            i += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for t in threads:
        t.start()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    server0 = process_cpu_seconds(server_pids or [])
    t0 = time.perf_counter()
    deadline = t0 + duration_s
    start_gate.wait()
    for t in threads:
        t.join(duration_s + 60)
    elapsed = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    server1 = process_cpu_seconds(server_pids or [])
    result = LoadResult(duration_s=elapsed)
    for mine in per_thread:
        result.latencies_ms.extend(mine)
    for seen in statuses:
        for status, count in seen.items():
            result.statuses[status] = result.statuses.get(status, 0) + count
    result.errors = sum(c for s, c in result.statuses.items() if s != 200)
    for cached in caches:
        for state, count in cached.items():
            result.cache[state] = result.cache.get(state, 0) + count
    result.client_cpu_s = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    if server0 is not None and server1 is not None:
        result.server_cpu_s = server1 - server0
    return result


def each_once(host: str, port: int, paths: list[str], connections: int) -> LoadResult:
    """Every path exactly once, `connections` at a time (to fill the page cache with the mix)."""
    lock = threading.Lock()
    result = LoadResult(duration_s=0.0)
    todo = iter(paths)

    def worker() -> None:
        conn = Connection(host, port)
        while True:
            with lock:
                path = next(todo, None)
            if path is None:
                break
            t0 = time.perf_counter()
            status, _ = conn.get(path)
            with lock:
                result.latencies_ms.append((time.perf_counter() - t0) * 1000)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                result.cache[conn.cache] = result.cache.get(conn.cache, 0) + 1
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.duration_s = time.perf_counter() - t0
    result.errors = sum(c for s, c in result.statuses.items() if s != 200)
    return result
