"""The Etalase's whole path in a real Chromium at 360 px on a real ``berdikari serve``: the owner
opts in on the owner pages, the facilitator records the permit number, the owner chooses to show
it, the manager approves; the product then appears on the public showcase (H8's page) with its
permit, and its QR code (read back by zxing-cpp from a screenshot) is the page's own address; the
owner revokes consent and the page is gone at once. axe-core checks the owner and staff pages.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
import zxingcpp
from PIL import Image

from berdikari.store import open_store
from berdikari.store.auth import system_identity
from berdikari.store.service import Service
from berdikari.store.showcase import PublicShowcase
from tests.apps.staff_seed import cheap_hashing  # noqa: F401  fast Argon2 while seeding
from tests.e2e.axe import assert_no_serious
from tests.e2e.server_fixture import running_server

PASSWORD = "sandi-etalase-2026"
PRODUCT = "Amplang Haruan <b>Asli</b>"
PERMIT = "2106271010077-31"


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("etalase-flow")
    url = f"sqlite:///{tmp / 'flow.db'}"
    store = open_store(url)
    admin = Service(store, system_identity("test"))
    org = admin.add_organisation("BBPOM Uji Alur", "bbpom")
    fa = admin.add_staff("pendamping.alur", "Pendamping Alur", "facilitator", PASSWORD, org)
    admin.add_staff("manajer.alur", "Manajer Alur", "manager", PASSWORD, org)
    umkm, pin = admin.add_umkm("Usaha Amplang Alur", "Ibu Alur", "Palangka Raya", ["pangan-olahan"])
    product = admin.add_product(umkm.id, PRODUCT, "pangan-olahan")
    admin.assign(umkm.id, fa if isinstance(fa, int) else fa.id)
    with running_server(tmp, url) as base:
        yield {"base": base, "store": store, "umkm": umkm, "pin": pin, "product": product}
    store.close()


def photo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (230, 180, 90)).save(buf, "JPEG")
    return buf.getvalue()


def staff_sign_in(page, base: str, username: str) -> None:
    """Signs in without following the redirect to the staff app (which would start a kernel)."""
    page.goto(f"{base}/masuk/staf")
    xsrf = page.locator('input[name="_xsrf"]').first.get_attribute("value")
    r = page.request.post(
        f"{base}/masuk/staf",
        form={"username": username, "password": PASSWORD, "_xsrf": xsrf},
        max_redirects=0,
    )
    assert r.status == 303


def test_owner_facilitator_manager_then_public_then_revoked(programme, browser_context_factory):
    base = programme["base"]
    ctx = lambda: browser_context_factory(  # noqa: E731
        viewport={"width": 360, "height": 740}, locale="id-ID"
    )
    # the owner opts in and chooses what is shown
    owner = ctx().new_page()
    owner.goto(f"{base}/penilaian/masuk")
    owner.locator(".bdk-code input").fill(programme["umkm"].code)
    owner.locator(".bdk-pin input").fill(programme["pin"])
    owner.locator(".bdk-signin").click()
    owner.wait_for_load_state("networkidle")
    owner.locator(".bdk-etalase-link").click()
    owner.wait_for_load_state("networkidle")
    card = owner.locator(".bdk-listing")
    assert card.locator("h2").inner_text() == PRODUCT  # the markup is text
    card.get_by_label("Keterangan", exact=True).fill("Renyah, dari ikan haruan sungai.")
    card.locator('input[name="photo"]').set_input_files(
        {"name": "amplang.jpg", "mimeType": "image/jpeg", "buffer": photo()}
    )
    card.get_by_label("Tampilkan foto", exact=True).check()
    card.get_by_label("Nomor WhatsApp untuk pesanan", exact=True).fill("0812 3456 7890")
    card.get_by_label("Tampilkan nomor WhatsApp untuk pesanan", exact=True).check()
    card.get_by_role("button", name="Saya setuju: tampilkan produk ini").click()
    owner.wait_for_load_state("networkidle")
    assert "Tersimpan." in owner.locator("main").inner_text()
    assert_no_serious(owner, where="Etalase owner page")

    # the facilitator records the permit number
    fac = ctx().new_page()
    staff_sign_in(fac, base, "pendamping.alur")
    fac.goto(f"{base}/etalase-kelola/")
    fac.get_by_label("Nomor (izin, sertifikat)", exact=True).fill(PERMIT)
    fac.get_by_label("Tanggal", exact=True).fill(date.today().isoformat())
    fac.get_by_role("button", name="Simpan", exact=True).click()
    fac.wait_for_load_state("networkidle")
    assert_no_serious(fac, where="Etalase staff page (facilitator)")

    # the owner now chooses to show it too
    owner.reload()
    owner.get_by_label(f"P-IRT {PERMIT}").check()
    owner.get_by_role("button", name="Saya setuju: tampilkan produk ini").click()
    owner.wait_for_load_state("networkidle")
    assert PublicShowcase(programme["store"]).products().total == 0  # not approved yet

    # the manager approves
    mgr = ctx().new_page()
    staff_sign_in(mgr, base, "manajer.alur")
    mgr.goto(f"{base}/etalase-kelola/")
    assert_no_serious(mgr, where="Etalase staff page (manager)")
    mgr.get_by_role("button", name="Setujui").click()
    mgr.wait_for_load_state("networkidle")

    # the public page at 360 px, and its QR code
    [shown] = PublicShowcase(programme["store"]).products().items
    url = f"{base}/etalase/produk/{shown.slug}"
    buyer = ctx().new_page()
    assert buyer.goto(url).status == 200
    text = buyer.locator("main").inner_text()
    assert PRODUCT in text and PERMIT in text
    qr = buyer.locator("img.etl-qr")
    qr.scroll_into_view_if_needed()
    shot = Image.open(io.BytesIO(qr.screenshot()))
    assert [r.text for r in zxingcpp.read_barcodes(shot)] == [url]

    # the owner stops showing it: gone at once
    owner.get_by_role("button", name="Berhenti menampilkan produk ini").click()
    owner.wait_for_load_state("networkidle")
    assert buyer.goto(url).status == 404
    assert Service(programme["store"], system_identity("t")).showcase_queue()[0].consent is False
