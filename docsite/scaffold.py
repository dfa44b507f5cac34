"""`docsite new DIR`: a two-language project (English and Simplified Chinese) that serves at once.

It writes `docsite.toml`, two pages per language and a `.gitignore` for the cache and the built
site. Each Chinese page records the English text it translates (`source:`), so the translation
status starts complete and `docsite check --strict` reports nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from docsite.config import CONFIG_FILE
from docsite.errors import ConfigError
from docsite.pages import load_page
from docsite.status import source_hash

CONFIG = """\
# docsite settings. Paths are relative to this folder: content_dir (content), cache_dir
# (.cache), themes_dir (themes: your own themes, looked up before the packaged ones).
languages = ["en", "zh"]
default_language = "en"
theme = "default"
# A path (/docs/) or a full URL (https://example.org/docs/) that the built site is served from.
base_url = "/"

[title]
en = {en}
zh = {zh}
"""

GITIGNORE = """\
# docsite: the render cache and search index, the built site, the folder a build is made in
# and the output before the last one (which the next build reuses)
.cache/
site/
.site.*/
"""

ENGLISH = {
    "index.md": """\
---
title: Welcome
meta: Where this documentation starts.
---

This is the start page. Every Markdown file below `content/en/` is an English page, and the
file of the same path below `content/zh/` is that page in Simplified Chinese.

## Next steps {#next-steps}

- Read [Writing pages](writing-pages.md) to see what a page can hold.
- Run `docsite serve` and edit this file: the browser shows each save at once.
- Run `docsite build` to write the static site into `site/`.
""",
    "writing-pages.md": """\
---
title: Writing pages
sortorder: 10
meta: Front matter, links, code and notes in a docsite page.
---

A page starts with its front matter between two `---` lines: `title` names it, `sortorder`
places it in the navigation.

## Links {#links}

Link to a page by its file, [the start page](index.md), and to a heading by its id,
[the next steps](index.md#next-steps).

## Code {#code}

```python title="hello.py"
print("Hello from docsite")
```

!!! note
    Run `docsite check --strict` before you publish: it reports broken links and front matter.
""",
}

CHINESE = {
    "index.md": """\
---
title: 欢迎
meta: 本文档从这里开始。
source: {source}
---

这是首页。`content/zh/` 下的每个 Markdown 文件都是一个简体中文页面，对应 `content/en/`
下同一路径的英文页面。

## 下一步 {{#next-steps}}

- 阅读[编写页面](writing-pages.md)，了解页面可以包含哪些内容。
- 运行 `docsite serve` 并编辑本文件：每次保存后浏览器立即显示修改。
- 运行 `docsite build`，把静态网站写入 `site/`。
""",
    "writing-pages.md": """\
---
title: 编写页面
sortorder: 10
meta: docsite 页面中的前置元数据、链接、代码和提示。
source: {source}
---

页面以两行 `---` 之间的前置元数据开头：`title` 是页面标题，`sortorder`
决定它在导航中的位置。

## 链接 {{#links}}

按文件名链接到页面，例如[首页](index.md)；按标题的 id 链接到标题，
例如[下一步](index.md#next-steps)。

## 代码 {{#code}}

```python title="hello.py"
print("Hello from docsite")
```

!!! note
    发布之前运行 `docsite check --strict`：它会报告失效的链接和有误的前置元数据。
""",
}


def scaffold(target: Path, name: str | None = None) -> list[Path]:
    """Write a new project into `target` (missing or empty); returns the files written."""
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{target} is a file; docsite new needs a folder")
    if target.is_dir() and any(target.iterdir()):
        raise ConfigError(
            f"{target} is not empty; docsite new writes only into a new or empty "
            "folder, so that nothing of yours is overwritten"
        )
    name = name or target.resolve().name or "Documentation"
    titles = {"en": f"{name} Documentation", "zh": f"{name} 文档"}
    # JSON strings are TOML basic strings: quotes and backslashes in the name stay text.
    quoted = {lang: json.dumps(title, ensure_ascii=False) for lang, title in titles.items()}
    files = {CONFIG_FILE: CONFIG.format(**quoted), ".gitignore": GITIGNORE}
    files.update({f"content/en/{path}": text for path, text in ENGLISH.items()})
    written = _write(target, files)
    content = target / "content"
    for path, text in CHINESE.items():
        source = source_hash(load_page(content, "en", path))
        written += _write(target, {f"content/zh/{path}": text.format(source=source)})
    return written


def _write(target: Path, files: dict[str, str]) -> list[Path]:
    written = []
    for rel, text in files.items():
        file = target / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
        written.append(file)
    return written
