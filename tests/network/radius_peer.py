"""Test scaffolding: a tiny RADIUS server (pyrad packets on a loopback UDP port) standing in for the
FreeRADIUS the `radius` branch configures, so the simulator's dials and accounting have a peer.
When the branches merge, tests switch to the real FreeRADIUS; this is not ispbill code.

    peer.users["rahim"] = ("pw", {"Mikrotik-Rate-Limit": "5M/10M", "Framed-IP-Address": "100.64.9.9"})
    peer.accounting  -> every Accounting-Request's attributes, in order
"""

from __future__ import annotations

import socket
import threading

from pyrad import packet

from network.radius_coa import radius_dictionary


class RadiusPeer:
    def __init__(self, secret: str, bind: str = "127.0.0.1") -> None:
        self.secret = secret.encode()
        self.users: dict[str, tuple[str, dict]] = {}
        self.auth_requests: list[dict] = []
        self.accounting: list[dict] = []
        self.silent = False
        self._auth = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._auth.bind((bind, 0))
        self._acct = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._acct.bind((bind, 0))
        self.host = bind
        self.auth_port = self._auth.getsockname()[1]
        self.acct_port = self._acct.getsockname()[1]
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, args=(self._auth, self._answer_auth), daemon=True),
            threading.Thread(target=self._loop, args=(self._acct, self._answer_acct), daemon=True),
        ]
        for sock in (self._auth, self._acct):
            sock.settimeout(0.1)
        for thread in self._threads:
            thread.start()

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        self._auth.close()
        self._acct.close()

    def _loop(self, sock, answer) -> None:
        while not self._stop.is_set():
            try:
                raw, source = sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if self.silent:
                continue
            reply = answer(raw)
            if reply is not None:
                sock.sendto(reply, source)

    @staticmethod
    def _attributes(request) -> dict:
        return {key: request[key] for key in request.keys() if isinstance(key, str)}

    def _answer_auth(self, raw: bytes) -> bytes | None:
        request = packet.AuthPacket(packet=raw, secret=self.secret, dict=radius_dictionary())
        name = request["User-Name"][0]
        password = request.PwDecrypt(request["User-Password"][0])
        self.auth_requests.append({**self._attributes(request), "User-Password": [password]})
        user = self.users.get(name)
        reply = request.CreateReply()
        if user is not None and user[0] == password:
            reply.code = packet.AccessAccept
            for key, value in user[1].items():
                reply[key] = value
        else:
            reply.code = packet.AccessReject
        return reply.ReplyPacket()

    def _answer_acct(self, raw: bytes) -> bytes | None:
        request = packet.AcctPacket(packet=raw, secret=self.secret, dict=radius_dictionary())
        if not request.VerifyAcctRequest():
            return None
        self.accounting.append(self._attributes(request))
        return request.CreateReply().ReplyPacket()
