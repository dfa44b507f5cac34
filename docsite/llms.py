"""The site for language models and tools: Markdown copies of the pages, llms.txt, llms-full.txt.

- A page's *Markdown copy* (`/<lang>/<page>/index.md`, beside its index.html) is its source
  without the front matter, with its title as the first heading, heading ids (`{#id}`) taken
  out, and every relative link made absolute: on the configured base URL when it names a host,
  else site-absolute (`/docs/en/…`). Code is left exactly as written.
- `/<lang>/llms.txt` follows the llms.txt convention (https://llmstxt.org/): `# Title`,
  `> summary`, then the nav as lists of Markdown links with each page's `meta` description,
  one `##` section per top-level section. `/llms.txt` lists the languages.
- `/<lang>/llms-full.txt` is every page's Markdown copy, in reading order.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote, urlsplit

from docsite import urls
from docsite.config import SiteConfig
from docsite.nav import NavNode
from docsite.site import Entry, Site

_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_HEADING_ATTRS_RE = re.compile(r"[ \t]*\{[ \t]*[#.][^{}]*\}[ \t]*$")
_CODE_SPAN_RE = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)")
# the destination after "](" of an inline link or image, or of a reference definition
_INLINE_LINK_RE = re.compile(r"(\]\([ \t]*)(<[^<>\n]*>|[^\s()<>]+(?:\([^\s()]*\)[^\s()<>]*)*)")
_REFERENCE_RE = re.compile(r"^([ ]{0,3}\[[^\]]+\]:[ \t]*)(<[^<>\n]*>|\S+)")
_HTML_LINK_RE = re.compile(r"""(\b(?:href|src)[ \t]*=[ \t]*["'])([^"']*)""")

Gettext = Callable[[str], str]


def site_base(config: SiteConfig) -> str:
    """What links in these files start with: the full base URL if known, else its path."""
    return config.absolute_base or config.base_path


def address(config: SiteConfig, site_path: str) -> str:
    return urls.absolute_url(site_base(config), site_path)


def markdown_copy(site: Site, entry: Entry) -> str:
    """The page's clean Markdown: its source with links made absolute, under its title."""
    from docsite.mdscan import body_lines  # the parser: only a build that makes copies needs it

    page = entry.page
    lines = page.body.splitlines()
    kinds = body_lines(page.body)
    out = []
    for number, line in enumerate(lines):
        if number in kinds.code:
            out.append(line)
            continue
        if number in kinds.headings:
            line = _HEADING_ATTRS_RE.sub("", line)
        out.append(_rewrite_line(site, entry, line))
    while out and not out[0].strip():
        del out[0]
    if not kinds.has_h1:
        out[:0] = [f"# {page.title}", ""]
    return "\n".join(out).strip() + "\n"


def with_source(site: Site, entry: Entry, copy: str) -> str:
    """A page's Markdown copy with a `Source: <url>` line under its title (in llms-full.txt)."""
    lines = copy.split("\n")
    heading = next(i for i, line in enumerate(lines) if line.strip())
    lines[heading + 1 : heading + 1] = ["", f"Source: {address(site.config, entry.site_path)}"]
    return "\n".join(lines).strip() + "\n"


def _rewrite_line(site: Site, entry: Entry, line: str) -> str:
    """One line of text with its links made absolute, inline code spans left alone."""
    if "]" not in line and "=" not in line:
        return line  # no link of any kind the patterns below find: most lines of prose

    def absolute(match: re.Match[str]) -> str:
        return match.group(1) + absolute_link(site, entry, match.group(2))

    parts = []
    last = 0
    for span in _CODE_SPAN_RE.finditer(line):
        parts.append(_rewrite_text(line[last : span.start()], absolute))
        parts.append(span.group(0))
        last = span.end()
    parts.append(_rewrite_text(line[last:], absolute))
    return "".join(parts)


def _rewrite_text(text: str, absolute: Callable[[re.Match[str]], str]) -> str:
    text = _REFERENCE_RE.sub(absolute, text)
    text = _INLINE_LINK_RE.sub(absolute, text)
    return _HTML_LINK_RE.sub(absolute, text)


def absolute_link(site: Site, entry: Entry, href: str) -> str:
    """A link as the page's source wrote it, made absolute the way its HTML resolves it."""
    if href.startswith("<") and href.endswith(">"):
        return "<" + absolute_link(site, entry, href[1:-1]) + ">"
    if not href or href.startswith(("/", "//")) or _SCHEME_RE.match(href):
        return href  # absolute already, or another scheme (mailto:, https:)
    parts = urlsplit(href)
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if not parts.path:
        return address(site.config, entry.site_path) + fragment
    folder = posixpath.dirname(entry.page.path)
    target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
    if target.startswith("../") or target == "..":
        return href  # outside the content folder: `check` reports it; keep it as written
    if target.endswith(".md"):
        url = site.resolve(entry.lang, target)
        if url is None:
            return href  # a missing page: `check` reports it
        return address(site.config, urls.page(entry.lang, url)) + fragment
    return address(site.config, urls.page(entry.lang, target)) + fragment


def llms_index(site: Site, lang: str, gettext: Gettext) -> str:
    """`/<lang>/llms.txt`: the title, the summary, then the nav as Markdown links."""
    config = site.config
    root = site.nav[lang]
    lines = [f"# {config.title(lang)}", ""]
    summary = _description(root.entry)
    if summary:
        lines += [f"> {summary}", ""]
    full = address(config, urls.llms_full(lang))
    lines += [
        gettext(
            "Each link below is a page of this documentation as Markdown; "
            "the HTML page is at the same address without index.md."
        ),
        "",
        gettext("All pages in one file: %(url)s") % {"url": full},
        "",
    ]
    for heading, entries in _groups(root):
        lines += [f"## {heading}", ""]
        lines += [_item(config, entry) for entry in entries]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _groups(root: NavNode) -> Iterator[tuple[str, list[Entry]]]:
    """The nav as (heading, pages): the top-level pages first, then one group per section."""
    single = [root.entry] if root.entry else []
    single += [child.entry for child in root.children if not child.children and child.entry]
    if single:
        yield single[0].page.nav_title, single
    for child in root.children:
        if child.children:
            yield child.title, list(_entries_below(child))


def _entries_below(node: NavNode) -> Iterator[Entry]:
    if node.entry is not None:
        yield node.entry
    for child in node.children:
        yield from _entries_below(child)


def _description(entry: Entry | None) -> str:
    return " ".join(str(entry.page.meta.get("meta", "")).split()) if entry else ""


def _item(config: SiteConfig, entry: Entry) -> str:
    target = address(config, urls.markdown_copy(entry.site_path))
    link = f"- [{_link_text(entry.page.title)}]({target})"
    description = _description(entry)
    return f"{link}: {description}" if description else link


def _link_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def llms_root(site: Site, gettext: Gettext) -> str:
    """`/llms.txt`: the site in the default language's words, and its languages."""
    config = site.config
    default = config.default_language
    lines = [f"# {config.title(default)}", ""]
    summary = _description(site.nav[default].entry)
    if summary:
        lines += [f"> {summary}", ""]
    lines += ["## " + gettext("Languages"), ""]
    for lang in config.languages:
        index = address(config, urls.llms_index(lang))
        full = address(config, urls.llms_full(lang))
        note = gettext("%(title)s; all pages in one file: %(url)s")
        lines.append(
            f"- [{config.lang_name(lang)}]({index}): "
            + note % {"title": config.title(lang), "url": full}
        )
    return "\n".join(lines) + "\n"


def llms_full(site: Site, lang: str, copy_of: Callable[[Entry], str] | None = None) -> str:
    """`/<lang>/llms-full.txt`: every page's Markdown copy, in reading order, each with its
    source. `copy_of` gives a page's copy when it is at hand (a build has written them all)."""
    made = copy_of or (lambda entry: markdown_copy(site, entry))
    return "\n\n".join(with_source(site, e, made(e)) for e in site.navs[lang].order)
