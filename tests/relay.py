"""A TCP relay that a test can cut and restore, in front of a real server."""

import socket
import threading


class Relay:
    """Forward connections from a free local port to *port*.

    cut() drops every open connection and refuses new ones, as a network
    outage would; restore() lets connections through again.
    """

    def __init__(self, port):
        self.target = ("127.0.0.1", port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.is_cut = False
        self.open = []
        self.lock = threading.Lock()
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self):
        with self.lock:
            self.is_cut = True
            for sock in self.open:
                _close(sock)
            self.open.clear()

    def restore(self):
        with self.lock:
            self.is_cut = False

    def close(self):
        self.running = False
        self.cut()
        _close(self.listener)

    def _accept(self):
        while self.running:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.is_cut:
                    _close(client)
                    continue
                try:
                    upstream = socket.create_connection(self.target, timeout=2)
                except OSError:
                    _close(client)
                    continue
                self.open += [client, upstream]
            threading.Thread(target=_pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()


def _pipe(source, target):
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        _close(source)
        _close(target)


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
