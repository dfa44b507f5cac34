"""A plugin as a project would write one: a Markdown extension and a page source.

- `++ctrl+c++` becomes <kbd> keys (a small inline rule).
- `changes.toml` beside the content folder becomes the page `changelog.md` in every language.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from docsite.config import SiteConfig
from docsite.pages import load_page
from docsite.plugins import MarkdownExtension, Registry
from docsite.sources import Sources


def _keys(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("++", state.pos):
        return False
    end = state.src.find("++", state.pos + 2)
    if end < 0:
        return False
    if not silent:
        keys = state.src[state.pos + 2 : end].split("+")
        token = state.push("html_inline", "", 0)
        token.content = "+".join(f"<kbd>{key}</kbd>" for key in keys if key.isalnum())
    state.pos = end + 2
    return True


def keys_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "keys", _keys)


class ChangelogSource:
    name = "changelog"

    def watches(self, config: SiteConfig) -> list[Path]:
        return [config.content_dir.parent / "changes.toml"]

    def read(self, config: SiteConfig) -> Sources:
        data_file = self.watches(config)[0]
        changes = tomllib.loads(data_file.read_text("utf-8")).get("changes", [])
        body = "---\ntitle: Changelog\nsortorder: 99\n---\n" + "".join(
            f"## {c['version']} {{#v{c['version'].replace('.', '-')}}}\n\n{c['text']}\n\n"
            for c in changes
        )
        pages = {
            lang: {
                "changelog.md": load_page(config.content_dir, lang, "changelog.md", body.encode())
            }
            for lang in (config.default_language,)
        }
        return Sources(pages)


def register(registry: Registry) -> None:
    registry.add_markdown(MarkdownExtension("keys", setup=keys_plugin))
    registry.add_page_source(ChangelogSource())
