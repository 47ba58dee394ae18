"""Speed-ups (speedups/): one switch, version gates, the same site on or off, nothing left behind."""

from __future__ import annotations

import gc
import os
import shutil

import pytest
from sitetools import ROOTS, warnings_of
from sphinx.directives.other import TocTree
from sphinx.testing.util import SphinxTestApp
from sphinx.util import docutils as sphinx_docutils
from sphinx_newsletter.parser import NewsletterMystParser
from sphinx_newsletter.speedups import docsettings, gates, memory
from sphinx_newsletter.speedups.mystdocument import FastParser
from sphinx_newsletter.speedups.titles import TitleCache
from sphinx_newsletter.speedups.toctrees import GeneratedToctree

#: The site of the matrix: posts, editions, authors (a registry), feeds (html_baseurl).
ROOTS_BUILT = {
    "site": {},
    "registry": {"html_baseurl": "https://example.org/news/"},
}


def current_get_settings():
    """Sphinx 9.0's per-page settings function as it stands now (Sphinx 8.2 has none)."""
    return getattr(sphinx_docutils, "_get_settings", None)


STOCK_GET_SETTINGS = current_get_settings()


def gc_state() -> tuple:
    return gc.get_threshold(), gc.isenabled(), gc.get_freeze_count()


def _src(tmp_path, root: str, name: str):
    src = tmp_path / name
    shutil.copytree(ROOTS / f"test-{root}", src)
    return src


def _outputs(app) -> dict[str, bytes]:
    """Every file the build wrote, but Sphinx's record of the config (it holds the setting)."""
    out = app.outdir
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".buildinfo" and ".doctrees" not in p.parts
    }


def _build(src, *, on: bool, parallel: int = 1, **confoverrides) -> tuple[dict[str, bytes], dict]:
    app = SphinxTestApp(
        "html", srcdir=src, parallel=parallel, confoverrides={"newsletter_speedups": on, **confoverrides}
    )
    seen: dict = {}

    def writing(app, builder) -> None:
        seen["threshold"] = gc.get_threshold()

    def page(app, pagename, templatename, context, doctree) -> None:
        seen["render_partial"] = type(app.builder.__dict__.get("render_partial"))

    def reading(app, docname, source) -> None:
        seen.setdefault("get_settings", type(current_get_settings()))

    app.connect("write-started", writing, priority=900)
    app.connect("source-read", reading)
    app.connect("html-page-context", page)
    seen["toctree"] = app.registry.domain_directives["nl"]["toctree"]
    seen["parser"] = app.registry.source_parsers["markdown"]
    try:
        app.build()
        assert warnings_of(app) == []
        return _outputs(app), seen
    finally:
        app.cleanup()


@pytest.mark.parametrize("parallel", [1, 2])
@pytest.mark.parametrize("root", sorted(ROOTS_BUILT))
def test_the_site_is_byte_identical_with_the_speedups_on_and_off(tmp_path, root, parallel):
    on, seen_on = _build(_src(tmp_path, root, "on"), on=True, parallel=parallel, **ROOTS_BUILT[root])
    off, seen_off = _build(_src(tmp_path, root, "off"), on=False, parallel=parallel, **ROOTS_BUILT[root])
    # The speed-ups did run in one build and not in the other.
    assert (seen_on["toctree"], seen_off["toctree"]) == (GeneratedToctree, TocTree)
    assert (seen_on["parser"], seen_off["parser"]) == (FastParser, NewsletterMystParser)
    assert current_get_settings() is STOCK_GET_SETTINGS  # put back after the read
    assert seen_off["threshold"] == gc.get_threshold()
    if parallel == 1:
        assert seen_on["threshold"][0] == memory.YOUNG_THRESHOLD
        if "docsettings" in gates.decide(True).active:  # Sphinx 9.0
            stock = type(STOCK_GET_SETTINGS)
            assert (seen_on["get_settings"], seen_off["get_settings"]) == (docsettings.SettingsCache, stock)
        assert (seen_on["render_partial"], seen_off["render_partial"]) == (TitleCache, type(None))
    for name in ("index.html", "sitemap.xml", "archive.json", "searchindex.js"):
        assert name in on
    assert any(name.endswith((".xml", ".atom")) and "feed" in name for name in on), sorted(on)
    assert on.keys() == off.keys()
    assert [name for name in on if on[name] != off[name]] == []


def test_a_speedup_outside_its_version_gate_is_skipped_and_the_site_is_the_same(tmp_path, monkeypatch):
    on, _ = _build(_src(tmp_path, "site", "on"), on=True)
    real = gates.installed
    monkeypatch.setattr(gates, "installed", lambda package: "7.4.7" if package == "sphinx" else real(package))
    decision = gates.decide(True)
    assert decision.active == {"mystdocument", "furonav"}
    assert "sphinx 7.4.7 not in" in decision.skipped["memory"]
    app = SphinxTestApp("html", srcdir=_src(tmp_path, "site", "gated"), confoverrides={"newsletter_speedups": True})
    try:
        assert app.registry.domain_directives["nl"]["toctree"] is TocTree
        app.build()
        assert "speed-ups skipped" in app.status.getvalue() and "memory: sphinx 7.4.7" in app.status.getvalue()
        assert not isinstance(app.builder.__dict__.get("render_partial"), TitleCache)
        gated = _outputs(app)
    finally:
        app.cleanup()
    assert on.keys() == gated.keys()
    assert [name for name in on if on[name] != gated[name]] == []


def test_the_deprecated_lean_builds_setting_turns_them_off_with_a_warning(tmp_path):
    app = SphinxTestApp("html", srcdir=_src(tmp_path, "basic", "src"), confoverrides={"newsletter_lean_builds": False})
    try:
        assert app.newsletter_speedups.active == frozenset()
        assert "newsletter_lean_builds is deprecated" in app.warning.getvalue()
    finally:
        app.cleanup()


@pytest.mark.parametrize("parallel", [1, 2])
def test_two_builds_in_one_process_leave_the_collector_as_they_found_it(tmp_path, parallel):
    before = gc_state()
    assert before[2] == 0  # the tests run with nothing frozen
    for name in ("first", "second"):
        app = SphinxTestApp("html", srcdir=_src(tmp_path, "basic", name), parallel=parallel)
        frozen: list[int] = []
        app.connect("html-page-context", lambda *_args: frozen.append(gc.get_freeze_count()))  # noqa: B023
        app.build()
        app.cleanup()
        assert max(frozen) > 0  # the policy did run
        assert gc_state() == before
        assert memory._armed == []  # the fork hook, if registered, has no build to serve


def test_an_application_that_never_builds_leaves_the_collector_as_it_found_it(tmp_path):
    before = gc_state()
    src = _src(tmp_path, "basic", "src")
    first = SphinxTestApp("html", srcdir=src)
    first.build()
    first.cleanup()
    # Loaded with the threshold raised (an earlier build's environment), then given back.
    app = SphinxTestApp("html", srcdir=src, confoverrides={"newsletter_speedups": True})
    assert app.env.all_docs
    app.cleanup()
    assert gc_state() == before


def test_the_collector_is_put_back_as_the_build_found_it_not_as_the_interpreter_defaults(tmp_path):
    before = gc.get_threshold()
    gc.set_threshold(1234, 5, 6)
    gc.disable()
    try:
        app = SphinxTestApp("html", srcdir=_src(tmp_path, "basic", "src"))
        app.build()
        app.cleanup()
        assert gc_state() == ((1234, 5, 6), False, 0)
    finally:
        gc.enable()
        gc.set_threshold(*before)


def test_a_heap_frozen_before_the_build_is_neither_thawed_nor_frozen_more(tmp_path, monkeypatch):
    calls: list[str] = []
    for name in ("freeze", "unfreeze"):
        real = getattr(gc, name)
        monkeypatch.setattr(gc, name, lambda real=real, name=name: calls.append(name) or real())
    gc.freeze()
    try:
        app = SphinxTestApp("html", srcdir=_src(tmp_path, "basic", "src"), parallel=2)
        app.build()
        app.cleanup()
        assert calls == ["freeze"]  # the test's own
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("event", ["doctree-resolved", "build-finished"])
def test_a_failed_build_leaves_the_collector_as_it_found_it(tmp_path, event):
    before = gc_state()
    app = SphinxTestApp("html", srcdir=_src(tmp_path, "basic", "src"))

    def fail(*_args) -> None:
        raise RuntimeError("boom")

    app.connect(event, fail)  # a build-finished handler that fails runs after memory's (priority 1)
    with pytest.raises(Exception, match="boom"):
        app.build()
    app.cleanup()
    assert gc_state() == before


def test_the_fork_hook_is_inert_outside_a_build(tmp_path):
    app = SphinxTestApp("html", srcdir=_src(tmp_path, "basic", "src"), parallel=2)
    app.build()  # a parallel read: registers the hook (once per process)
    app.cleanup()
    assert memory._fork_hook
    before = gc_state()
    pid = os.fork()
    if pid == 0:
        os._exit(0 if gc.isenabled() else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert gc_state() == before


@pytest.mark.parametrize("cli", [True, False])
def test_only_sphinx_build_skips_the_exit_collection_and_only_at_exit(tmp_path, monkeypatch, cli):
    import atexit

    registered: list = []
    monkeypatch.setattr(memory, "_sphinx_build_process", lambda: cli)
    monkeypatch.setattr(atexit, "register", registered.append)
    monkeypatch.setattr(atexit, "unregister", lambda func: None)
    before = gc_state()
    app = SphinxTestApp("html", srcdir=_src(tmp_path, "basic", "src"))
    app.build()
    app.cleanup()
    assert gc_state() == before  # frozen at exit, if at all: not after the build
    assert registered == ([gc.freeze] if cli else [])


def test_a_test_run_is_not_sphinx_build():
    assert not memory._sphinx_build_process()


class _Spec:
    """A docutils component, as a source parser is one: a new instance per page."""

    settings_spec = ("Spec", None, (("A list.", ["--things"], {"action": "append", "default": None}),))
    settings_defaults = None
    settings_default_overrides = None
    relative_path_settings = ()
    config_section = None
    config_section_dependencies = None


@pytest.mark.skipif(STOCK_GET_SETTINGS is None, reason="Sphinx 8.2 makes no settings per page")
def test_the_settings_cache_builds_one_option_parser_and_hands_out_fresh_values():
    from docutils.readers import standalone

    cache = docsettings.SettingsCache(STOCK_GET_SETTINGS)
    defaults = {"traceback": True, "things": ["a"], "report_level": 2}
    first = cache(standalone.Reader, _Spec(), defaults=defaults)
    second = cache(standalone.Reader, _Spec(), defaults=defaults)
    stock = STOCK_GET_SETTINGS(standalone.Reader, _Spec(), defaults=defaults)
    assert (cache.built, cache.reused) == (1, 1)
    assert vars(first).keys() == vars(stock).keys()
    same = {k for k, v in vars(stock).items() if k != "record_dependencies" and vars(first)[k] == v}
    assert same == vars(stock).keys() - {"record_dependencies"}
    # Each page has its own values and its own dependency list, as with the stock call.
    assert first is not second and first.record_dependencies is not second.record_dependencies
    first._source = "one.md"
    assert getattr(second, "_source", None) is None
    # Other defaults: another option parser.
    third = cache(standalone.Reader, _Spec(), defaults={**defaults, "report_level": 4})
    assert third.report_level == 4 and cache.built == 2


def test_the_settings_cache_is_put_back_after_a_failed_read(tmp_path):
    app = SphinxTestApp("html", srcdir=_src(tmp_path, "basic", "src"), confoverrides={"newsletter_speedups": True})

    def fail(app, docname, source) -> None:
        raise RuntimeError("boom")

    app.connect("source-read", fail)
    try:
        with pytest.raises(Exception, match="boom"):
            app.build()
        assert current_get_settings() is STOCK_GET_SETTINGS
    finally:
        app.cleanup()


@pytest.mark.parametrize("event", ["source-read", "doctree-resolved"])
def test_ctrl_c_in_an_in_process_build_puts_everything_back(tmp_path, event):
    """Sphinx emits no build-finished for a KeyboardInterrupt: the speed-ups are put back anyway."""
    before = gc_state()
    app = SphinxTestApp("html", srcdir=_src(tmp_path, "basic", "src"), confoverrides={"newsletter_speedups": True})

    def interrupt(*_args) -> None:
        raise KeyboardInterrupt

    app.connect(event, interrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            app.build()
        assert current_get_settings() is STOCK_GET_SETTINGS
        assert gc_state() == before
    finally:
        app.cleanup()
