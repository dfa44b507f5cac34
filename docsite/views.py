"""The site's views, as a Blueprint: pages, search, translation status, theme files, sitemap.

Every view takes the current snapshot once (`_snap()`) and answers from it alone.
"""

from __future__ import annotations

import hashlib
import re

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, request
from jinja2 import TemplateError
from markupsafe import Markup

from docsite import llms, objectsinv, urls
from docsite.context import GENERATED_STATIC, Snapshot, static_name
from docsite.errorpages import template_error_html
from docsite.errors import ContentError
from docsite.safety import send_file_or_404
from docsite.search import clean_query
from docsite.state import Docsite

FINGERPRINT_RE = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")
bp = Blueprint("docsite", __name__)


def _state() -> Docsite:
    return current_app.extensions["docsite"]  # type: ignore[no-any-return]


def html_response(body: str | bytes, status: int = 200) -> Response:
    """An HTML page; a 200 carries an ETag and answers a conditional request with 304."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    response = Response(data, status=status, mimetype="text/html")
    if status == 200:
        response.cache_control.no_cache = True
        response.set_etag(hashlib.sha1(data, usedforsecurity=False).hexdigest())
        response.make_conditional(request)
    return response


def _language(snap: Snapshot, lang: str) -> str:
    if lang not in snap.config.languages:
        abort(404)
    return lang


@bp.get("/")
def index() -> Response:
    state = _state()
    snap = state.snapshot
    if current_app.config["DOCSITE_FREEZING"]:
        lang = snap.config.default_language
        return html_response(state.render_template(snap, "chooser.html", lang, snap.links("")))
    languages = list(snap.config.languages)
    lang = request.accept_languages.best_match(languages) or snap.config.default_language
    response = redirect(f"{request.script_root}/{urls.language_home(lang)}", 302)
    response.vary.add("Accept-Language")
    return response


@bp.get("/api/search")
def api_search() -> Response:
    state = _state()
    config = state.config
    lang = request.args.get("lang") or config.default_language
    if lang not in (known := (*config.languages, "all")):
        error = jsonify(error=f"lang must be one of {', '.join(known)}, not {lang!r}")
        error.status_code = 400
        return error
    try:
        limit = int(request.args.get("limit", "10"))
    except ValueError:
        limit = 10
    result = state.run_search(request.args.get("q", ""), lang, limit)
    response = jsonify(result.as_dict())
    response.cache_control.no_cache = True
    return response


@bp.get("/<lang>/search/")
def search_page(lang: str) -> Response:
    state = _state()
    snap = state.snapshot
    _language(snap, lang)
    q = clean_query(request.args.get("q", ""))
    scope = "all" if request.args.get("lang") == "all" else lang
    links = snap.links(urls.search_page(lang))
    result = None
    if q and state.search_mode == "server":
        result = state.run_search(q, scope, 20)
    hits = [
        {**hit.as_dict(), "href": links.to(hit.url.lstrip("/")), "snippet": Markup(hit.snippet)}
        for hit in (result.results if result else [])
    ]
    return html_response(
        state.render_template(
            snap, "search.html", lang, links, q=q, scope=scope, result=result, hits=hits
        )
    )


@bp.get("/<lang>/translation-status/")
def translation_status_page(lang: str) -> Response:
    state = _state()
    snap = state.snapshot
    return html_response(state.status_html(snap, _language(snap, lang)))


@bp.get("/<lang>/")
@bp.get("/<lang>/<path:subpath>")
def page(lang: str, subpath: str = "") -> Response:
    state = _state()
    snap = state.snapshot
    site = snap.site
    _language(snap, lang)
    entry = site.entry_at(lang, subpath)
    if entry is not None:
        try:
            return html_response(state.page_body(snap, entry))
        except ContentError as exc:  # found while rendering (nesting, unclosed <script>)
            return html_response(state.error_html(snap, lang, subpath, exc), 500)
        except TemplateError as exc:
            if not state.live:
                raise
            return html_response(template_error_html(exc, state.live), 500)
    error = site.broken.get((lang, subpath))
    if error is not None:
        return html_response(state.error_html(snap, lang, subpath, error), 500)
    if (normal := site.normal_url(lang, subpath)) is not None:  # a decomposed é
        return redirect(f"{request.script_root}/{lang}/{normal}", 308)  # type: ignore[return-value]
    if subpath and not subpath.endswith("/"):
        if site.entry_at(lang, subpath + "/") or (lang, subpath + "/") in site.broken:
            return redirect(f"{request.script_root}/{lang}/{subpath}/", 308)  # type: ignore[return-value]
        asset = site.find_asset(lang, subpath)
        if asset is not None:
            return send_file_or_404(asset, conditional=True, max_age=300)
    abort(404)


@bp.get(f"/{urls.STATIC}<path:name>")
def theme_static(name: str) -> Response:
    theme = _state().theme
    match = FINGERPRINT_RE.match(name)
    plain = f"{match['stem']}{match['ext']}" if match else name
    generator = GENERATED_STATIC.get(plain)
    file = theme.find_static(plain)
    if generator is None and file is None:
        abort(404)
    fingerprinted = match is not None and static_name(theme, plain) == name
    if generator is not None:
        response = Response(generator.make(), mimetype="text/css")
        response.add_etag()
        response.make_conditional(request)
    else:
        seconds = 31_536_000 if fingerprinted else 0  # max_age=0 would add no-cache
        response = send_file_or_404(file, conditional=True, max_age=seconds)  # type: ignore[arg-type]
    if fingerprinted:
        response.cache_control.public = True
        response.cache_control.max_age = 31_536_000
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response


@bp.get(f"/{urls.SITEMAP}")
def sitemap() -> Response:
    snap = _state().snapshot
    config, site = snap.config, snap.site
    base = config.absolute_base or config.base_path
    pages = [
        {
            "loc": urls.absolute_url(base, entry.site_path),
            "alternates": [
                {"tag": config.lang_tag(code), "href": urls.absolute_url(base, other.site_path)}
                for code, other in site.translations_of(entry).items()
            ],
        }
        for entry in site.all_entries()
    ]
    xml = snap.theme.env(config.default_language).get_template("sitemap.xml").render(pages=pages)
    return Response(xml, mimetype="application/xml")


@bp.get(f"/{urls.ROBOTS}")
def robots() -> Response:
    base = _state().config.absolute_base
    lines = ["User-agent: *", "Allow: /"]
    if base:
        lines.append(f"Sitemap: {urls.absolute_url(base, urls.SITEMAP)}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


def text_response(text: str, mimetype: str) -> Response:
    """A text file (Markdown, llms.txt) in UTF-8, with an ETag for conditional requests."""
    response = Response(text.encode("utf-8"), mimetype=mimetype)
    response.charset = "utf-8"
    response.cache_control.no_cache = True
    response.add_etag()
    response.make_conditional(request)
    return response


@bp.get(f"/{urls.LLMS}")
def llms_root() -> Response:
    snap = _state().snapshot
    gettext = snap.theme.gettext(snap.config.default_language)
    return text_response(llms.llms_root(snap.site, gettext), "text/plain")


@bp.get(f"/<lang>/{urls.LLMS}")
def llms_index(lang: str) -> Response:
    snap = _state().snapshot
    _language(snap, lang)
    return text_response(llms.llms_index(snap.site, lang, snap.theme.gettext(lang)), "text/plain")


@bp.get(f"/<lang>/{urls.LLMS_FULL}")
def llms_full(lang: str) -> Response:
    snap = _state().snapshot
    return text_response(llms.llms_full(snap.site, _language(snap, lang)), "text/plain")


@bp.get(f"/<lang>/{urls.OBJECTS_INV}")
def objects_inv(lang: str) -> Response:
    """The language's Sphinx inventory (objects.inv), for intersphinx."""
    snap = _state().snapshot
    data = objectsinv.objects_inv(snap.site, _language(snap, lang))
    response = Response(data, mimetype="application/octet-stream")
    response.cache_control.no_cache = True
    response.add_etag()
    return response.make_conditional(request)


@bp.get(f"/<lang>/{urls.MARKDOWN_FILE}")
@bp.get(f"/<lang>/<path:folder>/{urls.MARKDOWN_FILE}")
def markdown_copy(lang: str, folder: str = "") -> Response:
    """A page's clean Markdown, beside its HTML (`/en/guide/a/index.md`)."""
    snap = _state().snapshot
    _language(snap, lang)
    entry = snap.site.entry_at(lang, folder + "/" if folder else "")
    if entry is None:
        abort(404)
    return text_response(llms.markdown_copy(snap.site, entry), "text/markdown")


@bp.get(f"/{urls.NOT_FOUND}")
def not_found_page() -> Response:
    return Response(not_found_html(_state().config.default_language), mimetype="text/html")


def not_found_html(lang: str) -> str:
    """The 404 page, with links absolute on the base path (it is served at any depth)."""
    state = _state()
    snap = state.snapshot
    links = snap.links(None, request.script_root + "/")
    return state.render_template(snap, "404.html", lang, links, page_key=request.path.lstrip("/"))


def language_for_request(languages: tuple[str, ...], default: str) -> str:
    """The language of the URL asked for, else the browser's preferred one of the site's."""
    first = request.path.strip("/").split("/", 1)[0]
    if first in languages:
        return first
    return request.accept_languages.best_match(list(languages)) or default
