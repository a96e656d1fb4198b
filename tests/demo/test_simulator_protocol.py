"""The simulator's wire protocol, checked byte by byte with a raw socket."""

import socket

import pytest
from librouteros import protocol as librouteros_protocol

from demo.routeros.protocol import (
    WireError,
    decode_length,
    decode_sentence,
    encode_length,
    encode_sentence,
)

# (length, the prefix RouterOS puts in front of a word that long)
BOUNDARIES = [
    (0, b"\x00"),
    (0x7F, b"\x7f"),
    (0x80, b"\x80\x80"),
    (0x3FFF, b"\xbf\xff"),
    (0x4000, b"\xc0\x40\x00"),
    (0x1FFFFF, b"\xdf\xff\xff"),
    (0x200000, b"\xe0\x20\x00\x00"),
    (0xFFFFFFF, b"\xef\xff\xff\xff"),
    (0x10000000, b"\xf0\x10\x00\x00\x00"),
    (0xFFFFFFFF, b"\xf0\xff\xff\xff\xff"),
]


class RawClient:
    """A RouterOS API client with nothing in between: sentences in, sentences and raw bytes out."""

    def __init__(self, router, timeout=3.0):
        self.sock = socket.create_connection((router.host, router.port), timeout=timeout)
        self.buffer = b""

    def send(self, *words):
        self.sock.sendall(encode_sentence(words))

    def send_bytes(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the router")
        self.buffer += chunk

    def read_sentence(self):
        while True:
            try:
                words, end = decode_sentence(self.buffer)
            except (WireError, IndexError):
                self._fill()
                continue
            raw, self.buffer = self.buffer[:end], self.buffer[end:]
            return words, raw

    def read_reply(self):
        """Sentences up to and including !done (or a !fatal)."""
        sentences = []
        while True:
            words, _ = self.read_sentence()
            sentences.append(words)
            if words[0] in ("!done", "!fatal"):
                return sentences

    def command(self, *words):
        self.send(*words)
        return self.read_reply()

    def login(self, router):
        assert self.command("/login", f"=name={router.username}", f"=password={router.password}") == [["!done"]]

    def is_closed_by_peer(self):
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()


@pytest.fixture
def raw(routeros_router):
    client = RawClient(routeros_router)
    yield client
    client.close()


@pytest.mark.parametrize(("length", "prefix"), BOUNDARIES)
def test_length_prefix_at_each_boundary(length, prefix):
    assert encode_length(length) == prefix
    assert decode_length(prefix) == length


@pytest.mark.parametrize(("length", "prefix"), [item for item in BOUNDARIES if item[0] < 0x10000000])
def test_length_prefix_agrees_with_librouteros(length, prefix):
    assert librouteros_protocol.encode_length(length) == prefix
    assert librouteros_protocol.decode_length(prefix) == length


def test_decoder_refuses_reserved_control_bytes():
    with pytest.raises(WireError):
        decode_length(b"\xf8\x00\x00\x00\x00")
    with pytest.raises(WireError):
        encode_length(0x100000000)


def test_sentence_round_trip_keeps_utf8_and_stray_bytes():
    words = ["/ppp/secret/add", "=comment=রহিম, মিরপুর", "=name=a=b=c"]
    data = encode_sentence(words)
    assert data.endswith(b"\x00")
    assert decode_sentence(data) == (words, len(data))
    stray = b"\x05=x=\xff\xfe\x00"
    decoded, _ = decode_sentence(stray)
    assert encode_sentence(decoded) == stray


def test_command_before_login_is_fatal_and_closes(raw):
    raw.send("/ppp/secret/print")
    words, _ = raw.read_sentence()
    assert words == ["!fatal", "not logged in"]
    assert raw.is_closed_by_peer()


def test_bad_login_traps_then_done_and_the_connection_stays_usable(raw, routeros_router):
    reply = raw.command("/login", "=name=admin", "=password=wrong")
    assert reply == [["!trap", "=message=invalid user name or password (6)"], ["!done"]]
    assert raw.command("/ppp/secret/print")[0] == ["!fatal", "not logged in"]

    second = RawClient(routeros_router)
    second.login(routeros_router)
    assert second.command("/system/identity/print") == [["!re", f"=name={routeros_router.identity}"], ["!done"]]
    second.close()


def test_tag_is_echoed_on_every_reply_sentence_only_when_sent(raw, routeros_router):
    raw.login(routeros_router)
    raw.command("/ppp/secret/add", "=name=a")
    raw.command("/ppp/secret/add", "=name=b")

    tagged = raw.command("/ppp/secret/print", "=.proplist=name", ".tag=42")
    assert [sentence[:2] for sentence in tagged] == [["!re", ".tag=42"], ["!re", ".tag=42"], ["!done", ".tag=42"]]
    trapped = raw.command("/ppp/secret/add", "=name=a", ".tag=x7")
    assert all(".tag=x7" in sentence for sentence in trapped)

    untagged = raw.command("/ppp/secret/print", "=.proplist=name")
    assert not any(word.startswith(".tag") for sentence in untagged for word in sentence)


def test_add_returns_the_new_id_in_ret(raw, routeros_router):
    raw.login(routeros_router)
    reply = raw.command("/ppp/secret/add", "=name=rahim", "=password=s3cret")
    assert len(reply) == 1 and reply[0][0] == "!done"
    new_id = reply[0][1].removeprefix("=ret=")
    assert new_id.startswith("*")
    listed = raw.command("/ppp/secret/print", "?name=rahim", "=.proplist=.id,name")
    assert listed == [["!re", f"=.id={new_id}", "=name=rahim"], ["!done"]]


def test_unknown_commands_trap_like_routeros_7(raw, routeros_router):
    raw.login(routeros_router)
    assert raw.command("/ppp/secrett/print") == [
        ["!trap", "=category=0", "=message=no such command or directory (secrett)"],
        ["!trap", "=category=0", "=message=no such command prefix"],
        ["!done"],
    ]
    assert raw.command("/ppp/secret/frobnicate") == [["!trap", "=category=0", "=message=no such command"], ["!done"]]
    assert raw.command("/ppp/active/add", "=name=x") == [["!trap", "=category=0", "=message=no such command"], ["!done"]]


@pytest.mark.parametrize("word_length", [0x7F, 0x80, 0x3FFF, 0x4000])
def test_words_at_length_boundaries_cross_the_wire_both_ways(raw, routeros_router, word_length):
    raw.login(routeros_router)
    comment = "c" * (word_length - len("=comment="))
    word = f"=comment={comment}"
    assert len(word) == word_length
    raw.send_bytes(encode_sentence(["/ppp/secret/add", "=name=long", word]))
    assert raw.read_reply()[-1][0] == "!done"

    raw.send("/ppp/secret/print", "?name=long", "=.proplist=comment")
    words, raw_bytes = raw.read_sentence()
    assert words == ["!re", word]
    assert encode_length(word_length) + word.encode() in raw_bytes
    assert raw.read_reply() == [["!done"]]


def test_a_sentence_arriving_byte_by_byte_is_still_one_command(raw, routeros_router):
    raw.login(routeros_router)
    for byte in encode_sentence(["/system/identity/print"]):
        raw.send_bytes(bytes([byte]))
    assert raw.read_reply() == [["!re", f"=name={routeros_router.identity}"], ["!done"]]


def test_empty_sentences_are_ignored(raw, routeros_router):
    raw.login(routeros_router)
    raw.send_bytes(b"\x00\x00" + encode_sentence(["/system/identity/print"]))
    assert raw.read_reply()[-1] == ["!done"]


def test_quit_is_fatal_and_closes(raw, routeros_router):
    raw.login(routeros_router)
    assert raw.command("/quit") == [["!fatal", "session terminated on request"]]
    assert raw.is_closed_by_peer()


def _names(reply):
    return [word.removeprefix("=name=") for sentence in reply if sentence[0] == "!re" for word in sentence[1:]]


def test_print_queries_follow_routeros_stack_semantics(raw, routeros_router):
    raw.login(routeros_router)
    raw.command("/ppp/profile/add", "=name=10M", "=rate-limit=10M/10M")
    raw.command("/ppp/secret/add", "=name=a", "=comment=vip", "=limit-bytes-in=5")
    raw.command("/ppp/secret/add", "=name=b", "=profile=10M", "=limit-bytes-in=20")
    raw.command("/ppp/secret/add", "=name=c", "=disabled=yes", "=limit-bytes-in=300")

    def query(*words):
        return _names(raw.command("/ppp/secret/print", "=.proplist=name", *words))

    assert query("?name=b") == ["b"]
    assert query("?=name=b") == ["b"]
    assert query("?comment") == ["a"]
    assert query("?-comment") == ["b", "c"]
    assert query("?disabled=yes") == ["c"]
    assert query("?disabled=false") == ["a", "b"]
    assert query("?>limit-bytes-in=10") == ["b", "c"]  # numeric, not text order
    assert query("?<limit-bytes-in=20") == ["a"]
    assert query("?name=a", "?name=c", "?#|") == ["a", "c"]
    assert query("?name=a", "?#!") == ["b", "c"]
    assert query("?profile=default", "?disabled=false") == ["a"]  # no operator: AND
    assert query("?profile=default", "?disabled=false", "?#&") == ["a"]
    assert query("?name=a", "?name=b", "?name=c", "?#||") == ["a", "b", "c"]
    assert query("?name=a", "?comment", "?#0&") == ["a"]  # 0 duplicates the top
    assert query("?name=nobody") == []
    reply = raw.command("/ppp/secret/print", "?#x")
    assert reply[0][0] == "!trap" and reply[-1] == ["!done"]


def test_count_only_and_proplist(raw, routeros_router):
    raw.login(routeros_router)
    for name in ("a", "b", "c"):
        raw.command("/queue/simple/add", f"=name={name}", f"=target=<pppoe-{name}>", "=max-limit=5M/10M")
    assert raw.command("/queue/simple/print", "=count-only=") == [["!done", "=ret=3"]]
    reply = raw.command("/queue/simple/print", "=.proplist=name,max-limit,no-such-property", "?name=b")
    assert reply == [["!re", "=name=b", "=max-limit=5000000/10000000"], ["!done"]]
