"""House style of the Chinese pages: Chinese quotation marks and the glossary's fixed terms.

Only prose is checked: the text the Markdown parser produces for paragraphs, headings, list
items, table cells and admonition titles, plus the front matter's title, sidebartitle and meta.
Inline code, fenced code and HTML are left out, so `"..."` in code is fine.

- ASCII double quotes are not used in Chinese text: a pair of `"` that encloses Chinese, or that
  stands next to Chinese outside, must be “…”.
- The glossary's terms are used, not the ones that drifted in before: context push is 推入
  (not 推送), JSON provider is JSON 提供者 (not 提供器), teardown is teardown 函数 / 清理 (not
  拆卸), the quickstart is 快速上手 (not 快速入门), an active context is 活动的上下文.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from docsite.builtins import plugins_for
from docsite.markdown import RenderContext, create_markdown
from docsite.pages import load_page
from tests.conftest import CONTENT

CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
CODE = "\ufffc"  # stands for an inline code span or inline HTML in the prose text
DRIFT = {
    "推送 for pushing a context (the glossary says 推入)": re.compile(
        r"推送[^。！？；]{0,15}上下文|上下文[^。！？；，]{0,4}推送"
    ),
    "提供器 (the glossary says 提供者: JSON 提供者)": re.compile("提供器"),
    "拆卸 (the glossary says teardown 函数, or 清理 for the verb)": re.compile("拆卸"),
    "快速入门 (the quickstart is called 快速上手)": re.compile("快速入门"),
    "激活的上下文 (the glossary says 活动的上下文)": re.compile("激活的(应用|请求)?上下文"),
}


@dataclass
class Prose:
    """A run of prose: the text of one inline token (or a front matter value), and its line."""

    text: str
    line: int


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type in ("code_inline", "html_inline", "image"):
            parts.append(CODE)
    return "".join(parts)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """docsite's parser, keeping line breaks between Chinese characters (for line numbers)."""
    md = create_markdown(plugins_for(()).markdown)
    md.core.ruler.disable("cjk_breaks")
    return md


def prose_of(body: str, first_line: int = 1) -> Iterator[Prose]:
    """Every prose run of a Markdown body, parsed by docsite's own parser."""
    ctx = RenderContext(
        file="",
        page_path="page.md",
        page_url="page/",
        line_offset=first_line,
        resolve_page=lambda _path: None,
        gettext=lambda message: message,
    )
    for token in _parser().parse(body, {"docsite": ctx}):
        if token.type == "inline" and token.children is not None:
            line = first_line + (token.map[0] if token.map else 0)
            yield Prose(_inline_text(token.children), line)


def _outside(text: str, index: int, step: int) -> str:
    """The nearest character before (step -1) or after (step 1) index that is not a space."""
    index += step
    while 0 <= index < len(text) and text[index] in " \t\n":
        index += step
    return text[index] if 0 <= index < len(text) else ""


def ascii_quote_problems(prose: Prose) -> list[str]:
    """ASCII double quotes that enclose Chinese or stand next to it, as 'line: “excerpt”'."""
    text = prose.text
    quotes = [m.start() for m in re.finditer('"', text)]
    problems = []
    for n in range(0, len(quotes), 2):
        start = quotes[n]
        end = quotes[n + 1] if n + 1 < len(quotes) else start
        inner = text[start + 1 : end]
        touching = _outside(text, start, -1) + _outside(text, end, 1)
        if CJK_RE.search(inner) or CJK_RE.search(touching):
            line = prose.line + text.count("\n", 0, start)
            excerpt = text[max(0, start - 8) : end + 9].replace("\n", " ").replace(CODE, "`…`")
            problems.append(f"{line}: {excerpt!r}")
    return problems


def drift_problems(prose: Prose) -> list[str]:
    problems = []
    for name, pattern in DRIFT.items():
        for match in pattern.finditer(prose.text):
            line = prose.line + prose.text.count("\n", 0, match.start())
            problems.append(f"{line}: {match.group()!r} — {name}")
    return problems


def zh_prose(path: str) -> list[Prose]:
    page = load_page(CONTENT, "zh", path)
    runs = [
        Prose(str(page.meta[key]), 1)
        for key in ("title", "sidebartitle", "meta")
        if isinstance(page.meta.get(key), str)
    ]
    return runs + list(prose_of(page.body, page.body_line))


ZH_PATHS = sorted(
    file.relative_to(CONTENT / "zh").as_posix() for file in (CONTENT / "zh").rglob("*.md")
)


@pytest.mark.parametrize("path", ZH_PATHS)
def test_zh_page_uses_chinese_quotes(path: str) -> None:
    problems = [p for prose in zh_prose(path) for p in ascii_quote_problems(prose)]
    assert problems == [], f"zh/{path}: ASCII quotes in Chinese text, use “…”"


@pytest.mark.parametrize("path", ZH_PATHS)
def test_zh_page_uses_the_glossary_terms(path: str) -> None:
    problems = [p for prose in zh_prose(path) for p in drift_problems(prose)]
    assert problems == [], f"zh/{path}: terms that drifted from GLOSSARY.md"


# --- the scanner itself -----------------------------------------------------------------------


def _quotes(body: str) -> list[str]:
    return [p for prose in prose_of(body) for p in ascii_quote_problems(prose)]


def test_quote_scanner_flags_ascii_quotes_in_chinese_text() -> None:
    assert _quotes('这是一份"说明书"。\n') != []
    assert _quotes('会报出类似 "No such option" 的错误。\n') != []
    assert _quotes('- 列表里的"引号"\n') != []
    assert _quotes('| 列 |\n| --- |\n| 表格里的"引号" |\n') != []
    assert _quotes('## 标题里的"引号" {#id}\n') != []
    assert _quotes('跨行的"引号\n还没结束"。\n') == ["1: '跨行的\"引号 还没结束\"。'"]
    assert _quotes('第一行\n\n第三行，"引号"\n') == ["3: '第三行，\"引号\"'"]


def test_quote_scanner_leaves_code_and_english_alone() -> None:
    assert _quotes('用 `print("你好")` 打印。\n') == []
    assert _quotes('```python\nprint("你好")\n```\n') == []
    assert _quotes('    print("你好")\n') == []
    assert _quotes('Say "hello" to everyone.\n') == []
    assert _quotes('!!! warning "切勿用于生产环境"\n    正文。\n') == []
    assert _quotes("这是一份“说明书”。\n") == []
    assert _quotes('<a title="标题">链接</a>\n') == []


def test_drift_scanner_finds_each_term() -> None:
    def found(text: str) -> int:
        return sum(len(drift_problems(prose)) for prose in prose_of(text))

    assert found("Flask 会推送一个应用上下文。\n") == 1
    assert found("推送了却从不弹出的上下文。\n") == 1
    assert found("会推送一个\n应用上下文。\n") == 1
    assert found("服务器推送事件（SSE）把数据发给浏览器。\n") == 0
    assert found("应用的 JSON 提供器。\n") == 1
    assert found("请求拆卸函数。\n") == 1
    assert found("先读[快速入门](quickstart.md)。\n") == 1
    assert found("没有激活的请求上下文。\n") == 1
    assert found("在激活的虚拟环境中安装。\n") == 0
    assert found("推入应用上下文，JSON 提供者，teardown 函数，快速上手。\n") == 0
    assert found("`推送上下文`\n") == 0
