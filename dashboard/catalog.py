"""The translation catalogs, kept with Babel: the English marked in core/ and dashboard/ (``_("...")`` in pages,
``N_("...")`` where text is defined before it is shown) is extracted with its source locations and merged into
``dashboard/locale/<lang>/LC_MESSAGES/messages.po``, which any PO editor opens. The app compiles the catalog when it
first needs it (``compiled``), so nothing has to be built before the README's command starts the app.

    python -m dashboard.catalog update   # after English changed: new messages come in empty, changed ones fuzzy
                                         # (the old translation kept as a suggestion, the old English in a comment)
    python -m dashboard.catalog check    # what the tests check: every message translated, none fuzzy, in step with
                                         # the source, placeholders as in the English (msgfmt -c, where installed)

Templates use Python's brace format only (``{name}``, ``{limit:,}``); Babel also flags "python-format" wherever a
``%`` happens to stand in the text, which this project never means, so that flag is dropped on extraction.
"""

import io
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGES = ("ko",)  # besides English, the source language
SOURCES = ("core", "dashboard")  # folders under ROOT whose Python files hold marked text
PROJECT = "Torch Playground"
WIDTH = 120  # the project's line length; PO lines wrap there


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every marked message in the source, with where it stands (``core/data/reader.py:42``): the template."""
    catalog = Catalog(project=PROJECT, charset="utf-8", creation_date=datetime(2026, 1, 1, tzinfo=UTC))
    for folder in SOURCES:
        for filename, line, message, comments, context in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS,
                comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
            catalog.add(message, None, [(f"{folder}/{filename}", line)], auto_comments=comments, context=context)
    for message in catalog:
        message.flags.discard("python-format")
    return catalog


def read(lang: str) -> Catalog:
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def write(catalog: Catalog, lang: str) -> Path:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    # Babel 2.18 folds a long "#| msgid" (the English before a change) into lines msgfmt cannot read, so the old
    # English goes in as an extracted comment instead ("#. English before: ..."), which it wraps correctly.
    write_po(buffer, catalog, width=WIDTH, sort_output=False, ignore_obsolete=True, include_previous=False)
    path.write_bytes(buffer.getvalue())
    return path


def update(lang: str) -> Path:
    """Merge the source's messages into ``lang``'s catalog: new ones empty, changed ones fuzzy (with the old
    translation as a suggestion and the old English in a comment), gone ones dropped."""
    template = extract()
    catalog = read(lang) if po_path(lang).exists() else Catalog(locale=lang, project=PROJECT, charset="utf-8")
    catalog.update(template, update_header_comment=False)
    for message in catalog:
        if message.id:
            message.flags.discard("python-format")
        if "fuzzy" in message.flags and message.previous_id:
            message.auto_comments.append(f"English before: {message.previous_id[0]}")
    return write(catalog, lang)


def compiled(lang: str) -> bytes:
    """``lang``'s catalog compiled to a GNU .mo file's bytes, for the standard library's ``gettext``."""
    buffer = io.BytesIO()
    write_mo(buffer, read(lang), use_fuzzy=False)
    return buffer.getvalue()


def problems(lang: str) -> list[str]:
    """What stops ``lang``'s catalog from being complete and correct; empty when it is."""
    found = []
    catalog, source = read(lang), extract()
    translated = {m.id for m in catalog if m.id}
    wanted = {m.id for m in source if m.id}
    found += [f"not in the catalog (run `python -m dashboard.catalog update`): {m!r}"
              for m in sorted(wanted - translated)]
    found += [f"no longer in the source (run update): {m!r}" for m in sorted(translated - wanted)]
    for message in catalog:
        if not message.id:
            continue
        if "fuzzy" in message.flags:
            found.append(f"fuzzy (the English changed; check the translation, then remove the flag): {message.id!r}")
        elif not message.string:
            found.append(f"untranslated: {message.id!r}")
        for error in message.check(catalog):  # Babel's own checkers
            found.append(f"{message.id!r}: {error}")
    found += msgfmt_problems(lang)
    return found


def msgfmt_problems(lang: str) -> list[str]:
    """GNU msgfmt's own check (``-c``): among others, every ``{placeholder}`` of a python-brace-format message kept
    in its translation and none added. Nothing where msgfmt is not installed (Debian's package ``gettext``)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    run = subprocess.run([msgfmt, "-c", "--statistics", "-o", "/dev/null", str(po_path(lang))], capture_output=True,
                         text=True, timeout=60)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    if run.returncode != 0:
        return lines or [f"msgfmt exited with {run.returncode}"]
    return [line for line in lines if "fuzzy" in line or "untranslated" in line]


def main(argv=None) -> int:
    command = (argv if argv is not None else sys.argv[1:] or ["check"])[0]
    if command == "update":
        for lang in LANGUAGES:
            print(f"updated {update(lang).relative_to(ROOT)}")
        return 0
    if command == "check":
        bad = [f"{lang}: {p}" for lang in LANGUAGES for p in problems(lang)]
        print("\n".join(bad) or f"{', '.join(LANGUAGES)}: every message translated, none fuzzy, placeholders match")
        return 1 if bad else 0
    print("usage: python -m dashboard.catalog update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
