"""The markdown-it plugin: `:::` directives become headings and HTML, autorefs become links.

Per render it reads the RenderContext (env "docsite") and a PageApi (env "apiref"; without
one, the default engine, an empty inventory and no translations).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType
from markupsafe import escape

from docsite.apiref.autorefs import autoref_inline, resolve_autorefs
from docsite.apiref.directive import (
    DirectiveError,
    DirectiveSpec,
    Placement,
    parse_options,
    plan,
    register_block_rule,
)
from docsite.apiref.engine import ENV_KEY, PageApi, default_engine
from docsite.apiref.xref import Target, href_to
from docsite.markdown import LinkRef, RenderContext, relative_url

_LOCAL_KEY = "apiref.local"  # object path -> anchor, for what this page places


def markdown_plugin(md: MarkdownIt) -> None:
    """Register the directive and cross-references on a docsite parser."""
    register_block_rule(md)
    md.inline.ruler.after("link", "autoref", autoref_inline)
    md.core.ruler.after("block", "apiref_directives", expand_directives)
    try:
        md.core.ruler.before("rewrite_links", "apiref_autorefs", autorefs)
    except KeyError:
        md.core.ruler.push("apiref_autorefs", autorefs)
    md.add_render_rule("apiref", lambda *_args: "")


def page_api(env: EnvType) -> PageApi:
    api = env.get(ENV_KEY)
    return api if isinstance(api, PageApi) else PageApi(default_engine())


def _ctx(env: EnvType) -> RenderContext:
    ctx = env.get("docsite")
    if not isinstance(ctx, RenderContext):
        raise TypeError("render env must carry a RenderContext under 'docsite'")
    return ctx


@dataclass
class Resolver:
    """(role, target) -> URL for references in docstrings and signatures on one page."""

    api: PageApi
    ctx: RenderContext
    local: dict[str, str]
    line: int = 0
    seen: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def __call__(self, role: str, target: str) -> str | None:
        key = (role, target)
        if key not in self.seen:
            self.seen[key] = self._resolve(role, target)
        return self.seen[key]

    def _resolve(self, role: str, target: str) -> str | None:
        from docsite.apiref.rstnodes import PY_ROLES  # docutils: loaded by the docstrings

        lang = self.api.lang
        external = self.api.engine.external
        if role in PY_ROLES:
            anchor = find_local(self.local, target)
            if anchor is not None:
                return f"#{anchor}"
            found = self.api.inventory.get(lang, target)
            if found is not None:
                return self.url(found)
            return None if target.startswith(".") else external.url("py", target)
        if role == "ref":
            label = self.api.inventory.label(lang, target)
            return self.url(label) if label else external.url("std:label", target)
        if role == "doc":
            label = self.api.inventory.label(lang, f"doc:{target}")
            return self.url(label) if label else self._doc(target)
        return None

    def url(self, target: Target) -> str | None:
        fragment = f"#{target.anchor}" if target.anchor else ""
        if target.page == self.ctx.page_path:
            return fragment or "#"
        url = self.ctx.resolve_page(target.page)
        if url is None:
            return None
        self.ctx.links.append(LinkRef(target.page, target.anchor, self.line, "page"))
        return relative_url(self.ctx.page_url, url, self.ctx.url_style) + fragment

    def _doc(self, name: str) -> str | None:
        base = "" if name.startswith("/") else posixpath.dirname(self.ctx.page_path)
        path = posixpath.normpath(posixpath.join(base, name.lstrip("/")))
        for candidate in (f"{path}.md", f"{path}/index.md"):
            url = self.ctx.resolve_page(candidate)
            if url is not None:
                self.ctx.links.append(LinkRef(candidate, "", self.line, "page"))
                return relative_url(self.ctx.page_url, url, self.ctx.url_style)
        return None


def find_local(local: dict[str, str], target: str) -> str | None:
    if not target.startswith("."):
        return local.get(target)
    matches = sorted((p for p in local if p.endswith(target)), key=lambda p: (len(p), p))
    return local[matches[0]] if matches else None


@dataclass(frozen=True)
class Unsupported:
    """A directive for another package than the site's: shown as the text it is."""

    path: str


Planned = Placement | Unsupported | str  # str: the error to show


def _plan_all(state: StateCore, ctx: RenderContext, api: PageApi) -> dict[int, Planned]:
    """Each directive token's placement (by token index), or the error message to show.

    A directive for another package (`::: fastapi.Request` on a MkDocs site's page) is not
    ours: it stays text with a warning, and the model is not even loaded for it."""
    package = api.engine.settings.package
    planned: dict[int, Planned] = {}
    ours: list[tuple[int, Token]] = []
    for i, token in enumerate(state.tokens):
        if token.type != "apiref":
            continue
        path = token.meta["path"]
        if path.split(".")[0] == package:
            ours.append((i, token))
            continue
        message = (
            f"mkdocstrings directive '::: {path}' is not supported: this site documents "
            f"the API of {package}; it is shown as text"
        )
        ctx.warn(token, message, "unsupported-syntax")
        planned[i] = Unsupported(path)
    if ours:
        planned.update(_plan_ours(ours, ctx, api))
    return planned


def _plan_ours(
    tokens: list[tuple[int, Token]], ctx: RenderContext, api: PageApi
) -> dict[int, Planned]:
    planned: dict[int, Planned] = {}
    try:
        model = api.engine.model
    except Exception as exc:  # griffe could not read the package: every directive says so
        message = f"cannot read the API of {api.engine.settings.package}: {exc}"
        for i, token in tokens:
            ctx.warn(token, message, "api-directive", level="error")
            planned[i] = message
        return planned
    for i, token in tokens:
        path = token.meta["path"]
        try:
            options = parse_options(token.meta["options"])
            planned[i] = plan(model, DirectiveSpec(path, options, ctx.line_of(token)))
        except DirectiveError as exc:
            ctx.warn(token, f"'::: {path}': {exc}", "api-directive", "error")
            planned[i] = str(exc)
    return planned


def expand_directives(state: StateCore) -> None:
    if not any(t.type == "apiref" for t in state.tokens):
        return
    ctx = _ctx(state.env)
    api = page_api(state.env)
    planned = _plan_all(state, ctx, api)
    local: dict[str, str] = state.env.setdefault(_LOCAL_KEY, {})
    for placement in planned.values():
        if isinstance(placement, Placement):
            for each in placement.walk():
                local.setdefault(each.path, each.path)
                canonical = api.engine.model.resolve(each.path)
                if canonical:
                    local.setdefault(canonical, each.path)
    tokens: list[Token] = []
    for i, token in enumerate(state.tokens):
        placed = planned.get(i)
        if placed is None:
            tokens.append(token)
        elif isinstance(placed, Unsupported):
            tokens.append(_text_token(token))
        elif isinstance(placed, str):
            tokens.append(_error_token(token, placed))
        else:
            from docsite.apiref.objects import ObjectRenderer  # docutils: only where placed

            resolver = Resolver(api, ctx, local, ctx.line_of(token))
            renderer = ObjectRenderer(api, ctx, resolver, list(token.map or [0, 1]))
            tokens += renderer.tokens(placed)
    state.tokens[:] = tokens


def _text_token(token: Token) -> Token:
    text = Token("html_block", "", 0, block=True, map=token.map)
    text.content = f"<p>::: {escape(token.meta['path'])}</p>\n"
    return text


def _error_token(token: Token, message: str) -> Token:
    error = Token("html_block", "", 0, block=True, map=token.map)
    error.content = (
        f'<p class="api-error"><code>::: {escape(token.meta["path"])}</code> '
        f"{escape(message)}</p>\n"
    )
    return error


def autorefs(state: StateCore) -> None:
    if not any(
        child.meta.get("autoref")
        for block in state.tokens
        if block.type == "inline"
        for child in block.children or ()
    ):
        return
    ctx = _ctx(state.env)
    api = page_api(state.env)
    local: dict[str, str] = state.env.get(_LOCAL_KEY, {})

    def find(identifier: str) -> str | None:
        anchor = find_local(local, identifier)
        if anchor is not None:
            return f"#{anchor}"
        target = api.inventory.get(api.lang, identifier)
        return href_to(ctx.page_path, target) if target is not None else None

    def warn(token: Token, message: str) -> None:
        ctx.warn(token, message, "missing-reference")

    resolve_autorefs(state, find, warn)
