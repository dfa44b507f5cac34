"""The plugin seam: a project's plugin adds Markdown syntax and pages made from data."""

from __future__ import annotations

import pytest

from docsite.app import create_app
from docsite.config import load_config
from docsite.errors import ConfigError
from docsite.freeze import freeze
from docsite.plugins import MarkdownExtension, Registry, load_plugins
from docsite.render import Renderer
from tests.conftest import write_tree

PAGES = {
    "en/index.md": "---\ntitle: Home\n---\nPress ++ctrl+c++ to copy.\n",
    "zh/index.md": "---\ntitle: 首页\n---\n按 ++ctrl+c++ 复制。\n",
}
CHANGES = '[[changes]]\nversion = "1.1"\ntext = "Faster builds."\n'


@pytest.fixture
def config(tmp_path):
    write_tree(tmp_path / "content", PAGES)
    (tmp_path / "changes.toml").write_text(CHANGES, encoding="utf-8")
    return load_config(
        content_dir=tmp_path / "content",
        cache_dir=tmp_path / "cache",
        plugins=("tests.plugins.changelog:register",),
    )


def test_a_plugins_markdown_extension_renders_in_every_page(config):
    client = create_app(config, server_search=False).test_client()
    assert "<kbd>ctrl</kbd>+<kbd>c</kbd>" in client.get("/en/").get_data(as_text=True)
    assert "<kbd>ctrl</kbd>+<kbd>c</kbd>" in client.get("/zh/").get_data(as_text=True)


def test_a_page_source_adds_pages_to_nav_build_and_fallback(config, tmp_path):
    app = create_app(config, server_search=False)
    site = app.extensions["docsite"].site
    assert "changelog.md" in site.entries["en"] and site.entries["zh"]["changelog.md"].fallback
    html = app.test_client().get("/en/changelog/").get_data(as_text=True)
    assert 'id="v1-1"' in html and "Faster builds." in html
    home = app.test_client().get("/en/").get_data(as_text=True)
    assert 'href="../en/changelog/"' in home  # in the nav
    out = tmp_path / "site"
    freeze(app, out)
    assert "Faster builds." in (out / "zh" / "changelog" / "index.html").read_text("utf-8")


def test_a_changed_data_file_makes_a_new_site_with_the_new_page(config, tmp_path):
    site = create_app(config, server_search=False).extensions["docsite"].site
    data = tmp_path / "changes.toml"
    data.write_text(CHANGES + '[[changes]]\nversion = "1.2"\ntext = "Plugins."\n', "utf-8")
    update = site.updated({data})
    assert "Plugins." in update.site.pages["en"]["changelog.md"].body
    assert "Plugins." not in site.pages["en"]["changelog.md"].body  # the old site is unchanged


def test_a_changed_extension_changes_the_render_cache_key(config):
    site = create_app(config, server_search=False).extensions["docsite"].site
    page = site.entries["en"]["index.md"].page
    plain = Renderer(config.digest, config.cache_dir, plugins=Registry())
    registry = Registry()
    registry.add_markdown(MarkdownExtension("keys", setup=lambda md: None, version="1"))
    v1 = Renderer(config.digest, config.cache_dir, plugins=registry)
    registry = Registry()
    registry.add_markdown(MarkdownExtension("keys", setup=lambda md: None, version="2"))
    v2 = Renderer(config.digest, config.cache_dir, plugins=registry)
    keys = {r.key(page, "en") for r in (plain, v1, v2)}
    assert len(keys) == 3


def test_a_plugin_that_cannot_be_loaded_is_a_config_error():
    with pytest.raises(ConfigError, match="no_such_module"):
        load_plugins(["no_such_module:register"], installed=False)
    registry = Registry()
    registry.add_markdown(MarkdownExtension("a", setup=lambda md: None))
    with pytest.raises(ConfigError, match="two Markdown extensions"):
        registry.add_markdown(MarkdownExtension("a", setup=lambda md: None))
