"""memcached's text protocol, for the integration harness (tests/integration/harness.py) and make
bench (tests/bench/bench.py): one command to the stack's memcached, its whole answer back."""

import socket


def ask(where, command, timeout=10):
    """Sends `command` (bytes, ending in CRLF) to the memcached at `where` (a unix socket path,
    or host:port) and returns its answer, read up to the closing END line."""
    if where.startswith("/"):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(timeout)
        s.connect(where)
    else:
        host, port = where.rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=timeout)
    with s:
        s.sendall(command)
        data = b""
        while not data.endswith(b"END\r\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return data
