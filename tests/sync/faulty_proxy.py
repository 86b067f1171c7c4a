"""A tiny TCP proxy on 127.0.0.1 that breaks connections on purpose.

``cut_upload_after``: close a connection once it has carried that many bytes towards the server
(a photo cut mid-body), ``cuts`` times. ``drop_responses``: close a connection as soon as the
server starts answering (the server committed, the client never hears), ``drops`` times.
"""

import contextlib
import socket
import threading
from dataclasses import dataclass, field


@dataclass
class FaultyProxy:
    target_port: int
    cut_upload_after: int = 0
    cuts: int = 0
    drops: int = 0
    port: int = 0
    cut_done: int = 0
    drop_done: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _listener: socket.socket | None = None

    def start(self) -> "FaultyProxy":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.close()

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pump_up, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump_down, args=(upstream, client), daemon=True).start()

    def _take(self, kind: str) -> bool:
        with self._lock:
            if kind == "cut" and self.cut_done < self.cuts:
                self.cut_done += 1
                return True
            if kind == "drop" and self.drop_done < self.drops:
                self.drop_done += 1
                return True
            return False

    def _pump_up(self, client: socket.socket, upstream: socket.socket) -> None:
        carried = 0
        while True:
            try:
                data = client.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            carried += len(data)
            if self.cut_upload_after and carried > self.cut_upload_after and self._take("cut"):
                upstream.sendall(data[: len(data) - (carried - self.cut_upload_after)])
                break
            try:
                upstream.sendall(data)
            except OSError:
                break
        _close(client, upstream)

    def _pump_down(self, upstream: socket.socket, client: socket.socket) -> None:
        while True:
            try:
                data = upstream.recv(65536)
            except OSError:
                data = b""
            if not data or self._take("drop"):
                break
            try:
                client.sendall(data)
            except OSError:
                break
        _close(client, upstream)


def _close(*sockets: socket.socket) -> None:
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
