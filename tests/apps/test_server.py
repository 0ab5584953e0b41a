"""The one-port server's wiring, without starting it: config, handlers, site fallback, CLI."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from berdikari.cli import app as cli_app
from berdikari.web import server


def test_voila_config_preheats_caps_culls_and_hides_tracebacks(tmp_path):
    c = server.voila_config(server.ServeOptions(port=9999), tmp_path)
    assert c.Voila.port == 9999 and c.Voila.ip == "127.0.0.1"
    assert c.VoilaConfiguration.preheat_kernel is True
    pools = c.VoilaKernelManager.kernel_pools_config
    assert pools["default"]["pool_size"] == 1 and pools[server.ANALYST_NOTEBOOK]["pool_size"] == 0
    assert c.VoilaConfiguration.show_tracebacks is False
    assert c.VoilaConfiguration.template == server.TEMPLATE
    assert c.VoilaExecutor.iopub_timeout == 60
    assert c.MappingKernelManager.cull_idle_timeout > 0
    # the budget comes from memory unless --max-kernels says otherwise
    assert c.CappedKernelManager.max_kernels == server.ServeOptions().budget().max_kernels
    assert c.CappedKernelManager.memory_ceiling_mb == 512
    assert c.Voila.tornado_settings["websocket_max_message_size"] == 13 * 1024 * 1024
    assert c.Voila.tornado_settings["berdikari_app_csp"] == server.APP_CSP
    cold = server.voila_config(server.ServeOptions(preheat=False), tmp_path)
    assert cold.VoilaConfiguration.preheat_kernel is False


def test_site_replaces_voila_tree_and_contents_api(tmp_path):
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    cls = server.make_app_class()
    voila = cls(config=server.voila_config(server.ServeOptions(preheat=False), tmp_path))
    voila.initialize([])
    voila.init_settings()  # no kernel starts without preheating
    from tornado.web import Application

    voila.app = Application()
    voila.app.settings.update(voila.tornado_settings)
    handlers = voila.init_handlers()
    classes = [h[1] for h in handlers]
    assert TornadoVoilaTreeHandler not in classes
    assert VoilaContentsHandler not in classes
    assert handlers[-1][0] == r"/(.*)" and handlers[-1][1] is server.SiteHandler
    # Voila's token sign-in pages are gone (its /logout answered 500): the site's 404 answers
    assert not [h for h in handlers if h[0].rstrip("/").endswith(("/login", "/logout"))]
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    assert VoilaKernelWebsocketHandler not in classes  # replaced by the guarded one
    assert any(issubclass(c, VoilaKernelWebsocketHandler) for c in classes)
    assert server.SecurityHeaders in voila.app.transforms
    assert handlers[-1][2]["path"] == str(tmp_path)
    render = [h for h in handlers if "render" in h[0]]
    assert render and classes.index(render[0][1]) < len(classes) - 1
    from tornado.web import GZipContentEncoding

    assert GZipContentEncoding in voila.app.transforms


def test_template_has_no_third_party_urls():
    root = server.TEMPLATES_ROOT / "voila" / "templates" / server.TEMPLATE
    for path in root.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "cdn." not in text and "https://" not in text, path


def test_failed_site_build_serves_a_fallback_page_that_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("BERDIKARI_ROOT", str(tmp_path))
    monkeypatch.setattr(server, "build_site", lambda dest: "mkdocs said <no>")
    served = server.prepare_site(server.ServeOptions(site_dir=tmp_path / "site"))
    page = (served / "index.html").read_text(encoding="utf-8")
    assert "mkdocs said &lt;no&gt;" in page
    assert 'href="/penilaian/"' in page


def test_given_site_dir_without_index_is_refused(tmp_path):
    import pytest

    with pytest.raises(SystemExit, match="no index.html"):
        server.prepare_site(server.ServeOptions(site_dir=tmp_path, build_site=False))


def test_prepare_demo_database_loads_the_demo_once(tmp_path, monkeypatch):
    monkeypatch.setenv("BERDIKARI_DATA_DIR", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    messages: list[str] = []
    server.prepare_demo_database(url, echo=messages.append)
    assert "Demo sign-ins" in messages[0]
    server.prepare_demo_database(url, echo=messages.append)
    assert "not loaded again" in messages[1]


def test_cli_serve_and_demo_run_are_documented():
    runner = CliRunner()
    out = runner.invoke(cli_app, ["serve", "--help"])
    assert out.exit_code == 0
    assert "--port" in out.output and "--database-url" in out.output and "--host" in out.output
    out = runner.invoke(cli_app, ["demo-run", "--help"])
    assert out.exit_code == 0 and "demo" in out.output.lower()


def test_a_browser_test_that_asks_for_the_real_site_fails_when_the_site_does_not_build(
    tmp_path, monkeypatch
):
    """The server serves a fallback page when the build fails (the apps still work); the owner
    browser tests that check links into the guides must then fail, not pass against that page."""
    from berdikari import site
    from tests.e2e.owner_helpers import built_site

    def broken_build(dest, strict=True):
        raise RuntimeError("mkdocs: a guide links to a page that does not exist")

    monkeypatch.setattr(site, "build", broken_build)
    with pytest.raises(AssertionError, match="the site did not build"):
        built_site(tmp_path)
