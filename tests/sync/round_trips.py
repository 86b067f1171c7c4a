"""A TCP relay in front of PostgreSQL that counts round trips: how often the database answers
after the client has sent something new. PostgreSQL sends its answers when a query is done,
or at a pipeline's sync or flush, so one wait of the client is one round trip here, however
many statements the client sent before it and however the bytes are cut into packets."""

import contextlib
import socket
import threading
from urllib.parse import urlsplit, urlunsplit


class RoundTrips:
    def __init__(self, database: str):
        self._target = urlsplit(database)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._lock = threading.Lock()
        self._asked: set[socket.socket] = set()  # client sockets with bytes not yet answered
        self.count = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        """The database's URL through this relay."""
        target = f"{self._target.hostname}:{self._target.port}"
        relay = f"127.0.0.1:{self._listener.getsockname()[1]}"
        return urlunsplit(self._target._replace(netloc=self._target.netloc.replace(target, relay)))

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection((self._target.hostname, self._target.port))
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, asking: bool) -> None:
        client = source if asking else sink
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            with self._lock:
                if asking:
                    self._asked.add(client)
                elif client in self._asked:
                    self._asked.discard(client)
                    self.count += 1
            try:
                sink.sendall(data)
            except OSError:
                break
        for sock in (source, sink):  # the other direction's pump ends too, closing its source
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        source.close()
