"""Who is asking (the client address) and how often they may try to sign in.

**Client address** (:func:`client_address`): the TCP peer's address (the socket's, even when
the server was started with tornado's ``xheaders``); when the peer is one of
``BERDIKARI_TRUSTED_PROXIES`` (comma-separated IP addresses or networks, e.g. ``127.0.0.1`` for
the nginx in front), the right-most address of ``X-Forwarded-For`` that is not itself a trusted
proxy: the first hop nobody we trust wrote. Without that setting the header is ignored: anyone
can write it.

**Sign-in limits** (:class:`SignInLimiter`). Only *failed* attempts count, so a hall of owners
behind one address who type their PIN right are never slowed; every attempt is *checked*
before the PIN or password is, so a refused attempt costs no Argon2 hash and reveals nothing.
A made-up code or username is counted exactly like a real one (the counters are keyed by the
text typed, not by a database row), so the answers cannot tell which exist. Four rules, in order:

1. **Global ceiling**: more than :data:`GLOBAL_PER_MINUTE` failures a minute on this server
   (any clients): every attempt is ``throttled`` until the minute has passed. Against a spray
   from many addresses, and a bound on the event loop's time in Argon2 (each checked attempt
   costs ~50-140 ms of CPU, measured on the 2-core test machine: 120 a minute is at most about
   a quarter of one core); a hall of 60 owners, some mistyping, stays far below it.
2. **Per client, growing delay**: a client (an IPv6 client by its /64 network) may fail
   :data:`CLIENT_FREE` times; after that each further failure asks for a wait that doubles
   (2 s, 4 s, 8 s … at most :data:`CLIENT_MAX_DELAY`) before the next attempt, and the count
   forgets one failure every :data:`CLIENT_FORGET`. Spraying PIN 000000 over 88 codes from one
   address: 20 tries at once, then about one every 3 minutes (the 88 take hours). Answer:
   ``throttled``.
3. **Per account and client**: ``BERDIKARI_LOCKOUT_TRIES`` failures on one code/username from
   one client lock *that client* out of *that account* for ``BERDIKARI_LOCKOUT_MINUTES``. The
   owner on another phone or connection still gets in. Answer: ``locked``.
4. **Per account, all clients**: :data:`ACCOUNT_FACTOR` × ``BERDIKARI_LOCKOUT_TRIES`` failures
   on one code/username within ``BERDIKARI_LOCKOUT_MINUTES`` (from at least
   :data:`ACCOUNT_FACTOR` addresses, given rule 3): every client is ``locked`` out of that
   account until older failures leave the window. Against a botnet guessing one PIN. A client
   that signed in to that account successfully in the last day is exempt (its owner).

Where the counters live: in this process's memory. It is the simplest that holds: the rules
answer before any database work, cost nothing to keep (entries expire), and a restart only
forgets them (an attacker cannot restart the server). With several server instances behind
one proxy an attacker gains at most a factor of the number of instances. The store's
account-wide lock in the database (:mod:`berdikari.store.auth`) is the backstop the instances
share: the web sign-in sets it at rule 4's count (:func:`web_lockout`), so it is reached only
after failures from many addresses, and a trusted client passes it too; a facilitator's new
PIN lifts it. One seam remains: an instance whose memory has not seen the failures (they went
to another instance) answers ``locked`` from the database for a real code only; reaching that
takes :data:`ACCOUNT_FACTOR` × the tries on that one code, from as many addresses.

A check and the count of its outcome are two steps: sign-ins run on the event loop one at a
time, so nothing slips between them; from worker threads, a burst of simultaneous attempts
could pass one check together (at most the pool's size).

This module must never see or keep a PIN or a password, and never decide who someone is.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from berdikari.config import settings
from berdikari.store.db import LockoutPolicy

log = logging.getLogger("berdikari.web.limits")

GLOBAL_PER_MINUTE = 120
"""Failed sign-ins a minute, all clients together, before every attempt is throttled."""
CLIENT_FREE = 20
"""Failed sign-ins a client may make before the growing delay starts."""
CLIENT_MAX_DELAY = 15 * 60.0
"""The longest wait (seconds) the growing delay asks of one client."""
CLIENT_FORGET = 180.0
"""Seconds after which a client's failure count drops by one."""
ACCOUNT_FACTOR = 10
"""Account-wide lock after this many times ``BERDIKARI_LOCKOUT_TRIES`` failures (all clients)."""
TRUSTED_CLIENT_SECONDS = 24 * 3600.0
"""A client that signed in to an account is exempt from that account's account-wide lock."""


def _parse_ip(text: str) -> str | None:
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:  # [::1]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 1.2.3.4:port
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def trusted_proxies() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """``BERDIKARI_TRUSTED_PROXIES`` as networks (an address is a network of one)."""
    out = []
    for raw in settings().trusted_proxies:
        try:
            out.append(ipaddress.ip_network(raw.strip(), strict=False))
        except ValueError:
            continue  # config validation names a bad entry; here it simply trusts nothing more
    return tuple(out)


def _trusted(ip: str, networks) -> bool:
    address = ipaddress.ip_address(ip)
    return any(address.version == n.version and address in n for n in networks)


_warned: set[str] = set()


def _warn_untrusted(peer: str) -> None:
    """Say once per peer that a proxy's header is ignored: behind an unlisted proxy every
    visitor looks like the proxy, and one visitor's failures slow everyone's sign-in."""
    if peer not in _warned and len(_warned) < 16:
        _warned.add(peer)
        log.warning(
            "X-Forwarded-For from %s ignored; if it is your proxy, set BERDIKARI_TRUSTED_PROXIES",
            peer,
        )


def client_address(handler) -> str:
    """The address of the client of a tornado request handler (see the module docstring)."""
    request = handler.request
    peer = _parse_ip(getattr(request, "remote_ip", "") or "")
    context = getattr(getattr(request, "connection", None), "context", None)
    socket_peer = getattr(context, "address", None)  # the socket's, whatever xheaders did
    if isinstance(socket_peer, tuple) and socket_peer:
        peer = _parse_ip(str(socket_peer[0])) or peer
    if peer is None:
        return "unknown"
    networks = trusted_proxies()
    if not networks or not _trusted(peer, networks):
        if not networks and request.headers.get("X-Forwarded-For"):
            _warn_untrusted(peer)
        return peer
    hops = [
        hop for value in request.headers.get_list("X-Forwarded-For") for hop in value.split(",")
    ]
    for hop in reversed(hops):
        ip = _parse_ip(hop)
        if ip is None:
            return peer  # a garbled header: count the proxy itself
        if not _trusted(ip, networks):
            return ip
    return peer


def limit_key(address: str) -> str:
    """What the limits count by: an IPv4 address, or an IPv6 address's /64 network (one
    household or phone line holds a whole /64, so its addresses are one client)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass
class Refusal:
    """Why an attempt is refused before its secret is checked: ``throttled`` or ``locked``."""

    key: str
    retry_after: float
    """Seconds until the same client may try again (a hint for the page; 0 when unknown)."""


@dataclass
class _Client:
    failures: float = 0.0
    updated: float = 0.0
    next_allowed: float = 0.0


@dataclass
class SignInLimiter:
    """The four rules of the module docstring, for one kind of sign-in (owner or staff).

    ``clock`` returns seconds (monotonic); tests inject their own.
    """

    tries: int = 5
    minutes: float = 15.0
    clock: Callable[[], float] = time.monotonic
    _clients: dict[str, _Client] = field(default_factory=dict)
    _pairs: dict[tuple[str, str], deque] = field(default_factory=dict)
    _accounts: dict[str, deque] = field(default_factory=dict)
    _global: deque = field(default_factory=deque)
    _trusted: dict[tuple[str, str], float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def window(self) -> float:
        return self.minutes * 60.0

    def _client(self, client: str, now: float) -> _Client:
        c = self._clients.get(client)
        if c is None:
            c = self._clients[client] = _Client(updated=now)
        forgotten = (now - c.updated) / CLIENT_FORGET
        c.failures, c.updated = max(0.0, c.failures - forgotten), now
        return c

    @staticmethod
    def _trim(q: deque, since: float) -> deque:
        while q and q[0] <= since:
            q.popleft()
        return q

    def check(self, client: str, account: str) -> Refusal | None:
        """None when this client may try ``account`` now, else why not."""
        now = self.clock()
        with self._lock:
            self._sweep(now)
            if len(self._trim(self._global, now - 60.0)) >= GLOBAL_PER_MINUTE:
                return Refusal("throttled", 60.0 - (now - self._global[0]))
            c = self._client(client, now)
            if c.next_allowed > now:
                return Refusal("throttled", c.next_allowed - now)
            pair = self._trim(self._pairs.get((client, account), deque()), now - self.window)
            if len(pair) >= self.tries:
                return Refusal("locked", pair[0] + self.window - now)
            acct = self._trim(self._accounts.get(account, deque()), now - self.window)
            if len(acct) >= self.tries * ACCOUNT_FACTOR and not self._is_trusted(
                client, account, now
            ):
                return Refusal("locked", acct[0] + self.window - now)
        return None

    def _is_trusted(self, client: str, account: str, now: float) -> bool:
        return self._trusted.get((client, account), -1e18) > now - TRUSTED_CLIENT_SECONDS

    def trusted(self, client: str, account: str) -> bool:
        """Whether this client signed in to ``account`` in the last day (exempt from rule 4)."""
        with self._lock:
            return self._is_trusted(client, account, self.clock())

    def failed(self, client: str, account: str) -> None:
        """Count a failed attempt (wrong secret, unknown code or username)."""
        now = self.clock()
        with self._lock:
            self._global.append(now)
            c = self._client(client, now)
            c.failures += 1
            over = c.failures - CLIENT_FREE + 1  # after the last free failure: wait 2 s
            if over > 0:
                c.next_allowed = now + min(CLIENT_MAX_DELAY, 2.0 ** min(over, 30))
            self._pairs.setdefault((client, account), deque()).append(now)
            self._accounts.setdefault(account, deque()).append(now)

    def succeeded(self, client: str, account: str) -> None:
        """A right secret: this client's failures on this account are forgiven."""
        now = self.clock()
        with self._lock:
            self._pairs.pop((client, account), None)
            self._trusted[(client, account)] = now

    _last_sweep: float = 0.0

    def _sweep(self, now: float) -> None:
        """Drop entries nobody needs any more (every minute at most)."""
        if now - self._last_sweep < 60.0:
            return
        self._last_sweep = now
        for k in [k for k, q in self._pairs.items() if not self._trim(q, now - self.window)]:
            del self._pairs[k]
        for k in [k for k, q in self._accounts.items() if not self._trim(q, now - self.window)]:
            del self._accounts[k]
        idle = [
            k
            for k, c in self._clients.items()
            if c.next_allowed <= now and c.failures - (now - c.updated) / CLIENT_FORGET <= 0
        ]
        for k in idle:
            del self._clients[k]
        old = now - TRUSTED_CLIENT_SECONDS
        for k in [k for k, t in self._trusted.items() if t <= old]:
            del self._trusted[k]


def web_lockout(policy: LockoutPolicy) -> LockoutPolicy:
    """The store's account-wide lock for web sign-ins: rule 4's count, the same minutes."""
    return LockoutPolicy(max_failures=policy.max_failures * ACCOUNT_FACTOR, minutes=policy.minutes)


_limiters: dict[str, SignInLimiter] = {}
_limiters_lock = threading.Lock()


def limiter(kind: str) -> SignInLimiter:
    """This process's limiter for ``owner`` or ``staff`` sign-ins (configured from settings)."""
    with _limiters_lock:
        found = _limiters.get(kind)
        if found is None:
            s = settings()
            found = SignInLimiter(tries=s.lockout_tries, minutes=s.lockout_minutes)
            _limiters[kind] = found
        return found


# --- public pages: requests per client --------------------------------------------------------


@dataclass
class RequestLimiter:
    """How often one client may ask the public pages (the Etalase) for something.

    A token bucket per client (:func:`limit_key` of :func:`client_address`): ``burst`` requests
    at once, then ``per_minute`` a minute. A costly answer (a PDF) takes more tokens. At most
    ``max_clients`` buckets are kept (the fullest are forgotten first, which only forgives), so a
    spray of addresses cannot fill memory. In-process like the sign-in counters: with two
    instances a client gets at most twice the rate. Never keeps anything but the key and a count.
    """

    per_minute: float = 120.0
    burst: float = 60.0
    max_clients: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, client: str, cost: float = 1.0) -> float:
        """0 when the request may go on (its cost is taken), else the seconds to wait."""
        now = self.clock()
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, then = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * rate)
            if tokens < cost:
                self._buckets[client] = (tokens, now)
                return (cost - tokens) / rate
            self._buckets[client] = (tokens - cost, now)
            if len(self._buckets) > self.max_clients:
                self._forget(now, rate)
            return 0.0

    def _forget(self, now: float, rate: float) -> None:
        full = [k for k, (n, t) in self._buckets.items() if n + (now - t) * rate >= self.burst]
        for k in full or list(self._buckets)[: len(self._buckets) // 2]:
            del self._buckets[k]


_request_limiters: dict[str, RequestLimiter] = {}


def request_limiter(kind: str) -> RequestLimiter:
    """This process's limiter of public requests of ``kind`` (``etalase``)."""
    with _limiters_lock:
        found = _request_limiters.get(kind)
        if found is None:
            found = _request_limiters[kind] = RequestLimiter()
        return found
