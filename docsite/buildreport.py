"""What a build tells its user: the problems it found, why it refused to publish, a write
that failed, and its one-line summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from docsite.config import SiteConfig
from docsite.errors import Diagnostic, display_path
from docsite.site import Site

if TYPE_CHECKING:
    from docsite.check import CheckReport


def print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)


def summary(pages: dict[str, int], errors: int, warnings: int, seconds: float) -> str:
    counts = ", ".join(f"{n} {lang}" for lang, n in pages.items())
    return f"pages: {counts}; {errors} error(s), {warnings} warning(s); {seconds:.2f} s"


SITEMAP_NOTE = (
    "note: --base-url is a path, so sitemap.xml holds site-absolute paths; "
    "pass a full URL (https://host/path/) for a sitemap search engines accept"
)


def verifier(
    site: Site,
    config: SiteConfig,
    out: Path,
    strict: bool,
    reports: list[CheckReport],
    offline: bool,
) -> Callable[[CheckReport | None], CheckReport]:
    """What a build runs once every page is rendered, before it publishes anything: every
    problem at once (those found in rendering too), added to `reports`; a refusal when there
    is an error. Given the report of a build made from the same inputs, it says that one
    again instead of checking anew; it returns the report."""

    def verify(known: CheckReport | None = None) -> CheckReport:
        if known is None:
            from docsite.check import check_site

            known = check_site(site)
        report = known
        reports.append(report)
        print_diagnostics(report.diagnostics)
        if report.failed(strict):
            raise click.ClickException(refusal(report, out))
        if config.absolute_base is None and not offline:
            click.echo(SITEMAP_NOTE, err=True)
        return report

    return verify


def refusal(report: CheckReport, out: Path) -> str:
    """Why a build wrote nothing: the errors it listed (those found while loading and while
    rendering), by count and by file, or the warnings that --strict refuses."""
    if report.errors:
        files = len({d.path for d in report.errors})
        why = f"{len(report.errors)} error(s) in {files} file(s)"
    else:
        why = f"{len(report.warnings)} warning(s), which --strict refuses"
    shown = display_path(out)
    kept = f"the old {shown} is kept" if out.exists() else f"{shown} was not created"
    return f"{why}; nothing was written ({kept})"


def output_error(exc: OSError, out: Path) -> str:
    """One line for a failed write: which path, why, and that the old output is untouched."""
    where = Path(exc.filename) if exc.filename else out
    try:
        parts = where.resolve().relative_to(out.resolve().parent).parts
    except ValueError:
        parts = ()
    if parts and parts[0].startswith(f".{out.name}.build-"):
        where = out.joinpath(*parts[1:])  # a file of the unfinished build, by its final path
    cause = exc.strerror or str(exc)
    shown = display_path(out)
    kept = f"the old {shown} is kept" if out.exists() else f"{shown} was not created"
    return f"cannot write {display_path(where)}: {cause}; {kept}"
