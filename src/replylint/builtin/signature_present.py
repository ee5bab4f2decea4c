"""`signature-present`: sign with your own name, not only the team's (docs/rules/).

The sign-off block is found once by the analysis (`Analysis.signoff`); this rule only
decides whether that block names a person: initials the way brand accounts sign
("^JK", "-MS", "*RD"), a first name ("– Marie", "Tom from Acme", "Julie, service
client"), or the configured `agent`. A block that only names the team or the brand
("The Acme Team", "L'équipe Acme") is flagged, and so is a reply with no sign-off.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from replylint.hookspecs import hookimpl
from replylint.model import Edit, Finding, Fix
from replylint.rule import Rule, RuleContext, data_strings, data_words
from replylint.text.analysis import Analysis, SignOff
from replylint.text.derived import derived
from replylint.text.language_data import LanguageData
from replylint.text.nlp import pipeline

# Leading marks and trailing punctuation around a name: "– Marie.", "~Jules!".
_EDGE_PUNCT = "\"'“”‘’«»()[]*^~-–—.,!:;"
_INITIALS_MARK = re.compile(r"\A[\^*/~\-–—]\s?")


@dataclass(frozen=True)
class Segment:
    start: int  # offsets into the reply text
    end: int
    text: str


@dataclass(frozen=True)
class Signature:
    """What the sign-off says about who signed."""

    personal: tuple[Segment, ...]  # the parts that name a person
    team: tuple[Segment, ...]  # the parts that only name the team or brand


@functools.lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    """Lower case without accents, for comparing names ("Hélène" == "helene")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_WORD_BREAK = re.compile(r"[\s'’]+")
_NON_WORD = re.compile(r"\W")


def _words(text: str) -> list[str]:
    if not text:
        return []
    return [w.strip(_EDGE_PUNCT) for w in _WORD_BREAK.split(text) if w.strip(_EDGE_PUNCT)]


def _separator(affiliations: tuple[str, ...]) -> re.Pattern[str]:
    """Between the parts of a sign-off: "Tom from Acme", "Julie, service client",
    "Marie Dupont\nAcme Bank", "Marie | Acme" (the linking words come from the data)."""
    words = "|".join(re.escape(w) for w in affiliations)
    linking = rf"|\s(?:{words})\s" if words else ""
    return re.compile(rf"\s*(?:[,\n|/]|\s[-–—·]\s{linking})\s*", re.IGNORECASE)


def _segments(text: str, start: int, end: int, separator: re.Pattern[str]) -> list[Segment]:
    """The parts of the sign-off text[start:end], trimmed of marks and punctuation."""
    result = []
    pos = start
    for match in [*separator.finditer(text, start, end), None]:
        piece_end = match.start() if match else end
        piece = text[pos:piece_end]
        stripped = piece.strip().strip(_EDGE_PUNCT).strip()
        if stripped:
            offset = pos + piece.index(stripped)
            result.append(Segment(offset, offset + len(stripped), stripped))
        if match:
            pos = match.end()
    return result


@functools.lru_cache(maxsize=16)
def _language_words(
    language: str, model: str | None, lang: LanguageData
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The language's stop words, its team words that are not stop words, and its
    one-word closings and courtesy words ("Cheers", "Cordialement"), never a name."""
    stop_words = frozenset(pipeline(language, model).Defaults.stop_words)
    # Function words ("the", "le") are in team_words for other rules; only the
    # content words say "team".
    team_words = frozenset(_fold(w) for w in lang.team_words if _fold(w) not in stop_words)
    courtesy = frozenset(
        _fold(w) for w in lang.closings | lang.not_names | lang.salutations if " " not in w
    )
    return stop_words, team_words, courtesy


class _DataWords:
    """What the rule reads from its data for a language, looked up once per reply."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        # Name particles that stay lower-case inside a name: "Anne de la Tour".
        self.particles = data_words(data, "name_particles")
        affiliations = data_strings(data, "affiliation_words")
        self.separator = _separator(affiliations)
        self.affiliations = frozenset(w.lower() for w in affiliations)
        self.organizations = frozenset(_fold(w) for w in data_strings(data, "organization_words"))


def _data_words(ctx: RuleContext) -> _DataWords:
    data = ctx.data
    return derived(data, "signature data words", _DataWords, data)


class _Vocabulary:
    """What the rule compares sign-off words against, for one reply."""

    def __init__(self, analysis: Analysis, ctx: RuleContext) -> None:
        words = _data_words(ctx)
        self.particles = words.particles
        self.separator = words.separator
        self.affiliations = words.affiliations
        self.organizations = words.organizations
        self.stop_words, self.team_words, self.courtesy = _language_words(
            analysis.language, analysis.model, analysis.lang
        )
        brand = analysis.reply.brand or ""
        self.brand_words = frozenset(_fold(w) for w in _words(brand) if len(w) > 1)
        self.brand_key = _NON_WORD.sub("", _fold(brand)) if brand else ""
        customer = analysis.reply.customer or ""
        self.customer_words = frozenset(_fold(w) for w in _words(customer))
        self.agent_words = frozenset(_fold(w) for w in _words(analysis.reply.agent or ""))

    def is_team(self, segment: str) -> bool:
        words = [_fold(w) for w in _words(segment)]
        if not words:
            return False
        if self.brand_key and _NON_WORD.sub("", _fold(segment)) == self.brand_key:
            return True
        if any(w in self.team_words for w in words):
            # "The Acme Team", "le service client Acme"; not a sentence with a team
            # word in it ("I can definitely help"): its other words are capitalised
            # names or function words.
            return all(
                folded in self.team_words or folded in self.stop_words or word[:1].isupper()
                for word, folded in zip(_words(segment), words, strict=True)
            )
        # "Brookfield Council": an organisation noun, capitalised as in its name.
        if any(w[:1].isupper() and _fold(w) in self.organizations for w in _words(segment)):
            return True
        # "Acme" or "The Acme" when the brand is Acme.
        return any(w in self.brand_words for w in words) and all(
            w in self.brand_words or w in self.stop_words for w in words
        )

    def is_person(self, segment: str, *, strict: bool = True) -> bool:
        """A personal name: one to four capitalised words, none a team word.

        `strict` (a bare last line, no closing or dash before it) also rejects common
        words, so that "Let Us Know" is no name; after "– " or "Thanks," "Will" is one.
        """
        words = _words(segment)
        if not 1 <= len(words) <= 4 or self.is_team(segment):
            return False
        if {_fold(w) for w in words} <= self.agent_words:
            return True  # the configured agent, whatever their name looks like
        if {_fold(w) for w in words} <= self.courtesy:
            return False  # "Cheers", "Cordialement": a closing, not a name
        for index, word in enumerate(words):
            folded = _fold(word)
            if folded in self.particles and 0 < index < len(words) - 1:
                continue
            if not word[:1].isupper() or (strict and folded in self.stop_words):
                return False
            if not all(ch.isalpha() or ch in ".-" for ch in word):
                return False
        # "Thanks, Sarah!" to the customer is not the agent's signature.
        return not ({_fold(w) for w in words} <= self.customer_words)


def _read_signature(analysis: Analysis, signoff: SignOff, ctx: RuleContext) -> Signature:
    text = analysis.text
    if signoff.kind == "initials":
        mark = _INITIALS_MARK.match(signoff.name)
        start = signoff.name_start + (mark.end() if mark else 0)
        segment = Segment(start, signoff.name_end, text[start : signoff.name_end])
        return Signature((segment,), ())
    vocab = _Vocabulary(analysis, ctx)  # initials (most sign-offs) need no words
    # Introduced by a dash or a closing ("– Will", "Thanks,\nMay"), a word is a name.
    strict = signoff.kind == "line" and signoff.name_start == signoff.start
    personal: list[Segment] = []
    team: list[Segment] = []
    for segment in _segments(text, signoff.name_start, signoff.name_end, vocab.separator):
        # "Mairie de Verneuil", "Support team at Acme": after a team and its linking
        # word comes where the team is, no person.
        of_team = bool(team) and (
            text[team[-1].end : segment.start].strip().lower() in vocab.affiliations
        )
        if not of_team and vocab.is_person(segment.text, strict=strict):
            personal.append(segment)
        elif of_team or vocab.is_team(segment.text):
            team.append(segment)
    return Signature(tuple(personal), tuple(team))


def _agent_keys(agent: str, particles: frozenset[str]) -> tuple[frozenset[str], str, str]:
    """The agent's name words, initials and whole name (folded)."""
    words = [_fold(w) for w in _words(agent)]
    initials = "".join(w[0] for w in words if w not in particles)
    return frozenset(words), initials, "".join(words)


def _names_agent(
    segment: Segment, agent: str, initials_style: bool, particles: frozenset[str]
) -> bool:
    words, initials, whole = _agent_keys(agent, particles)
    signed = [_fold(w) for w in _words(segment.text)]
    joined = "".join(signed)
    if joined in (whole, initials) or any(w in words for w in signed):
        return True
    if initials_style:
        # "^JD" for Jean-Daniel, "^Dan" for Daniel, "*MarieD" for Marie Dupont.
        full_initials = "".join(part[0] for w in words for part in w.split("-") if part)
        if joined == full_initials or (len(joined) >= 3 and whole.startswith(joined)):
            return True
    return False


def _last_word(text: str) -> tuple[int, int]:
    """The span of the text's last word, where a missing signature would go."""
    end = len(text.rstrip())
    start = max(text.rfind(" ", 0, end), text.rfind("\n", 0, end), text.rfind("\t", 0, end)) + 1
    return start, end


def _sign_as(agent: str, ctx: RuleContext) -> str:
    template = str(ctx.option_for("sign_as", ctx.language, default="– {agent}"))
    return template.format(agent=agent)


def _insert_fix(analysis: Analysis, ctx: RuleContext, agent: str) -> Fix:
    text = analysis.text
    end = len(text.rstrip())
    signoff = analysis.signoff
    if signoff is not None and signoff.kind == "closing" and text[:end].endswith(","):
        insert = "\n" + agent  # "Best regards," + "\nMarie"
    else:
        insert = "\n" + _sign_as(agent, ctx)
    return Fix(ctx.message("fix_sign", agent=agent), (Edit(end, end, insert),), safe=True)


def _replacement_for(
    segment: Segment, agent: str, initials_style: bool, particles: frozenset[str]
) -> str:
    if initials_style:
        if segment.text.isupper() and len(segment.text) <= 4:
            return "".join(w[0] for w in _words(agent) if _fold(w) not in particles).upper()
        return _words(agent)[0]
    return agent


# What may stand after the sign-off on its line: links and part markers ("2/2").
_TRAILER = re.compile(r"(?:\s+(?:\(?\d{1,2}/\d{1,2}\)?|(?:https?://|www\.)\S+))+\s*\Z", re.I)
# Words a sign-off may hold after the last sentence of its line: "Priya, Acme Support".
_TAIL_WORDS = 5
# How a trailer's last part starts (a part marker or a link), read before the regex.
_TRAILER_START = re.compile(r"\(?\d|https?://|www\.", re.I)


def _tail_signoff(analysis: Analysis, ctx: RuleContext) -> SignOff | None:
    """A sign-off the shared analysis leaves out: a name with its team, or a team,
    after the last sentence on the same line ("…today. Priya, Acme Support", "…sent.
    The Acme Team"). Every part must be a person or a team, so a closing sentence
    without a full stop ("…sorted. Have a nice day") is no sign-off."""
    text = analysis.text
    end = len(text.rstrip())
    if end <= analysis.body_start or text[end - 1] in ".!?…":
        return None  # it ends with a sentence: nothing stands after it (most replies)
    last_word = max(text.rfind(" ", 0, end), text.rfind("\n", 0, end), text.rfind("\t", 0, end))
    if _TRAILER_START.match(text, last_word + 1):  # the regex only where it can match
        trailer = _TRAILER.search(text, analysis.body_start, end)
        if trailer is not None:
            end = trailer.start()
    line_start = text.rfind("\n", analysis.body_start, end) + 1
    cut = max(
        text.rfind(".", line_start, end),
        text.rfind("!", line_start, end),
        text.rfind("?", line_start, end),
        text.rfind("…", line_start, end),
    )
    if cut < max(line_start, analysis.body_start):
        return None
    start = cut + 1 + len(text[cut + 1 : end]) - len(text[cut + 1 : end].lstrip())
    tail = text[start:end]
    # It opens with a letter: ":P" after the last full stop is a face, not a name.
    if not tail[:1].isalpha() or not 1 <= len(tail.split()) <= _TAIL_WORDS:
        return None
    vocab = _Vocabulary(analysis, ctx)  # only for the few replies with such a tail
    segments = _segments(text, start, end, vocab.separator)
    # A closing before the name or team: "…sorted. Cordialement, le SAV".
    while segments and {_fold(w) for w in _words(segments[0].text)} <= vocab.courtesy:
        segments = segments[1:]
    if not segments or not all(
        vocab.is_person(seg.text) or vocab.is_team(seg.text) for seg in segments
    ):
        return None
    return SignOff(start, end, segments[0].start, end, "line", text[segments[0].start : end])


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    agent = (analysis.reply.agent or "").strip()
    signoff = analysis.signoff
    if signoff is None:
        signoff = _tail_signoff(analysis, ctx)
    signature = (
        _read_signature(analysis, signoff, ctx)
        if signoff is not None and signoff.kind != "closing"
        else Signature((), ())
    )
    initials_style = signoff is not None and signoff.kind == "initials"

    if signature.personal:
        particles = _data_words(ctx).particles
        if agent and not any(
            _names_agent(s, agent, initials_style, particles) for s in signature.personal
        ):
            segment = signature.personal[0]
            replacement = _replacement_for(segment, agent, initials_style, particles)
            fix = Fix(
                ctx.message("fix_sign", agent=agent),
                (Edit(segment.start, segment.end, replacement),),
            )
            yield ctx.finding(
                segment.start,
                segment.end,
                ctx.message("someone_else", name=segment.text, agent=agent),
                fixes=[fix],
                check="other-agent",
            )
        return

    if signature.team:
        start, end = signature.team[0].start, signature.team[-1].end
        team = analysis.text[start:end]
        fixes = []
        if agent:
            fixes.append(
                Fix(ctx.message("fix_sign", agent=agent), (Edit(start, end, f"{agent}, {team}"),))
            )
        yield ctx.finding(
            start, end, ctx.message("team_only", team=team), fixes=fixes, check="team-only"
        )
        return

    start, end = _last_word(analysis.text)
    fixes = [_insert_fix(analysis, ctx, agent)] if agent else []
    yield ctx.finding(start, end, ctx.message("missing"), fixes=fixes, check="missing")


@hookimpl
def replylint_rules() -> list[Rule]:
    return [Rule.builtin("signature-present", check)]
