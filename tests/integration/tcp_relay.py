"""A TCP relay for the integration tests: 127.0.0.1:PORT -> a unix socket (the stack's MariaDB),
byte for byte. It stands for a second database server in mysql_servers that the tests can make
vanish (stop: listener and every connection closed at once, as a killed server's are) and come
back on the same port. It counts the connections it accepted, so a test can tell which server
the workers use."""

import os
import socket
import threading


class Relay:
    def __init__(self, target_socket, port=0):
        self.target = target_socket
        self.port = port
        self.accepted = 0
        self._lock = threading.Lock()
        self._listener = None
        self._conns = []

    def start(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(64)
        self.port = s.getsockname()[1]
        self._listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # stopped meanwhile
                    client.close()
                    upstream.close()
                    return
                self.accepted += 1
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self):
        """Closes the listener and cuts every connection (RST), as a killed server would."""
        with self._lock:
            listener, self._listener = self._listener, None
            conns, self._conns = self._conns, []
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes the accept thread (Linux)
            except OSError:
                pass
            listener.close()
        for s in conns:
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                s.close()
            except OSError:
                pass

    def open_connections(self):
        with self._lock:
            return len(self._conns) // 2


if __name__ == "__main__":
    raise SystemExit("a helper of the integration tests: " + os.path.basename(__file__))
