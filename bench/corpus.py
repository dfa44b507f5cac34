"""A deterministic bilingual documentation corpus: `python -m bench.corpus --out DIR --pages N`.

Every page exists in en/ and zh/ with the same headings ids, links and code; only the prose
differs (English words, or Chinese words from a list). The same seed gives identical bytes.
"""

from __future__ import annotations

import argparse
import posixpath
import random
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

from bench.words import (
    CONSOLE_TEMPLATES,
    EN_GLUE,
    EN_VERBS,
    EN_WORDS,
    HTML_TEMPLATES,
    PYTHON_TEMPLATES,
    ZH_GLUE,
    ZH_VERBS,
    ZH_WORDS,
)

LANGUAGES = ("en", "zh")
MARKER = ".bench-corpus"  # hidden, so no site generator reads it as a page
SUBSECTIONS = 4  # per top-level section
PAGES_PER_FOLDER = 10  # plain pages per subsection, besides its index.md
DEFAULT_OUT = Path("/tmp/docsite-bench/corpus")


@dataclass(frozen=True)
class Plan:
    """What other pages need to know about a page before it is written: path and heading ids."""

    path: str
    title: str
    sortorder: int
    headings: tuple[tuple[int, str, str], ...]  # (level, English text, id)


class Prose:
    """Sentences, titles and labels in one language, drawn from a seeded random source."""

    def __init__(self, lang: str, rng: random.Random) -> None:
        self.zh = lang == "zh"
        self.rng = rng
        self.words, self.verbs, self.glue = (
            (ZH_WORDS, ZH_VERBS, ZH_GLUE) if self.zh else (EN_WORDS, EN_VERBS, EN_GLUE)
        )

    def phrase(self, n: int) -> str:
        words = [self.rng.choice(self.words) for _ in range(n)]
        return "".join(words) if self.zh else " ".join(words).capitalize()

    def sentence(self) -> str:
        rng = self.rng
        parts: list[str] = []
        for i in range(rng.randint(7, 15)):
            pool = (self.words, self.verbs, self.glue)[i % 3 if rng.random() < 0.7 else 0]
            word = rng.choice(pool)
            roll = rng.random()
            if roll < 0.08:
                word = f" `{rng.choice(EN_WORDS)}_{rng.choice(EN_WORDS)}()` "
            elif roll < 0.12:
                word = f"*{word}*"
            parts.append(word)
        if self.zh:
            half = len(parts) // 2
            text = "".join(parts[:half]) + "，" + "".join(parts[half:]) + "。"
            return text.replace("  ", " ").strip()
        text = " ".join(p.strip() for p in parts)
        return text[0].upper() + text[1:] + "."

    def see(self, label: str, href: str) -> str:
        return f"参见[{label}]({href})。" if self.zh else f"See [{label}]({href})."

    def paragraph(self, sentences: list[str]) -> str:
        if self.zh:  # break lines every two sentences, as translators wrap source text
            return "\n".join("".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2))
        return textwrap.fill(
            " ".join(sentences), 99, break_long_words=False, break_on_hyphens=False
        )


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


def _layout(count: int, rng: random.Random) -> list[str]:
    """Source paths: index.md, then sections of subsections of pages, each folder with index.md."""
    paths = ["index.md"]
    used: set[str] = set()

    def name() -> str:
        while True:
            candidate = f"{rng.choice(EN_WORDS)}-{rng.choice(EN_WORDS)}"
            if candidate not in used:
                used.add(candidate)
                return candidate

    while len(paths) < count:
        section = name()
        paths.append(f"{section}/index.md")
        for _ in range(SUBSECTIONS):
            folder = f"{section}/{name()}"
            paths.append(f"{folder}/index.md")
            paths.extend(f"{folder}/{name()}.md" for _ in range(PAGES_PER_FOLDER))
    return paths[:count]


def _plan(path: str, position: int, seed: int) -> Plan:
    rng = random.Random(f"{seed}/{path}/plan")
    prose = Prose("en", rng)
    title = prose.phrase(rng.randint(2, 4))
    headings: list[tuple[int, str, str]] = []
    ids: set[str] = set()
    for _ in range(rng.randint(4, 6)):
        for level in [2] + [3] * rng.choice((0, 0, 1, 2)):
            text = prose.phrase(rng.randint(2, 4))
            anchor = _slug(text)
            while anchor in ids:
                anchor += "-x"
            ids.add(anchor)
            headings.append((level, text, anchor))
    return Plan(path, title, (position % 50 + 1) * 10, tuple(headings))


def _href(source: str, target: Plan, fragment: str | None) -> str:
    start = posixpath.dirname(source) or "."
    href = posixpath.relpath(target.path, start)
    return f"{href}#{fragment}" if fragment else href


def _code(rng: random.Random) -> str:
    kind = rng.choices(("python", "console", "html"), weights=(6, 2, 2))[0]
    templates = {"python": PYTHON_TEMPLATES, "console": CONSOLE_TEMPLATES, "html": HTML_TEMPLATES}
    a, b, c = (rng.choice(EN_WORDS) for _ in range(3))
    code = rng.choice(templates[kind]).format(
        a=a, b=b, c=c, A=a.capitalize(), B=b.capitalize(), C=c.capitalize()
    )
    info = f'python title="{a}.py"' if kind == "python" and rng.random() < 0.3 else kind
    return f"```{info}\n{code}```"


def _page(plan: Plan, plans: list[Plan], children: list[Plan], lang: str, seed: int) -> str:
    """The Markdown of one page in one language; structure comes from a language-free seed."""
    shape = random.Random(f"{seed}/{plan.path}/shape")
    prose = Prose(lang, random.Random(f"{seed}/{plan.path}/{lang}"))
    own_ids = [anchor for _, _, anchor in plan.headings]

    def link() -> str:
        label = prose.phrase(shape.randint(2, 3))
        if shape.random() < 0.2:
            return prose.see(label, f"#{shape.choice(own_ids)}")
        target = shape.choice(plans)
        fragment = shape.choice(target.headings)[2] if shape.random() < 0.5 else None
        return prose.see(label, _href(plan.path, target, fragment))

    def paragraph(sentences: int, links: int) -> str:
        text = [prose.sentence() for _ in range(sentences)]
        for _ in range(links):
            text.insert(shape.randint(1, len(text)), link())
        return prose.paragraph(text)

    title = plan.title if lang == "en" else prose.phrase(shape.randint(2, 4))
    meta = prose.sentence().replace("`", "").replace("*", "").replace(":", "")
    out = [f"---\ntitle: {title}\nsortorder: {plan.sortorder}\nmeta: {meta}\n---"]
    out.append(paragraph(shape.randint(3, 5), shape.randint(0, 1)))
    if children:
        out.append(
            "\n".join(
                f"- [{child.title if lang == 'en' else prose.phrase(2)}]"
                f"({_href(plan.path, child, None)})"
                for child in children
            )
        )
    table_at = shape.randrange(len(plan.headings)) if shape.random() < 0.35 else -1
    note_at = shape.randrange(len(plan.headings)) if shape.random() < 0.6 else -1
    for i, (level, text, anchor) in enumerate(plan.headings):
        heading = text if lang == "en" else prose.phrase(shape.randint(2, 4))
        out.append(f"{'#' * level} {heading} {{#{anchor}}}")
        out.append(paragraph(shape.randint(2, 5), shape.choice((0, 0, 1, 1, 2))))
        if shape.random() < 0.4:
            items = []
            for _ in range(shape.randint(3, 5)):
                items.append(f"- {prose.sentence()}")
            out.append("\n".join(items))
        for _ in range(shape.choice((1, 1, 1, 2, 2)) if level == 2 else shape.randint(0, 1)):
            out.append(_code(shape))
            if shape.random() < 0.5:
                out.append(paragraph(shape.randint(1, 3), 0))
        if i == table_at:
            head = [prose.phrase(1) for _ in range(3)]
            rows = [
                f"| `{shape.choice(EN_WORDS)}` | {prose.phrase(2)} | {prose.sentence()} |"
                for _ in range(shape.randint(3, 6))
            ]
            out.append("\n".join([f"| {' | '.join(head)} |", "| --- | --- | --- |", *rows]))
        if i == note_at:
            kind = shape.choice(("note", "warning", "tip"))
            body = textwrap.indent(paragraph(shape.randint(1, 3), 0), "    ")
            out.append(f"!!! {kind}\n{body}")
    return "\n\n".join(out) + "\n"


def generate(out: Path, pages: int = 1000, seed: int = 1) -> Path:
    """Write `pages` pages per language under out/en and out/zh, replacing an earlier corpus."""
    if out.exists():
        if not (out / MARKER).exists() and any(out.iterdir()):
            raise SystemExit(f"{out} exists and is not a generated corpus; not touching it")
        shutil.rmtree(out)
    paths = _layout(pages, random.Random(f"{seed}/layout"))
    plans = [_plan(path, i, seed) for i, path in enumerate(paths)]
    children: dict[str, list[Plan]] = {}
    for plan in plans[1:]:
        parent = posixpath.dirname(plan.path)
        if plan.path.endswith("/index.md"):
            parent = posixpath.dirname(parent)
        children.setdefault(posixpath.join(parent, "index.md"), []).append(plan)
    for lang in LANGUAGES:
        for plan in plans:
            file = out / lang / plan.path
            file.parent.mkdir(parents=True, exist_ok=True)
            text = _page(plan, plans, children.get(plan.path, []), lang, seed)
            file.write_text(text, encoding="utf-8")
    (out / MARKER).write_text(f"pages={pages} seed={seed}\n", encoding="utf-8")
    return out


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    parser.add_argument("--pages", type=int, default=1000, help="pages per language")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.pages, args.seed)
    print(f"wrote {args.pages} pages per language ({', '.join(LANGUAGES)}) into {args.out}")


if __name__ == "__main__":
    main()
