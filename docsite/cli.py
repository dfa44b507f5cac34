"""The command line: `docsite serve | build | check | status | new` (`python build.py …` here).

Every command but `new` works on the project found from the working directory (the first folder
up from it with a docsite.toml, or a pyproject.toml with [tool.docsite]), or on the one that
`--config-file` names.
"""

from __future__ import annotations

import errno
import gc
import json
import shutil
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from docsite import urls
from docsite.buildreport import output_error, print_diagnostics, summary, verifier
from docsite.config import SiteConfig, load_config
from docsite.errors import ConfigError, ContentError, display_path
from docsite.site import Site
from docsite.status import PageStatus, stamp_path, translation_status

if TYPE_CHECKING:
    from docsite.check import CheckReport

# Each command imports the heavy parts it needs (Flask, the search engine) itself: `check`
# runs on every save in some editors, and half its time would be importing what it never uses.

UNSAFE_DEBUG = "--unsafe-debug-on-public-host"
content_option = click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder with one subfolder per language (default: content/ of the project).",
)


def _config(**overrides: object) -> SiteConfig:
    config_file = click.get_current_context().find_root().params.get("config_file")
    try:
        config = load_config(config_file, **overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    if not config.content_dir.is_dir():
        raise click.ClickException(f"content folder not found: {config.content_dir}")
    return config


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The project's docsite.toml or pyproject.toml (default: found from the working "
    "directory up).",
)
def main(config_file: Path | None) -> None:
    """docsite: write, check, serve and build a documentation site from Markdown."""


@main.command()
@content_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--debug/--no-debug",
    default=False,
    help="Flask debug mode, with Werkzeug's debugger (refused on a host other machines reach).",
)
@click.option(
    UNSAFE_DEBUG,
    "unsafe_debug",
    is_flag=True,
    help="Allow --debug on a non-loopback --host: anyone who reaches the port can run any "
    "code on this machine through the debugger.",
)
@click.option(
    "--drafts/--no-drafts", default=True, show_default=True, help="Serve draft pages too."
)
@click.option(
    "--trusted-host",
    "trusted_hosts",
    multiple=True,
    metavar="NAME",
    help="Behind a proxy: a host name the site is served as (repeatable); "
    "a request for any other Host is refused with a 400.",
)
def serve(
    content_dir: Path | None,
    host: str,
    port: int,
    debug: bool,
    unsafe_debug: bool,
    drafts: bool,
    trusted_hosts: tuple[str, ...],
) -> None:
    """Serve the documentation while you edit it."""
    from docsite.app import create_app

    _check_exposure(host, debug, unsafe_debug)
    _check_port(host, port)
    config = _config(content_dir=content_dir, include_drafts=drafts)
    app = create_app(config, live=True, trusted_hosts=trusted_hosts)
    site = app.extensions["docsite"].site
    print_diagnostics([e.diagnostic for e in site.errors])
    pages = ", ".join(f"{len(site.entries[lang])} {lang}" for lang in config.languages)
    click.echo(
        f"Serving {pages} pages from {config.content_dir} at http://{host}:{port}/", err=True
    )
    app.run(host=host, port=port, debug=debug, use_reloader=False, threaded=True)


def _check_exposure(host: str, debug: bool, unsafe_debug: bool) -> None:
    """Refuse the debugger where other machines reach it; warn about a public dev server."""
    from docsite.safety import is_loopback

    if is_loopback(host):
        return
    if debug and not unsafe_debug:
        raise click.UsageError(
            f"--debug on --host {host} would let anyone who reaches the port run code on this "
            f"machine (Werkzeug's debugger); use a loopback host such as 127.0.0.1, "
            f"or add {UNSAFE_DEBUG} if you really mean it"
        )
    click.echo(
        f"warning: the development server on {host} can be reached from other machines"
        + ("; its debugger runs any code they send" if debug else "")
        + "; publish with `build` or gunicorn instead",
        err=True,
    )


def _check_port(host: str, port: int) -> None:
    """Refuse, before anything is loaded or printed, an address this process cannot listen on
    (most often a port another server holds)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise click.UsageError(f"--host {host}: {getattr(exc, 'strerror', None) or exc}") from None
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.UsageError(
                    f"port {port} on {host} is taken by another program: stop it, "
                    "or serve on another port with --port N"
                ) from None
            raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _build_cache(config: SiteConfig, out: Path, no_cache: bool) -> tuple[SiteConfig, Path | None]:
    """The config a build runs with, and where it keeps its manifest: with `no_cache`, a fresh
    cache folder, scratch (removed afterwards, so nothing is kept in it), and no manifest."""
    from docsite.leftovers import cold_cache_dir, remove_stale_cold_caches
    from docsite.manifest import manifest_file

    for line in remove_stale_cold_caches(config.cache_dir):
        click.echo(line, err=True)
    if no_cache:
        scratch = cold_cache_dir(config.cache_dir)
        return config.with_options(cache_dir=scratch, cache_scratch=True), None
    return config, manifest_file(config.cache_dir, config.content_dir, out)


@main.command()
@content_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder; replaced only when the build succeeds (default: site/ of the project).",
)
@click.option(
    "--base-url",
    default=None,
    help="Path (/docs/) or URL (https://host/docs/) the site is served from.",
)
@click.option("--no-cache", is_flag=True, help="Ignore the render cache and build cold.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--offline",
    is_flag=True,
    help="A site to open from disk (file://): links name each page's index.html, and search "
    "reads its index as scripts.",
)
def build(
    content_dir: Path | None,
    out: Path | None,
    base_url: str | None,
    no_cache: bool,
    strict: bool,
    offline: bool,
) -> None:
    """Freeze the whole site into a static folder."""
    from docsite.freeze import freeze
    from docsite.state import Docsite

    started = time.perf_counter()
    style = urls.FILE if offline else None
    config = _config(content_dir=content_dir, base_url=base_url, url_style=style)
    out = out or config.root / "site"
    config, manifest = _build_cache(config, out, no_cache)
    state = Docsite(config, server_search=False)  # its Flask app is made if a URL needs it
    gc.freeze()  # the site just loaded lives as long as the process: no collection walks it
    reports: list[CheckReport] = []
    verify = verifier(state.site, config, out, strict, reports, offline)
    show = sys.stderr.isatty()

    def progress(done: int, total: int, url: str) -> None:
        if show and (done == total or done % 20 == 0):
            click.echo(f"\r  freezing {done}/{total}", nl=done == total, err=True)

    try:
        result = freeze(
            state,
            out,
            progress,
            note=lambda line: click.echo(line, err=True),
            verify=verify,
            manifest_at=manifest,
        )
    except click.ClickException:
        raise
    except OSError as exc:  # disk full, no permission, a file where a folder should be …
        raise click.ClickException(output_error(exc, out)) from None
    except Exception as exc:
        raise click.ClickException(f"build failed: {exc}; the old {out} is kept") from exc
    finally:
        if no_cache:
            shutil.rmtree(config.cache_dir, ignore_errors=True)
    seconds = time.perf_counter() - started
    click.echo(
        f"built {result.files} files into {out} "
        f"with {result.processes} process{'es' if result.processes > 1 else ''}; "
        + summary(result.pages, len(reports[0].errors), len(reports[0].warnings), seconds),
        err=True,
    )
    if offline:
        click.echo(f"open {(out / urls.INDEX_FILE).resolve().as_uri()} in a browser", err=True)
    gc.freeze()  # the process ends: its last collection would walk every object for nothing


@main.command()
@content_option
@click.option("--strict", is_flag=True, help="Exit non-zero on warnings too.")
@click.option(
    "--require-translations",
    is_flag=True,
    help="Missing or outdated translations are errors (for releases that demand parity).",
)
@click.option(
    "--external",
    is_flag=True,
    help="Fetch every http(s) link (concurrently, short timeout); failures are warnings.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def check(
    content_dir: Path | None, strict: bool, require_translations: bool, external: bool, fmt: str
) -> None:
    """Validate front matter, links, anchors and structure without writing anything."""
    from docsite.check import check_site
    from docsite.state import make_snapshot

    started = time.perf_counter()
    config = _config(content_dir=content_dir)
    site = make_snapshot(config, server=False).site  # the same cache entries as serve/build
    if not all(site.is_rendered(e) for e in site.all_entries()):
        from docsite.parallel import jobs, prerender  # a cold cache: render on every core

        prerender(site, jobs())
    report = check_site(site, require_translations=require_translations, fetch_external=external)
    seconds = time.perf_counter() - started
    urls = len({link.url for link in report.external})
    if fmt == "json":
        data = {
            "diagnostics": [d.as_dict() for d in report.diagnostics],
            "summary": {
                "pages": report.pages,
                "errors": len(report.errors),
                "warnings": len(report.warnings),
                "external_links": len(report.external),
                "external_urls": urls,
                "external_checked": external,
            },
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for diagnostic in report.diagnostics:
            click.echo(str(diagnostic))
        if report.external:
            how = "checked" if external else "not checked; --external fetches them"
            click.echo(f"external links: {len(report.external)} to {urls} URL(s) ({how})")
        click.echo(summary(report.pages, len(report.errors), len(report.warnings), seconds))
    if report.failed(strict):
        sys.exit(1)


@main.command()
@content_option
@click.option(
    "--lang", "langs", multiple=True, help="Language(s) to report (default: all translations)."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--stamp",
    "stamps",
    multiple=True,
    metavar="LANG/PATH.md",
    help="Record that this translation is up to date with its original (repeatable).",
)
def status(
    content_dir: Path | None, langs: tuple[str, ...], as_json: bool, stamps: tuple[str, ...]
) -> None:
    """Show which pages are translated, outdated or missing, per section."""
    config = _config(content_dir=content_dir)
    site = Site(config, lambda _lang: lambda message: message)
    if stamps:
        for target in stamps:
            try:
                lang, path, digest = stamp_path(site, target)
            except ContentError as exc:
                raise click.ClickException(str(exc)) from exc
            click.echo(f"stamped {lang}/{path}: source {digest}")
        return
    wanted = langs or tuple(lang for lang in config.languages if lang != config.default_language)
    report = {lang: translation_status(site, lang) for lang in wanted}
    if as_json:
        data = {
            lang: [
                {
                    "section": s.section,
                    "title": s.title,
                    "translated": s.count("translated"),
                    "outdated": s.count("outdated"),
                    "missing": s.count("missing"),
                    "total": s.total,
                    "pages": [vars(p) for p in s.pages],
                }
                for s in sections
            ]
            for lang, sections in report.items()
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for lang, sections in report.items():
        click.echo(f"{lang}: translation status against {config.default_language}")
        click.echo(
            f"  {'section':<22} {'translated':>10} {'outdated':>9} {'missing':>8} "
            f"{'total':>6} {'done':>6}"
        )
        for section in sections:
            click.echo(_status_row(section.section or "(top)", section.pages))
        every = [p for s in sections for p in s.pages]
        click.echo(_status_row("all", every))
        _echo_units(every)
        todo = [p for p in every if p.state != "translated"]
        if todo:
            click.echo("  to work on:")
        for page in todo:
            detail = ""
            if page.state == "outdated":
                detail = (
                    f" (records {page.recorded}, original is now {page.current})"
                    if page.recorded
                    else " (no source recorded)"
                )
            click.echo(f"    {page.state:<9} {lang}/{page.path}{detail}")


def _echo_units(pages: list[PageStatus]) -> None:
    """The translation units of pages that have their own (API docstrings), page by page."""
    with_units = [p for p in pages if p.units is not None]
    if not with_units:
        return
    click.echo(f"  {'units of':<22} {'translated':>10} {'outdated':>9} {'missing':>8}")
    for page in with_units:
        done, outdated, missing = page.units  # type: ignore[misc]
        click.echo(f"  {page.path:<22} {done:>10} {outdated:>9} {missing:>8}")


@main.command("apidoc-catalogs")
@content_option
def apidoc_catalogs(content_dir: Path | None) -> None:
    """Extract API pages' docstring units into their translations' catalogs (like sphinx-intl).

    A translated page `content/zh/api/app.md` keeps its catalog beside it (`app.po`): new
    units are added, changed ones marked fuzzy (outdated), removed ones made obsolete.
    """
    from docsite import apiref
    from docsite.apiref.register import engine_for, source_of

    config = _config(content_dir=content_dir)
    site = Site(config, lambda _lang: lambda message: message)
    pages = [
        source_of(page)
        for lang, by_path in site.pages.items()
        if lang != config.default_language
        for page in by_path.values()
    ]
    locales = {lang: config.language(lang).locale for lang in config.languages}
    for report in apiref.update_catalogs(engine_for(config), pages, locales):
        counts = report.counts
        state = "updated" if report.changed else "unchanged"
        click.echo(
            f"{display_path(report.catalog)}: {state}; {counts.translated} translated, "
            f"{counts.outdated} outdated, {counts.missing} missing"
        )


def _status_row(name: str, pages: list[PageStatus]) -> str:
    counts = {
        s: sum(1 for p in pages if p.state == s) for s in ("translated", "outdated", "missing")
    }
    done = 100.0 * counts["translated"] / len(pages) if pages else 100.0
    return (
        f"  {name:<22} {counts['translated']:>10} {counts['outdated']:>9} "
        f"{counts['missing']:>8} {len(pages):>6} {done:>5.0f}%"
    )


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", default=None, help="The project's name in titles (default: FOLDER's).")
def new(folder: Path, name: str | None) -> None:
    """Start a documentation project in FOLDER: English and Chinese pages, ready to serve."""
    from docsite.scaffold import scaffold

    try:
        files = scaffold(folder, name)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        where = display_path(exc.filename or folder)
        raise click.ClickException(f"cannot write {where}: {exc.strerror or exc}") from exc
    for file in files:
        click.echo(f"created {display_path(file)}")
    click.echo(f"next: cd {display_path(folder)} && docsite serve")
