"""Unfilled template placeholders in a reply, across the common template syntaxes.

Recognised: `{{first_name}}`, `{{ ticket.id }}`, Liquid/Jinja tags `{% if %}`,
Mailchimp merge tags `*|FNAME|*`, `${name}`, `$FIRSTNAME`, `{name}` / `{place}` (any
bare word in single braces), `[NAME]`, `[Customer name]`, `<agent>`, `<ISSUE_NUMBER>`,
`%CUSTOMER%` (a slot word: `%PATH%` is meant literally), printf slots (`%s`, `%1$s`,
`%(name)s`, `%d`), `XXX` / `#XXXXX`, `#NUMBER`, a
capitals identifier naming a slot (`CUSTOMER_NAME`), a capitals slot in a link
(`github.com/acme/REPONAME`), a capitals slot word in the salutation (`Hi NAME,`), `____`
blanks, a literal `@username` or `@maintainer`, and list items left as "1. ..." in a
template. Literal text is not a slot: `Fixes #issueNumber` shows what to write. Not
placeholders: `:)`, `[sic]`, markdown links `[text](url)`, HTML such as `<br>` or
`<a href=...>`, anything inside `code`. A paragraph that is only a bracketed
description of what to write ("[Explanation of why this works as designed]") is a
slot too.

Bracketed text counts only when it reads like a slot: written as an identifier
(`first_name`), in capitals (`NAME`), or naming a slot word ("Customer name",
"numéro de commande"). The slot words per language come from the rule data.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from replylint.text.derived import derived

# Template engines: Mustache / Handlebars / Jinja / Liquid output and tags, JS and
# shell style `${...}`.
_DOUBLE_BRACES = re.compile(r"\{\{\{?\s*[^{}\n]{1,80}?\s*\}?\}\}")
_TAG = re.compile(r"\{%-?\s*[^%\n]{1,120}?\s*-?%\}")
_DOLLAR_BRACES = re.compile(r"\$\{\s*[A-Za-z_][\w.]{0,60}\s*\}")
# Mailchimp merge tags: "*|FNAME|*", "*|MC:SUBJECT|*".
_MERGE_TAG = re.compile(r"\*\|[A-Z][A-Z0-9_:]{0,40}\|\*")
# Single-delimiter slots; what is inside is judged by `_is_slot`.
_BRACES = re.compile(r"(?<![{$\w])\{(?P<inner>[^{}\n]{1,60})\}(?!\})")
_SQUARE = re.compile(r"(?<![\w\]])\[(?P<inner>[^\[\]\n]{1,60})\](?![(\[:])")
_ANGLE = re.compile(r"<(?P<inner>[#$]?[A-Za-z][\w .#'’-]{0,60})>")
_PERCENT = re.compile(r"(?<![\w%])%%?(?P<inner>[A-Za-z][\w.]{1,60})%%?(?![\w%])")
# A printf slot a program was meant to fill: "order n° %s", "%1$s", "%(name)s", "%d".
_PRINTF = re.compile(r"(?<![%\d])%(?:\d{1,2}\$)?(?:\([A-Za-z_]\w{0,40}\))?[sd](?![A-Za-z0-9_])")
# "XXX", "#XXXXX", "Order XXXX", "XXXX-XXXX" (capitals only: "xxx" is kisses in a tweet).
# Not "XXXX-1234": that is a masked number, already filled.
_XXX = re.compile(r"(?<![\w-])#?X{3,}(?:-X{3,})*(?![\w-])")
# "__NAME__", "__ORDER_ID__": a capitals name between double underscores (a slot when
# its words say so; "__init__" is Python).
_DUNDER = re.compile(r"(?<![\w])__(?P<word>[A-Z][A-Z0-9_]{1,40}?)__(?![\w])")
# A blank to fill in: "your order number is ____".
_BLANK = re.compile(r"(?<![\w_])_{3,}(?![\w_])")
# A list item left empty in a template: "1. ...", "- …".
_EMPTY_ITEM = re.compile(r"^[ \t]*(?:\d{1,2}[.)]|[-*+•])[ \t]+(?:\.{3}|…)[ \t]*$", re.MULTILINE)
# Markdown code: fenced blocks and inline spans are quoted material, not text to fill.
_FENCED = re.compile(
    r"^[ \t]*(```|~~~)[^\n]*\n.*?(?:^[ \t]*\1[ \t]*$|\Z)", re.MULTILINE | re.DOTALL
)
_INLINE_CODE = re.compile(r"(`+)[^`\n]+?\1")
_MARKDOWN_LINK_TARGET = re.compile(r"\]\((?P<target>[^)\s]+)[^)]*\)")
_BARE_NAME = re.compile(r"\A[A-Za-z_][A-Za-z0-9_.-]{0,40}\Z")
_HASH_CAPITALS = re.compile(r"(?<![\w#])#(?P<word>[A-Z][A-Z_]{2,30})(?![\w])")
# Shell and mail-merge variables: "Hi $FIRSTNAME," ("$PATH" names no slot).
_DOLLAR_CAPITALS = re.compile(r"(?<![\w$\\])\$(?P<word>[A-Z][A-Z_]{2,30})(?![\w])")
_URL_CAPITALS = re.compile(r"(?<=/)(?P<word>[A-Z][A-Z_]{2,30})(?=[/?#.]|\Z|[^\w])")
# "Hi CUSTOMER_NAME,": a capitals identifier standing bare in the prose.
_BARE_CAPITALS_ID = re.compile(
    r"(?<![\w$%#{<\[/.@-])[A-ZÀ-Ý][A-ZÀ-Ý0-9]*(?:_[A-ZÀ-Ý0-9]+)+(?![\w%}>\]])"
)
# A capitals word in a salutation: "NAME" in "Hi NAME,".
_GREETING_CAPITALS = re.compile(r"(?<![\w'’-])[A-ZÀ-Ý]{3,20}(?![\w'’-])")
_IDENTIFIER = re.compile(r"\A[#$]?[A-Za-z][A-Za-z0-9]*(?:[_.][A-Za-z0-9]+)+\Z")
_CAPITALS = re.compile(r"\A[#$]?[A-Z][A-Z0-9]*(?:[ _-][A-Z0-9]+)*\Z")

HTML_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "font",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "tt",
        "u",
        "ul",
    ]
)
# A paragraph that is only a bracketed description of what goes there, in a template:
# "[Explanation of why this is working as designed]" (judged by `_describes_slot`).
_LINE_BRACKET = re.compile(r"^[ \t]*\[(?P<inner>[^\[\]\n]{3,160})\][ \t]*$", re.MULTILINE)
# Bracketed words that are not slots even in capitals.
_NOT_SLOTS = frozenset({"sic", "wip", "edit", "update", "note", "ok", "x", "tl;dr", "tldr", "fyi"})


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int
    text: str
    name: str  # the slot's name, normalised: "first_name", "username", "xxx"


def _slot_name(inner: str) -> str:
    return re.sub(r"[\s.-]+", "_", inner.strip().strip("#$").strip()).lower()


def _is_slot(inner: str, slot_words: frozenset[str], *, capitals: bool = True) -> bool:
    """Does bracketed text read like a slot to fill (`first_name`, `NAME`, `Your name`)?"""
    stripped = inner.strip()
    if not stripped or stripped.lower() in _NOT_SLOTS:
        return False
    if _IDENTIFIER.match(stripped):
        return True
    letters = [ch for ch in stripped if ch.isalpha()]
    if capitals and len(letters) >= 2 and _CAPITALS.match(stripped):
        return True
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", stripped.lower())
    return 0 < len(words) <= 4 and any(w in slot_words for w in words)


def _describes_slot(inner: str, description_words: frozenset[str]) -> bool:
    """Does a bracketed paragraph describe what to write ("Explanation of why …",
    "List specific items that need addressing", "Your reason here")? Three words or
    more, led by a description word (first or second); editorial notes ("[Edited to
    add the link]") and captions ("[Image: a list of steps]") are not slots."""
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", inner.lower())
    if len(words) < 3 or words[0] in _NOT_SLOTS or words[0].startswith(("edit", "updat")):
        return False
    return not description_words.isdisjoint(words[:2])


def _names_slot(word: str, slot_words: frozenset[str]) -> bool:
    """Does a capitals word name a slot: "NUMBER", "REPONAME" (ends in "name"),
    "ISSUE_ID" (a part is "id")? "ISSUE_TEMPLATE", a real path, does not."""
    lower = word.lower()
    parts = [p for p in lower.split("_") if p]
    return any(p in slot_words for p in parts) or any(
        len(w) >= 4 and (lower.endswith(w) or lower.startswith(w)) for w in slot_words
    )


def _protected(
    text: str, urls: Iterable[tuple[int, int]], *, links: bool = True
) -> tuple[list[int], list[int]]:
    """Spans where placeholders are not looked for (code, links and URLs), merged into
    disjoint intervals: their starts and their ends, both sorted."""
    spans: list[tuple[int, int]] = []
    if "`" in text or "~~~" in text:
        spans += [(m.start(), m.end()) for m in _FENCED.finditer(text)]
        spans += [(m.start(), m.end()) for m in _INLINE_CODE.finditer(text)]
    if links and "](" in text:
        spans += [
            (m.start("target"), m.end("target")) for m in _MARKDOWN_LINK_TARGET.finditer(text)
        ]
    spans += list(urls)
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _inside(spans: tuple[list[int], list[int]], start: int, end: int) -> bool:
    starts, ends = spans
    i = bisect_right(starts, start) - 1
    return i >= 0 and end <= ends[i]


def find_placeholders(
    text: str,
    *,
    slot_words: Iterable[str] = (),
    handles: Iterable[str] = (),
    urls: Iterable[tuple[int, int]] = (),
    greeting: tuple[int, int] | None = None,
    description_words: Iterable[str] = (),
) -> list[Placeholder]:
    """Unfilled placeholders in `text`, in text order, without overlaps.

    `slot_words` are the words that make bracketed text a slot ("name", "nom"; a
    frozenset is taken as lower-case already); `handles` the literal @handles that
    are placeholders ("username"); `greeting` the span of the opening salutation,
    where a capitals slot word ("Hi NAME,") is a slot; `description_words` the words
    that make a bracketed paragraph a description of what to write ("explanation",
    "list").
    """
    urls = tuple(urls)
    if not (urls or greeting) and not _ANY_MARK.search(text):
        return []  # no delimiter, capitals run, blank or handle mark: nothing to fill
    # Only bracketed, capitals and link slots are judged by their words (a frozenset is
    # taken as it is; other iterables are lower-cased once, when a check needs them).
    if isinstance(slot_words, frozenset):
        words = slot_words
    else:
        words = _words_of(slot_words) if urls or _MAY_HOLD_SLOT.search(text) else frozenset()
    # Spans not looked in, worked out at the first candidate (most texts have none):
    # [code, links and URLs], [code only] (a link's own slots are looked for).
    skipped: list[tuple[list[int], list[int]]] = []
    found: list[Placeholder] = []

    # Patterns run in priority order; a later one never takes text an earlier one took.
    taken_starts: list[int] = []
    taken_ends: list[int] = []

    def add(start: int, end: int, name: str, *, in_url: bool = False) -> None:
        if not skipped:
            skipped.extend((_protected(text, urls), _protected(text, (), links=False)))
        if _inside(skipped[in_url], start, end):
            return
        i = bisect_left(taken_starts, end)  # found spans that start before `end`
        if i > 0 and taken_ends[i - 1] > start:
            return
        i = bisect_left(taken_starts, start)
        taken_starts.insert(i, start)
        taken_ends.insert(i, end)
        found.append(Placeholder(start, end, text[start:end], name))

    # Each pattern needs its delimiter: a text without it is not scanned at all
    # (most replies have no brackets, so most of these loops never run).
    if "{" in text:
        for pattern in (_DOUBLE_BRACES, _TAG, _DOLLAR_BRACES):
            for m in pattern.finditer(text):
                add(m.start(), m.end(), _slot_name(m.group().strip("{}$%- ")))
    if "*|" in text:
        for m in _MERGE_TAG.finditer(text):
            add(m.start(), m.end(), _slot_name(m.group().strip("*|")))
    for delimiter, pattern in _BRACKETED:
        if delimiter not in text:
            continue
        for m in pattern.finditer(text):
            inner = m.group("inner")
            if delimiter == "<" and inner.split() and inner.split()[0].lower() in HTML_TAGS:
                continue  # <br>, <a href=...>: markup, not a slot
            # "{place}", "{code}": one bare identifier in single braces is a template
            # variable in prose (JSON and code sit in code spans, which are skipped).
            if delimiter == "%" and not (
                _is_slot(inner, words, capitals=False) or _names_slot(inner, words)
            ):
                continue  # "%PATH%", "%APPDATA%": environment variables, meant literally
            if _is_slot(inner, words) or (delimiter == "{" and _BARE_NAME.match(inner)):
                add(m.start(), m.end(), _slot_name(inner))
    if "[" in text and description_words:
        described = _words_of(description_words)
        for m in _LINE_BRACKET.finditer(text):
            if _describes_slot(m.group("inner"), described):
                start = m.start() + len(m.group()) - len(m.group().lstrip())
                add(start, start + len(m.group().strip()), _slot_name(m.group("inner")))
    if greeting is not None and _CAPITALS_RUN.search(text, *greeting):
        # "Hi NAME,", "Bonjour PRÉNOM": a capitals slot word in the salutation.
        for m in _GREETING_CAPITALS.finditer(text, *greeting):
            if _names_slot(m.group(), words or _words_of(slot_words)):
                add(m.start(), m.end(), _slot_name(m.group()))
    if "#" in text:
        # "#NUMBER", "#ISSUE_ID": a capitals word naming a slot where a number goes.
        for m in _HASH_CAPITALS.finditer(text):
            if _names_slot(m.group("word"), words):
                add(m.start(), m.end(), _slot_name(m.group("word")))
    if "$" in text:
        for m in _DOLLAR_CAPITALS.finditer(text):
            if _names_slot(m.group("word"), words):
                add(m.start(), m.end(), _slot_name(m.group("word")))
    if "__" in text:
        for m in _DUNDER.finditer(text):
            if _names_slot(m.group("word"), words):
                add(m.start(), m.end(), _slot_name(m.group("word")))
    if "_" in text:
        # "Hi CUSTOMER_NAME,": unbracketed, it is a slot only when a part names one
        # ("ERR_TIMEOUT", "MAX_RETRIES" are real identifiers).
        for m in _BARE_CAPITALS_ID.finditer(text):
            if _names_slot(m.group(), words):
                add(m.start(), m.end(), _slot_name(m.group()))
    for url_start, url_end in urls:
        # "github.com/acme/REPONAME/issues": a capitals path segment naming a slot.
        for m in _URL_CAPITALS.finditer(text, url_start, url_end):
            if _names_slot(m.group("word"), words):
                add(m.start("word"), m.end("word"), _slot_name(m.group("word")), in_url=True)
    if "%" in text:
        for m in _PRINTF.finditer(text):
            add(m.start(), m.end(), "value")
    if "XXX" in text:
        for m in _XXX.finditer(text):
            add(m.start(), m.end(), "xxx")
    if "___" in text:
        for m in _BLANK.finditer(text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            line = text[line_start : line_end if line_end != -1 else len(text)]
            if line.strip() != m.group():  # "___" alone on a line is a markdown rule
                add(m.start(), m.end(), "blank")
    if "..." in text or "…" in text:
        for m in _EMPTY_ITEM.finditer(text):
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            add(start, m.end(), "list_item")
    if "@" in text or "＠" in text:
        # The handles as a set, made once per handles list (a rule's option, read on
        # every reply): the word after each "@" is looked up, no pattern run.
        names, others = derived(handles, "handle names", _handle_names, handles)
        for start, end in _at_words(text) if names else ():
            if text[start + 1 : end].lower() in names:
                add(start, end, _slot_name(text[start + 1 : end]))
        for m in others.finditer(text) if others is not None else ():
            add(m.start(), m.end(), _slot_name(m.group()[1:]))
    return sorted(found, key=lambda p: p.start)


# What any check needs in the text (besides links and a salutation): a delimiter, "#",
# "$", "_", "@", "XXX", "..." or "…", a merge tag's "*|", or the capitals of an identifier.
_ANY_MARK = re.compile(r"[{\[<%#$_@＠*…]|XXX|\.\.\.")
_WORD = re.compile(r"\w+")
# Three capitals in a row: what a capitals slot word in the salutation needs.
_CAPITALS_RUN = re.compile(r"[A-ZÀ-Ý]{3}")
# What the checks that read slot words need in the text: a bracket, "#" or "_".
_MAY_HOLD_SLOT = re.compile(r"[{\[<%#_$]")

# Bracketed text that is a slot when its words say so ("{first_name}", "[NAME]",
# "<agent>", "%CUSTOMER%"), by delimiter, in the order they take precedence.
_BRACKETED = (("{", _BRACES), ("[", _SQUARE), ("<", _ANGLE), ("%", _PERCENT))


def _words_of(words: Iterable[str]) -> frozenset[str]:
    """The words lower-cased; a frozenset is taken as given (callers that look up
    every reply pass their lower-case sets, and skip the tuple and its hash)."""
    return words if isinstance(words, frozenset) else _lower_words(tuple(words))


@lru_cache(maxsize=64)
def _lower_words(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


def _at_words(text: str) -> list[tuple[int, int]]:
    """Each "@" not inside a word nor after another "@", and the word after it: (where
    the "@" is, where the word ends). Found with `str.find` (a pattern opening on a
    class with a full-width "＠" is tried at every position)."""
    found = []
    for mark in ("@", "＠"):
        at = text.find(mark)
        while at != -1:
            before = text[at - 1] if at else " "
            if not (before.isalnum() or before in "_@＠"):
                word = _WORD.match(text, at + 1)
                if word is not None:
                    found.append((at, word.end()))
            at = text.find(mark, at + 1)
    return found


def _handle_names(
    handles: Iterable[str],
) -> tuple[frozenset[str], re.Pattern[str] | None]:
    """`@username`-style handles that only a template would contain: those made of word
    characters as a lower-case set (the whole word after an "@" is one of them), the
    others ("your.name") as a pattern."""
    names = [h.strip().lstrip("@＠") for h in handles if h.strip("@＠ ")]
    words = frozenset(n.lower() for n in names if _WORD.fullmatch(n))
    others = [re.escape(n) for n in names if not _WORD.fullmatch(n)]
    if not others:
        return words, None
    # The "@" first, then what stands before it: a search can jump from "@" to "@"
    # (a pattern opening with a look-behind is tried at every position).
    pattern = r"[@＠](?<![\w@＠][@＠])(?:" + "|".join(others) + r")(?!\w)"
    return words, re.compile(pattern, re.IGNORECASE)
