"""Connecting to a Dask scheduler, failing fast: a bad address, a port that does not speak
Dask, or a cluster without workers is one line naming ``--scheduler`` within 20 seconds.

``scheduler_choice`` reads what the user passed ('serial', 'local' or an address);
``connect`` checks the address, makes sure a Dask scheduler answers there before handing it
to ``distributed.Client`` (whose reader would take an HTTP reply's first bytes as a frame
length and try to allocate exabytes, and whose connect can wait for minutes on a port that
accepts and never answers), and waits a bounded time for a worker.
"""

from __future__ import annotations

import re
import socket
import struct
from typing import Any

from alsprog.errors import InputError

PROBE_SECONDS = 5.0  # for the scheduler's greeting (a Dask scheduler speaks first)
WORKER_SECONDS = 8.0  # for at least one worker to be connected to it
PROTOCOLS = ("tcp", "tls", "ws", "wss", "ucx")
ADDRESS = re.compile(
    r"^(?P<protocol>[a-z]+)://(?P<host>\[[0-9a-fA-F:]+\]|[^/:\s]+)(:(?P<port>\d+))?$"
)
MAX_GREETING = 64 * 1024**2  # bytes; a scheduler's handshake is a few hundred
EXAMPLE = "pass tcp://HOST:8786 (the address `dask scheduler` prints), 'local' or 'serial'"


def scheduler_choice(scheduler: object) -> str | None:
    """None, 'serial', 'local' (either case) or a checked Dask address; InputError otherwise."""
    if scheduler is None:
        return None
    if not isinstance(scheduler, str):
        raise InputError(f"--scheduler {scheduler!r} is not text; {EXAMPLE}")
    text = scheduler.strip()
    if text.lower() in ("serial", "local"):
        return text.lower()
    if not text:
        raise InputError(f"--scheduler is empty; {EXAMPLE}")
    if text.startswith("inproc://"):
        raise InputError(
            f"--scheduler {scheduler!r} is an in-process address no other process reaches; "
            f"{EXAMPLE}"
        )
    match = ADDRESS.match(text)
    if match is None:
        hint = f"tcp://{text}:8786" if re.fullmatch(r"[\w.-]+", text) else "tcp://HOST:8786"
        raise InputError(
            f"--scheduler {scheduler!r} is not a Dask address; pass {hint} (the address "
            "`dask scheduler` prints), 'local' or 'serial'"
        )
    if match["protocol"] not in PROTOCOLS:
        raise InputError(
            f"--scheduler {scheduler!r}: protocol {match['protocol']!r} is not one Dask speaks "
            f"({', '.join(PROTOCOLS)}); {EXAMPLE}"
        )
    if match["port"] is not None and not 0 < int(match["port"]) < 65536:
        raise InputError(f"--scheduler {scheduler!r}: port {match['port']} is not 1-65535")
    return text


def probe(address: str, seconds: float = PROBE_SECONDS) -> None:
    """For a tcp:// address: InputError unless a Dask scheduler greets us within ``seconds``."""
    match = ADDRESS.match(address)
    if match is None or match["protocol"] != "tcp":
        return  # tls, ws, ucx: left to Client and its timeout
    host, port = match["host"].strip("[]"), int(match["port"] or 8786)
    try:
        with socket.create_connection((host, port), timeout=seconds) as connection:
            connection.settimeout(seconds)
            first = _read(connection, 8)
    except TimeoutError:
        raise InputError(
            f"--scheduler {address!r}: the port accepts connections but nothing answered "
            f"within {seconds:g} s, so it is not a Dask scheduler; check the address and port"
        ) from None
    except OSError as err:
        reason = (err.strerror or str(err) or type(err).__name__).lower()
        raise InputError(
            f"--scheduler {address!r}: cannot connect ({reason}); start a Dask scheduler "
            "there (`dask scheduler`), or pass 'local'"
        ) from None
    size = struct.unpack("<Q", first)[0] if len(first) == 8 else 0
    if not 0 < size <= MAX_GREETING:
        what = "an HTTP server" if first.startswith(b"HTTP") else "another service"
        raise InputError(
            f"--scheduler {address!r} is {what}, not a Dask scheduler; check the port (a "
            "scheduler listens on 8786 by default; 8787 is its web dashboard)"
        )


def _read(connection: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return data


def connect(address: str, timeout: float) -> Any:
    """A ``distributed.Client`` on ``address`` with at least one worker, or InputError in
    about ``PROBE_SECONDS + timeout + WORKER_SECONDS`` at most."""
    from distributed import Client

    probe(address)
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        detail = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise InputError(
            f"--scheduler {address!r}: cannot reach a scheduler within {timeout:g} s ({detail}); "
            "start a Dask scheduler there, or pass 'local'"
        ) from None
    try:
        client.wait_for_workers(1, timeout=WORKER_SECONDS)
    except (TimeoutError, OSError):
        client.close()
        raise InputError(
            f"--scheduler {address!r}: the scheduler has no workers (none joined within "
            f"{WORKER_SECONDS:g} s); start some with `dask worker {address}`"
        ) from None
    except BaseException:
        client.close()
        raise
    return client
