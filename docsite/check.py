"""check: front matter, links and anchors of every page in every language, without writing."""

from __future__ import annotations

from dataclasses import dataclass, field

from docsite.errors import Diagnostic
from docsite.render import Rendered
from docsite.site import Entry, Site
from docsite.status import translation_status


@dataclass
class CheckReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "warning"]

    def failed(self, strict: bool) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))


def render_all(site: Site) -> dict[tuple[str, str], Rendered]:
    """Every page of every language rendered (fallback pages included), by (lang, path)."""
    return {(entry.lang, entry.page.path): site.render(entry) for entry in site.all_entries()}


def check_site(site: Site, require_translations: bool = False) -> CheckReport:
    report = CheckReport()
    seen: set[tuple[str, int, str]] = set()

    def add(diagnostic: Diagnostic) -> None:
        key = (diagnostic.path, diagnostic.line, diagnostic.message)
        if key not in seen:
            seen.add(key)
            report.diagnostics.append(diagnostic)

    for error in site.errors:
        add(error.diagnostic)
    for warning in site.warnings:
        add(warning)
    rendered = render_all(site)
    for entry in site.all_entries():
        page_render = rendered[(entry.lang, entry.page.path)]
        for warning in page_render.warnings:
            add(warning)
        for diagnostic in _check_links(site, entry, page_render, rendered):
            if entry.fallback:
                # A link that is broken in the original is reported once, for the original.
                original = diagnostic.message.removesuffix(f" (in /{entry.lang}/)")
                if (diagnostic.path, diagnostic.line, original) in seen:
                    continue
            add(diagnostic)
    if require_translations:
        for diagnostic in _check_translations(site):
            add(diagnostic)
    for lang in site.config.languages:
        report.pages[lang] = sum(1 for e in site.entries.get(lang, {}).values() if not e.fallback)
    report.diagnostics.sort(key=lambda d: (d.path, d.line, d.message))
    return report


def _check_links(
    site: Site, entry: Entry, page_render: Rendered, rendered: dict[tuple[str, str], Rendered]
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    file = str(entry.page.source_file)
    where = f" (in /{entry.lang}/)" if entry.fallback else ""
    for link in page_render.links:
        if link.kind == "anchor":
            if link.fragment and link.fragment not in page_render.ids:
                out.append(
                    Diagnostic(file, link.line, f"link to missing anchor '#{link.fragment}'{where}")
                )
            continue
        if link.kind == "file":
            if site.find_asset(entry.lang, link.target) is None:
                out.append(
                    Diagnostic(file, link.line, f"link to missing file '{link.target}'{where}")
                )
            continue
        target = site.entries.get(entry.lang, {}).get(link.target)
        if target is None:
            out.append(Diagnostic(file, link.line, f"link to missing page '{link.target}'{where}"))
            continue
        if link.fragment:
            target_render = rendered.get((entry.lang, link.target))
            if target_render is not None and link.fragment not in target_render.ids:
                out.append(
                    Diagnostic(
                        file,
                        link.line,
                        f"link to missing anchor '{link.target}#{link.fragment}'{where}",
                    )
                )
    return out


def _check_translations(site: Site) -> list[Diagnostic]:
    """Missing and outdated translations, as errors (check --require-translations)."""
    out: list[Diagnostic] = []
    default = site.config.default_language
    for lang in site.config.languages:
        if lang == default:
            continue
        for section in translation_status(site, lang):
            for status in section.pages:
                if status.state == "missing":
                    original = site.pages[default][status.path].source_file
                    out.append(Diagnostic(str(original), 0, f"no {lang} translation", "error"))
                elif status.state == "outdated":
                    page = site.pages[lang][status.path]
                    recorded = status.recorded or "nothing"
                    out.append(
                        Diagnostic(
                            str(page.source_file),
                            1,
                            f"translation is outdated: it records source {recorded}, "
                            f"the {default} original is now {status.current}",
                            "error",
                        )
                    )
    return out
