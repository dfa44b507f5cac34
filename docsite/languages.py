"""Languages: one record per language, everything the site needs to know about it.

A site names its languages by code in its configuration (`languages = ["en", "zh"]`). What a
code means (the tag written into `<html lang>` and `hreflang`, the Babel locale that formats
dates, the name shown in the language switcher, the Open Graph locale, and how search analyses
its text) comes from `KNOWN`, and a project may add or change a language in its configuration:

    [tool.docsite.language.ja]
    tag = "ja"
    locale = "ja_JP"
    name = "日本語"
    og_locale = "ja_JP"
    analysis = "cjk"          # a text-analysis profile of docsite.search

Adding a language is that table (for a code docsite does not know), a content folder, and a
catalog of the theme's strings in `themes/<theme>/translations/<code>/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from docsite.errors import ConfigError
from docsite.i18n import N_


@dataclass(frozen=True)
class Language:
    code: str  # the folder name and the first URL segment: en, zh, ja
    tag: str  # BCP 47, for <html lang> and hreflang: zh-Hans
    locale: str  # Babel locale, for dates and plural rules: zh_Hans_CN
    name: str  # in its own language, for the switcher: 简体中文
    english_name: str  # for messages ("the English original"); translated by the UI catalog
    og_locale: str  # Open Graph wants language_TERRITORY: zh_CN
    analysis: str  # the search text-analysis profile: "en" (stemmed words) or "cjk"


KNOWN: dict[str, Language] = {
    "en": Language("en", "en", "en", "English", N_("English"), "en_US", "en"),
    "zh": Language("zh", "zh-Hans", "zh_Hans_CN", "简体中文", N_("Chinese"), "zh_CN", "cjk"),
    "ja": Language("ja", "ja", "ja_JP", "日本語", N_("Japanese"), "ja_JP", "cjk"),
    "ko": Language("ko", "ko", "ko_KR", "한국어", N_("Korean"), "ko_KR", "cjk"),
    "fr": Language("fr", "fr", "fr_FR", "Français", N_("French"), "fr_FR", "en"),
    "de": Language("de", "de", "de_DE", "Deutsch", N_("German"), "de_DE", "en"),
    "es": Language("es", "es", "es_ES", "Español", N_("Spanish"), "es_ES", "en"),
}
_FIELDS = ("tag", "locale", "name", "english_name", "og_locale", "analysis")


def language(code: str, settings: Mapping[str, Any] | None = None) -> Language:
    """The record of a language code, with a project's settings over the known defaults."""
    base = KNOWN.get(code) or Language(code, code, code, code, code, code, "en")
    if settings is None:
        return base
    if not isinstance(settings, Mapping):
        raise ConfigError(f"[tool.docsite.language.{code}] must be a table of settings")
    unknown = set(settings) - set(_FIELDS)
    if unknown:
        raise ConfigError(
            f"[tool.docsite.language.{code}] has unknown keys {sorted(unknown)} "
            f"(known: {', '.join(_FIELDS)})"
        )
    for key, value in settings.items():
        if not isinstance(value, str) or not value:
            raise ConfigError(f"[tool.docsite.language.{code}] {key} must be a non-empty string")
    return replace(base, **settings)
