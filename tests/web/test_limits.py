"""berdikari.web.limits without a database: the client address behind (trusted) proxies, and
the sign-in limiter's rules counted with an injected clock (nothing here waits or times)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from tornado.httputil import HTTPHeaders

from berdikari.web import limits
from berdikari.web.limits import SignInLimiter, client_address, limit_key


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def _handler(peer: str, forwarded: list[str] | None = None, remote_ip: str | None = None):
    headers = HTTPHeaders()
    for value in forwarded or []:
        headers.add("X-Forwarded-For", value)
    context = SimpleNamespace(address=(peer, 41000))
    request = SimpleNamespace(
        remote_ip=remote_ip or peer, headers=headers, connection=SimpleNamespace(context=context)
    )
    return SimpleNamespace(request=request)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(monkeypatch):
    monkeypatch.delenv("BERDIKARI_TRUSTED_PROXIES", raising=False)
    assert client_address(_handler("198.51.100.4", ["10.9.9.9"])) == "198.51.100.4"
    # tornado's xheaders may have rewritten remote_ip from the header: the socket's peer counts
    assert client_address(_handler("198.51.100.4", ["10.9.9.9"], remote_ip="10.9.9.9")) == (
        "198.51.100.4"
    )


def test_a_trusted_proxy_gives_the_first_untrusted_hop(monkeypatch):
    monkeypatch.setenv("BERDIKARI_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    # the client wrote a fake first hop; nginx appended the real peer; an inner proxy appended
    h = _handler("127.0.0.1", ["6.6.6.6, 203.0.113.9", "10.1.2.3"])
    assert client_address(h) == "203.0.113.9"
    assert client_address(_handler("127.0.0.1")) == "127.0.0.1"  # no header: the proxy itself
    assert client_address(_handler("127.0.0.1", ["not-an-ip"])) == "127.0.0.1"
    assert client_address(_handler("127.0.0.1", ["[2001:db8::7]:5000"])) == "2001:db8::7"
    # a peer that is not trusted cannot speak for anyone
    assert client_address(_handler("198.51.100.4", ["203.0.113.9"])) == "198.51.100.4"


def test_ipv6_clients_are_counted_by_their_64_network():
    assert limit_key("2001:db8:1:2:aaaa::1") == limit_key("2001:db8:1:2:bbbb::9")
    assert limit_key("2001:db8:1:3::1") != limit_key("2001:db8:1:2::1")
    assert limit_key("::ffff:198.51.100.4") == "198.51.100.4"
    assert limit_key("198.51.100.4") == "198.51.100.4"


def test_a_client_gets_free_failures_then_a_crawl():
    """One address spraying one PIN over many codes, once a second for a day."""
    clock = Clock()
    lim = SignInLimiter(tries=5, minutes=15, clock=clock)
    checked_per_hour = []
    for _hour in range(24):
        checked = 0
        for second in range(3600):
            code = f"C{(checked + second) % 88}"
            if lim.check("203.0.113.66", code) is None:
                lim.failed("203.0.113.66", code)
                checked += 1
            clock.now += 1
        checked_per_hour.append(checked)
    assert checked_per_hour[0] < limits.CLIENT_FREE + 30
    assert max(checked_per_hour[1:]) <= 3600 / limits.CLIENT_FORGET + 2  # about one per 3 min
    assert sum(checked_per_hour) < 24 * 22  # 88 codes x 1 PIN: a day's spray tries < 6 PINs each


def test_successes_never_slow_a_hall_of_owners_behind_one_address():
    clock = Clock()
    lim = SignInLimiter(tries=5, minutes=15, clock=clock)
    for n in range(200):  # 200 owners sign in from the hall's one address, a few typos
        code = f"PKY-{n:04d}"
        if n % 20 == 0:
            assert lim.check("hall", code) is None
            lim.failed("hall", code)
        assert lim.check("hall", code) is None
        lim.succeeded("hall", code)
        clock.now += 3


def test_lock_is_per_account_and_client_and_ends():
    clock = Clock()
    lim = SignInLimiter(tries=5, minutes=15, clock=clock)
    for _ in range(5):
        assert lim.check("attacker", "PKY-0001") is None
        lim.failed("attacker", "PKY-0001")
    refusal = lim.check("attacker", "PKY-0001")
    assert refusal is not None and refusal.key == "locked"
    assert 0 < refusal.retry_after <= 15 * 60
    assert lim.check("owner-phone", "PKY-0001") is None  # the owner elsewhere
    assert lim.check("attacker", "PKY-0002") is None  # another account, same client
    clock.now += 15 * 60 + 1
    assert lim.check("attacker", "PKY-0001") is None


def test_account_wide_lock_needs_many_addresses_and_spares_a_trusted_client():
    clock = Clock()
    lim = SignInLimiter(tries=5, minutes=15, clock=clock)
    lim.succeeded("owner-phone", "PKY-0001")
    for n in range(limits.ACCOUNT_FACTOR):
        for _ in range(5):
            assert lim.check(f"bot-{n}", "PKY-0001") is None
            lim.failed(f"bot-{n}", "PKY-0001")
    assert lim.check("newcomer", "PKY-0001").key == "locked"
    assert lim.check("owner-phone", "PKY-0001") is None
    clock.now += 15 * 60 + 1  # the failures leave the window
    assert lim.check("newcomer", "PKY-0001") is None


def test_the_global_ceiling_throttles_a_spray_from_everywhere():
    clock = Clock()
    lim = SignInLimiter(tries=5, minutes=15, clock=clock)
    for n in range(limits.GLOBAL_PER_MINUTE):
        assert lim.check(f"bot-{n}", f"C{n}") is None
        lim.failed(f"bot-{n}", f"C{n}")
    refusal = lim.check("someone-new", "PKY-0001")
    assert refusal is not None and refusal.key == "throttled"
    clock.now += 61
    assert lim.check("someone-new", "PKY-0001") is None


def test_old_entries_are_dropped():
    clock = Clock()
    lim = SignInLimiter(tries=5, minutes=15, clock=clock)
    for n in range(500):
        lim.failed(f"c{n}", f"a{n}")
    lim.succeeded("c1", "a1")
    clock.now += 2 * 24 * 3600
    lim.check("x", "y")
    assert not lim._pairs and not lim._accounts and not lim._trusted
    assert set(lim._clients) <= {"x"}


@pytest.mark.parametrize("kind", ["owner", "staff"])
def test_limiters_follow_the_lockout_settings(monkeypatch, kind):
    monkeypatch.setattr(limits, "_limiters", {})
    monkeypatch.setenv("BERDIKARI_LOCKOUT_TRIES", "7")
    monkeypatch.setenv("BERDIKARI_LOCKOUT_MINUTES", "20")
    found = limits.limiter(kind)
    assert (found.tries, found.minutes) == (7, 20)
    assert limits.limiter(kind) is found


def test_a_bad_trusted_proxies_setting_is_refused_with_its_name(monkeypatch):
    from berdikari.config import ConfigError, settings

    monkeypatch.setenv("BERDIKARI_TRUSTED_PROXIES", "127.0.0.1, nginx.local")
    with pytest.raises(ConfigError, match="BERDIKARI_TRUSTED_PROXIES.*nginx.local"):
        settings()
    monkeypatch.setenv("BERDIKARI_TRUSTED_PROXIES", " 127.0.0.1 ,, ::1, 10.0.0.0/8 ")
    assert settings().trusted_proxies == ("127.0.0.1", "::1", "10.0.0.0/8")


def test_an_ignored_forwarded_header_is_reported_once(monkeypatch, caplog):
    monkeypatch.delenv("BERDIKARI_TRUSTED_PROXIES", raising=False)
    monkeypatch.setattr(limits, "_warned", set())
    for _ in range(3):
        client_address(_handler("127.0.0.1", ["203.0.113.9"]))
    notes = [r for r in caplog.records if "BERDIKARI_TRUSTED_PROXIES" in r.getMessage()]
    assert len(notes) == 1
