"""The kernel budget and its rules, on the kernel manager and the message checks, without a server.

A :class:`CappedKernelManager` with a fake clock and made-up kernel uses (no processes): the
budget from memory, fair shares, what culling ends and in which order under pressure, and which
websocket messages are refused. Real kernels only where the rule is about a process (the memory
ceiling).
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid

import pytest
from tornado import web

from berdikari.web import app_kernel
from berdikari.web.kernels import (
    MB,
    CappedKernelManager,
    KernelUse,
    Reservation,
    ShareExceeded,
    inspect_message,
    kernel_budget,
    refusal,
)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def manager(**traits) -> CappedKernelManager:
    km = CappedKernelManager(**traits)
    km.clock = Clock()
    return km


def held(km, kid, client="10.0.0.1", account=None, *, away=None, connected=False, ever=True):
    """A kernel ``kid`` handed to a page: connected now, or away since ``now - away`` seconds."""
    now = km.clock()
    use = KernelUse(client, account, claimed_at=now - (away or 0), last_human=now)
    if connected:
        use.connections, use.ever_connected = 1, True
    else:
        use.ever_connected = ever
        use.disconnected_at = now - (away or 0) if ever else None
    km.uses[kid] = use
    return use


# --- the budget --------------------------------------------------------------------------------


def test_the_budget_comes_from_memory_and_max_kernels_overrides_it():
    gib = 1024**3
    b = kernel_budget(kernel_mb=100, share=0.5, total_bytes=24 * gib)
    assert b.max_kernels == 122  # 24 GiB x 50 % / 100 MB
    assert b.memory_mb == 12 * 1024 and not b.overridden
    assert "122 kernels" in b.describe() and "100 MB per kernel" in b.describe()
    assert kernel_budget(kernel_mb=60, share=0.25, total_bytes=4 * gib).max_kernels == 17
    assert kernel_budget(kernel_mb=100, share=0.5, total_bytes=gib // 4).max_kernels == 1
    over = kernel_budget(kernel_mb=100, share=0.5, total_bytes=24 * gib, override=7)
    assert over.max_kernels == 7 and over.overridden and "--max-kernels" in over.describe()
    with pytest.raises(ValueError):
        kernel_budget(share=1.5, total_bytes=gib)


def test_serve_options_give_the_manager_the_budget_from_memory(tmp_path):
    from berdikari.web import server

    options = server.ServeOptions(kernel_mb=200, memory_share=0.5)
    budget = options.budget(total_bytes=8 * 1024**3)
    c = server.voila_config(options, tmp_path, budget)
    assert c.CappedKernelManager.max_kernels == 20
    assert c.CappedKernelManager.memory_mb == 4096
    fixed = server.ServeOptions(max_kernels=3)
    assert server.voila_config(fixed, tmp_path).CappedKernelManager.max_kernels == 3


def test_measured_kernel_memory_over_the_share_refuses_new_kernels():
    km = manager(max_kernels=100, memory_mb=1000, kernel_mb=100)
    km.kernels_rss_mb = 850
    assert not km.over_memory()
    km.kernels_rss_mb = 950
    assert km.over_memory()

    async def start():
        await km.start_kernel(kernel_name="python3")

    with pytest.raises(web.HTTPError) as refused:
        asyncio.run(start())
    assert refused.value.status_code == 503


# --- fair shares -------------------------------------------------------------------------------


def test_a_client_over_its_share_replaces_its_own_page_that_went_away_else_is_refused():
    km = manager(kernels_per_client=2, kernels_per_account=5, max_kernels=50)
    held(km, "a", away=5)
    held(km, "b", connected=True)
    ended = []

    async def fake_end(kid, reason):
        ended.append((kid, reason))
        km.uses.pop(kid)

    km.end_kernel = fake_end

    async def go():
        r = await km.reserve("10.0.0.1", None)
        km.claim(r, "c")
        km.notify_connect("c")  # the new page connected: both kernels in use
        return await km.reserve("10.0.0.1", None)

    with pytest.raises(ShareExceeded) as refused:
        asyncio.run(go())
    # the page that went away made room once; then both kernels are in use: refused
    assert ended == [("a", "replaced: client share")]
    assert refused.value.kind == "client" and refused.value.status_code == 429
    # another client is not affected
    other = asyncio.run(km.reserve("10.0.0.2", None))
    assert isinstance(other, Reservation)


def test_a_staff_account_has_its_own_share_across_addresses():
    km = manager(kernels_per_client=10, kernels_per_account=2, max_kernels=50)
    held(km, "a", client="10.0.0.1", account="staff:1", connected=True)
    held(km, "b", client="10.0.0.2", account="staff:1", connected=True)
    with pytest.raises(ShareExceeded) as refused:
        asyncio.run(km.reserve("10.0.0.3", "staff:1"))
    assert refused.value.kind == "account"
    assert asyncio.run(km.reserve("10.0.0.3", "staff:2"))


def test_pages_being_rendered_count_against_the_share():
    km = manager(kernels_per_client=2, max_kernels=50)

    async def burst():
        return await asyncio.gather(
            *(km.reserve("10.0.0.9", None) for _ in range(4)), return_exceptions=True
        )

    results = asyncio.run(burst())
    assert sum(isinstance(r, Reservation) for r in results) == 2
    assert sum(isinstance(r, ShareExceeded) for r in results) == 2


def test_one_client_gets_a_bounded_number_of_new_kernels_a_minute():
    km = manager(kernels_per_client=100, starts_per_client_minute=3, max_kernels=50)
    km.release(asyncio.run(km.reserve("10.0.0.1", None)))  # a page that got no kernel
    for i in range(3):
        km.claim(asyncio.run(km.reserve("10.0.0.1", None)), f"k{i}")
    with pytest.raises(ShareExceeded) as refused:
        asyncio.run(km.reserve("10.0.0.1", None))
    assert refused.value.kind == "starts"
    km.clock.now += 61
    assert asyncio.run(km.reserve("10.0.0.1", None))
    # addresses seen long ago are forgotten (a spray from many addresses cannot grow memory)
    km._starts.update(
        {f"10.1.{i // 256}.{i % 256}": type(km._starts["10.0.0.1"])([0.0]) for i in range(5000)}
    )
    km.release(asyncio.run(km.reserve("10.0.0.2", None)))
    assert len(km._starts) < 10


# --- culling -----------------------------------------------------------------------------------


def test_culling_rules_never_connected_disconnected_idle_and_memory():
    km = manager(
        idle_seconds=600, disconnect_grace_seconds=300, pressure_grace_seconds=60,
        memory_ceiling_mb=512,
    )  # fmt: skip
    km.cull_idle_timeout = 40
    now = km.clock()
    held(km, "fresh", ever=False, away=30)
    held(km, "never", ever=False, away=41)
    held(km, "weak-link", away=299)  # a facilitator's link dropped for five minutes: kept
    held(km, "gone", away=301)
    reading = held(km, "reading", connected=True)
    reading.last_human = now - 599
    asleep = held(km, "asleep", connected=True)
    asleep.last_human = now - 601
    fat = held(km, "fat", connected=True)
    fat.rss_mb = 600
    held(km, "crashed", connected=True)
    km._kernels["crashed"] = type("Kernel", (), {"execution_state": "dead"})()
    reasons = {kid: km.cull_reason(kid, now) for kid in km.uses}
    assert reasons["fresh"] is None
    assert reasons["never"].startswith("never connected")
    assert reasons["weak-link"] is None
    assert reasons["gone"].startswith("disconnected")
    assert reasons["reading"] is None
    assert reasons["asleep"].startswith("idle")  # websocket open, nobody touching it
    assert reasons["fat"].startswith("memory")
    assert reasons["crashed"].startswith("dead")


def test_under_pressure_the_longest_away_go_first_and_a_brief_drop_is_kept():
    km = manager(pressure_grace_seconds=60)
    held(km, "dropped-30s", away=30)
    held(km, "dropped-2min", away=120)
    held(km, "dropped-9min", away=540)
    held(km, "never-90s", ever=False, away=90)
    held(km, "in-use", connected=True)
    assert km.pressure_candidates() == ["dropped-9min", "dropped-2min", "never-90s"]


def test_a_full_budget_ends_the_longest_away_kernel_to_let_a_visit_in():
    km = manager(max_kernels=2, pressure_grace_seconds=60, kernels_per_client=10)
    ended = []

    async def fake_end(kid, reason):
        ended.append(kid)
        km.uses.pop(kid)

    km.end_kernel = fake_end
    km.live_kernels = lambda: len(km.uses)
    held(km, "away-10min", client="10.0.0.5", away=600)
    held(km, "away-20s", client="10.0.0.6", away=20)
    asyncio.run(km.reserve("10.0.0.7", None))
    assert ended == ["away-10min"]
    # nothing away long enough: the visit is not refused here, the cap answers (busy page)
    held(km, "in-use", client="10.0.0.8", connected=True)
    asyncio.run(km.reserve("10.0.0.7", None))
    assert ended == ["away-10min"]


def test_connecting_disconnecting_and_clicking_move_the_clocks():
    km = manager()
    km._kernel_connections["k"] = 0
    km.claim(Reservation("10.0.0.1", None), "k")
    use = km.uses["k"]
    km.notify_connect("k")
    assert use.away_since() is None and use.ever_connected
    km.clock.now += 100
    km.notify_disconnect("k")
    assert use.away_since() == km.clock()
    km.clock.now += 50
    km.note_human_activity("k")
    assert use.last_human == km.clock()


# --- websocket messages ------------------------------------------------------------------------


def _msg(msg_type, content, buffers=()):
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "s", "version": "5.3"}
    return header, content, list(buffers)


def legacy_text(msg_type, content):
    header, content, _ = _msg(msg_type, content)
    return json.dumps(
        {"header": header, "parent_header": {}, "metadata": {}, "content": content,
         "channel": "shell", "buffers": []}
    )  # fmt: skip


def v1_frame(msg_type, content, buffers=()):
    header, content, buffers = _msg(msg_type, content, buffers)
    parts = [b"shell"] + [json.dumps(p).encode() for p in (header, {}, {}, content)] + buffers
    count = len(parts) + 1
    offsets, pos = [], 8 * (count + 1)
    for p in parts:
        offsets.append(pos)
        pos += len(p)
    offsets.append(pos)
    head = count.to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + b"".join(parts)


def test_messages_are_read_without_their_buffers_in_both_protocols():
    text = legacy_text("comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {}}})
    got = inspect_message(text, v1=False)
    assert got.msg_type == "comm_msg" and got.method == "update" and got.buffer_bytes == 0
    frame = v1_frame("comm_msg", {"comm_id": "x", "data": {"method": "custom"}}, [b"x" * 1000])
    got = inspect_message(frame, v1=True)
    assert got.msg_type == "comm_msg" and got.method == "custom" and got.buffer_bytes == 1000
    assert inspect_message(b"\x00garbage", v1=True) is None
    assert inspect_message("{not json", v1=False) is None


def test_big_messages_and_too_many_comm_opens_are_refused():
    km = manager(max_message_bytes=256 * 1024, max_upload_bytes=12 * MB, max_comm_opens=3)
    km.uses["k"] = KernelUse("10.0.0.1", None, claimed_at=0, last_human=0)
    big_open = legacy_text(
        "comm_open", {"comm_id": "c", "target_name": "jupyter.widget", "data": {"x": "a" * 8 * MB}}
    )
    assert "comm_open of" in refusal(inspect_message(big_open, False), km, "k")
    # a file upload (widget update with binary buffers) may be large, up to its own limit
    upload = v1_frame("comm_msg", {"comm_id": "u", "data": {"method": "update"}}, [b"f" * 3 * MB])
    assert refusal(inspect_message(upload, True), km, "k") is None
    huge = v1_frame("comm_msg", {"comm_id": "u", "data": {"method": "update"}}, [b"f" * 13 * MB])
    assert "buffers" in refusal(inspect_message(huge, True), km, "k")
    # buffers on anything but an update are held to the small limit
    sneaky = v1_frame("comm_open", {"comm_id": "c", "target_name": "t", "data": {}}, [b"z" * MB])
    assert "buffers" in refusal(inspect_message(sneaky, True), km, "k")
    small_open = legacy_text("comm_open", {"comm_id": "c", "target_name": "t", "data": {}})
    verdicts = [refusal(inspect_message(small_open, False), km, "k") for _ in range(5)]
    assert verdicts[:3] == [None] * 3  # the refused ones above never reached the kernel
    assert verdicts[3:] == ["more than 3 comm_open"] * 2
    assert refusal(None, km, "k") == "malformed message"


# --- the memory ceiling of a real kernel -------------------------------------------------------


def test_the_kernel_memory_ceiling_stops_growth_and_the_server_ends_a_kernel_over_it(monkeypatch):
    """``berdikari.web.app_kernel`` under a 150 MB ceiling: allocating 400 MB fails inside the kernel
    (MemoryError), the kernel lives on under the ceiling; the manager's memory check ends a
    kernel over the manager's ceiling."""
    from berdikari.web.kernels import AppKernelSpecManager

    monkeypatch.setenv(app_kernel.CEILING_ENV, "150")

    async def run():
        km = CappedKernelManager(
            max_kernels=2, kernel_spec_manager=AppKernelSpecManager(), memory_ceiling_mb=1000
        )
        kid = await km.start_kernel(kernel_name="python3")
        try:
            client = km.get_kernel(kid).client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            reply = await client.execute_interactive(
                "def grab(mb):\n"
                "    try:\n        return len(bytearray(mb * 2**20)) and 'allocated'\n"
                "    except MemoryError:\n        return 'refused'\n"
                "print(grab(60), grab(400))\n",
                timeout=60,
                output_hook=lambda m: outputs.append(m["content"].get("text", "")),
            )
            client.stop_channels()
            rss = km.kernel_rss_mb(kid)
            km.uses[kid] = KernelUse("10.0.0.1", None, claimed_at=0, last_human=0)
            await km.check_memory()
            kept = kid in km
            km.memory_ceiling_mb = max(1, int(rss) - 10)  # now this kernel is over the ceiling
            await km.check_memory()
            return reply, rss, kept, kid in km
        finally:
            await km.shutdown_all()

    outputs: list[str] = []
    reply, rss, kept, alive_after = asyncio.run(run())
    assert reply["content"]["status"] == "ok"
    assert "".join(outputs).strip() == "allocated refused"  # under the ceiling, over it
    assert rss < 150 + 100  # what it held at start plus at most the ceiling
    assert kept and not alive_after
    assert os.environ[app_kernel.CEILING_ENV] == "150"
