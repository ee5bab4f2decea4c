"""spaCy pipelines: blank tokenizer + sentence starts + lookup lemmas, cached per language.

No statistical model is needed, so nothing is downloaded and every rule runs the
same everywhere. A statistical pipeline (e.g. `fr_core_news_sm`) is used only when
the configuration names it and it is installed.

Five start-up costs are avoided here (a batch run pays them once per process, a
`--jobs` run once per worker):

- `spacy.lang.fr.tokenizer_exceptions` compiles, at import, one regular expression
  of 1.4 MB (`TOKEN_MATCH`: hyphenated and elided words kept whole, "peut-être",
  "entr'ouvert", "saut-de-ski"). It repeats spaCy's Unicode letter class ~480
  times and takes ~3 s to compile. `_light_french_import` compiles the same
  alternation with each letter class written as `\\w`, and checks the few tokens it
  matches against the letter class compiled once: the same tokens match, in ~50 ms.
- `import spacy` imports spaCy's whole command line (`spacy.cli`: project tooling,
  HTTP clients, ...) for the one name `spacy.info`: ~0.2 s and 360 modules per
  process. `_import_spacy` lets spaCy import a stand-in for it instead; the real
  `spacy.cli` can still be imported afterwards by anyone who needs it.
- spaCy's prefix, suffix and infix expressions and its `URL_MATCH` are compiled
  from code kept in the cache folder (`regex_store.py`), not parsed anew (~40 ms).
- spacy-lookups-data's lemma tables are read once into a compact sorted block
  (`lemma_lookup.py`), kept in the user cache folder (see `cache_dir`).
- spaCy's tokenizer re-checks each of the ~1,350 exceptions it ships in Python and
  makes their words with its slower word-shape function: `_make_tokenizer` builds
  the same tokenizer without either (~30 ms for English).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from itertools import compress
from typing import TYPE_CHECKING, Any, TypeVar

from replylint.startup import paused_collector
from replylint.text.cache_folder import cache_dir
from replylint.text.derived import derived
from replylint.text.lemma_lookup import LemmaLookup, load_lemma_lookup
from replylint.text.regex_store import compile_replaced, stored_compiles
from replylint.text.token_arrays import (
    remember_form_numbers,
    remember_lowers,
    remember_offsets,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.lexeme import Lexeme
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

T = TypeVar("T")

_lock = threading.Lock()
_pipelines: dict[tuple[str, str | None], Language] = {}

# Lemmas come from spacy-lookups-data's lookup tables ("children" -> "child",
# "apologizing" -> "apologize"), so phrase lists match every form of a word. False
# gives lower-case forms only (and skips loading the tables).
LOOKUP_LEMMAS = True

# Above this size a pattern compiled while spaCy's French data is imported is the
# TOKEN_MATCH alternation (1.4 MB in spaCy 3.7/3.8); nothing else there comes close.
_HUGE_PATTERN = 100_000


@cache
def _lemma_table(lang: str) -> LemmaLookup:
    """spacy-lookups-data's `lemma_lookup` for `lang` (empty if none), read once."""
    return load_lemma_lookup(lang, cache_dir())


# SENT_START -1 ("not a sentence start") as the uint64 `Doc.from_array` reads.
_NOT_SENT_START = 2**64 - 1


# How many word forms the annotator remembers before it starts over.
_MAX_FORMS = 200_000
# Held while an annotator adds new forms to its table (rare once warm).
_adding_forms = threading.Lock()


class _FormTable:
    """What the annotator knows of each word form, by a number given to the form.

    Per form: its lemma hash (in a numpy array, so a doc's lemmas are one `take`
    call in C), its lower-case form, and whether it is a sentence-final character or
    punctuation. Forms are only ever added (under `_adding_forms`), each entry
    written before its number is published in `numbers`: a doc being annotated in
    another thread reads complete entries. A full table is replaced, never emptied.
    """

    def __init__(self, numpy: Any, vocab: Vocab) -> None:
        self.numbers: dict[int, int] = {}  # ORTH hash -> form number
        self.orths: list[int] = []  # form number -> ORTH hash
        # Rules' own values per form (`values`), one list per function by form
        # number: a doc's values are one `map` over its form numbers, in C.
        self._vocab = vocab
        self._values: dict[Callable[[Any], Any], list[Any]] = {}
        # One row per form: its lemma hash and "not a sentence start", the two
        # columns `from_array` sets, so a doc's rows are taken in one call.
        self.rows = numpy.zeros((1024, 2), dtype=numpy.uint64)
        self.rows[:, 1] = _NOT_SENT_START
        self.lowers: list[str] = []
        self.final: list[bool] = []  # a sentence-final character
        self.stops: list[bool] = []  # sentence-final or punctuation: no sentence starts here

    def values(self, value_of: Callable[[Lexeme], T]) -> list[T]:
        """`value_of(lexeme)` of every form of the table, by form number (worked out
        once per form: a lexeme's flags are the same for every token of a form)."""
        values: list[T] | None = self._values.get(value_of)
        count = len(self.orths)
        if values is None or len(values) < count:
            with _adding_forms:  # forms are appended under this lock too
                values = self._values.setdefault(value_of, [])
                vocab, orths = self._vocab, self.orths
                values.extend([value_of(vocab[orth]) for orth in orths[len(values) :]])
        return values


class _Annotator:
    """Sentence starts and lookup lemmas for the default pipeline, in one pass.

    Sentences are split exactly as spaCy's `Sentencizer` with its default
    punctuation: a sentence ends after a run of sentence-final characters, at the
    next token that is neither one of them nor punctuation. Lemmas come from the
    lookup table, the lower-case form looked up first (spaCy's lookup mode is
    case-sensitive, so "Apologize" at the start of a sentence would keep its form).

    Both depend only on a token's form, so they are worked out once per form and
    kept in a `_FormTable`, and a doc is annotated with one `to_array` and one
    `from_array` call. The `Sentencizer` and a Python loop setting `token.lemma_`
    each built a Token object per token and together cost four times as much.
    """

    def __init__(self, nlp: Language, table: LemmaLookup) -> None:
        import numpy
        from spacy.attrs import IDX, LEMMA, LENGTH, ORTH, SENT_START
        from spacy.pipeline import Sentencizer

        self._numpy = numpy
        self._columns, self._targets = [ORTH, IDX, LENGTH], [LEMMA, SENT_START]
        self._punct_chars = frozenset(Sentencizer.default_punct_chars)
        self._table = table
        self._vocab = nlp.vocab
        self._participle_endings = _PARTICIPLE_ENDINGS.get(nlp.lang or "", ())
        self._corrections = _LOOKUP_CORRECTIONS.get(nlp.lang or "", {})
        self._strings = nlp.vocab.strings
        self._forms = _FormTable(numpy, nlp.vocab)

    def _numbers(self, forms: _FormTable, orths: list[int]) -> list[int]:
        """The form number of each of `orths`, new forms added to `forms`."""
        with _adding_forms:
            known = forms.numbers
            for orth in dict.fromkeys(orth for orth in orths if orth not in known):
                self._add(forms, orth)
        return [known[orth] for orth in orths]

    def _add(self, forms: _FormTable, orth: int) -> None:
        form = self._strings[orth]
        lower = form.lower()
        lemma = self._corrections.get(lower) or self._table.get(lower) or self._table.get(form)
        if self._participle_endings:
            # The form, or the participle the table gives for it ("désolée" ->
            # "désolé"), when the table keeps that participle as it is.
            base = (lemma or lower).lower()
            if self._table.get(base) in (None, base):
                lemma = self._infinitive(base) or lemma
        lexeme = self._vocab[orth]
        number = len(forms.lowers)
        if number == len(forms.rows):  # a bigger copy: readers keep the old one
            forms.rows = self._numpy.concatenate([forms.rows, forms.rows])
        forms.rows[number, 0] = self._strings.add(lemma.lower() if lemma else lower)
        forms.lowers.append(lexeme.lower_)  # what `token_lowers` reads (spaCy's LOWER)
        final = form in self._punct_chars
        forms.final.append(final)
        forms.stops.append(final or lexeme.is_punct)
        forms.orths.append(orth)
        forms.numbers[orth] = number  # published last: the entry is complete

    def _infinitive(self, lower: str) -> str | None:
        """The verb a past participle the table leaves as it is belongs to: spaCy's
        French table has "envoyée" -> "envoyer" but keeps "envoyé", "appelé",
        "livrée", "arrivé" as they are. The first-group infinitive counts when the
        table leads another form of the verb to it ("envoyée", "appelez")."""
        table = self._table
        for ending in self._participle_endings:
            if lower.endswith(ending) and len(lower) > len(ending) + 2:
                stem = lower[: -len(ending)]
                infinitive = stem + "er"
                if any(table.get(stem + other) == infinitive for other in _VERB_FORMS):
                    return infinitive
                return None
        return None

    def __call__(self, doc: Doc) -> Doc:
        size = len(doc)
        if not size:
            return doc
        forms = self._forms
        if len(forms.lowers) >= _MAX_FORMS:
            # A long-lived server meets new word forms forever: start over rather
            # than grow (a dropped form is simply worked out again).
            forms = self._forms = _FormTable(self._numpy, self._vocab)
        # Forms and offsets in one call (offsets cost nearly nothing more: the call's
        # own overhead is most of its cost); `token_bounds` reads the offsets.
        columns = doc.to_array(self._columns)
        orths = columns[:, 0].tolist()
        try:
            numbers = list(map(forms.numbers.__getitem__, orths))  # in C
        except KeyError:  # a form not seen yet
            numbers = self._numbers(forms, orths)
        final, stops = forms.final, forms.stops
        # Every token's lemma, each marked "not a sentence start" (a copy: the
        # starts are set below); one `take` call, which costs less than indexing.
        values = forms.rows.take(numbers, axis=0)
        values[0, 1] = 1
        # After a sentence-final character, the next token that is neither one nor
        # punctuation starts a sentence: only the tokens after each final one are read.
        after = 0  # tokens before this one are settled
        for end in list(compress(range(size), map(final.__getitem__, numbers))):  # in C
            if end < after:
                continue
            after = end + 1
            while after < size and stops[numbers[after]]:
                after += 1
            if after < size:
                values[after, 1] = 1
        doc.from_array(self._targets, values)  # type: ignore[arg-type]  # spaCy's stub wants Ints2d; uint64 is what it reads
        # Rules read nearly every doc's lower-case forms, the analysis its word flags.
        remember_offsets(doc, columns[:, 1:])
        remember_lowers(doc, list(map(forms.lowers.__getitem__, numbers)))
        remember_form_numbers(doc, numbers, forms)
        return doc


# Past participle endings of first-group verbs, longest first, by language: a form the
# lemma table keeps as it is takes the infinitive (`_Annotator._infinitive`).
_PARTICIPLE_ENDINGS: dict[str, tuple[str, ...]] = {"fr": ("ées", "és", "ée", "é")}
# Other forms of a first-group verb whose lemma shows the verb is in the table.
_VERB_FORMS = ("er", "ez", "ons", "ent", "é", "ée", "és", "ées", "ait", "era", "ant")
# Forms spacy-lookups-data reads as a rarer homograph, or leaves out, against what they
# are in a support reply: "est" is "être" (not the noun "east"), "informe" is
# "informer" (not the adjective), "joignables" is the plural of "joignable".
_LOOKUP_CORRECTIONS: dict[str, dict[str, str]] = {
    "fr": {"est": "être", "informe": "informer", "joignables": "joignable"},
}


def _register_annotator() -> None:
    from spacy.language import Language

    if "replylint_annotate" in Language.factories:
        return

    @Language.factory("replylint_annotate")
    def make_annotator(nlp: Language, name: str) -> _Annotator:
        return _Annotator(nlp, _lemma_table(nlp.lang) if LOOKUP_LEMMAS else LemmaLookup(""))


class _LightTokenMatch:
    """French `TOKEN_MATCH` with its letter classes compiled once, not ~480 times.

    `fast` is the original alternation with each letter class replaced by `\\w`; a
    token it matches is accepted when each of its word characters is also in the
    original letter class (checked by `letters`). Word characters outside the
    class (digits, `_`, scripts spaCy does not list) are the only difference
    between `\\w` and the class, and the patterns use no such literal, so both
    accept the same tokens. `pattern` is the original, for `Tokenizer.to_bytes`.
    """

    def __init__(self, pattern: str, fast: re.Pattern[str], letters: str, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags
        self._fast = fast
        self._letter_class = letters
        self._letters: re.Pattern[str] | None = None

    def match(self, string: str, *args: Any) -> re.Match[str] | None:
        found = self._fast.match(string, *args)
        if found is None:
            return None
        if self._letters is None:
            # Anything that is not a word character, or a letter of the class.
            self._letters = re.compile(rf"(?iu)(?:[^\w]|[{self._letter_class}])*\Z")
        return found if self._letters.match(string) else None


@contextmanager
def _light_french_import() -> Iterator[None]:
    """While importing spaCy's French data, compile its TOKEN_MATCH the light way."""
    import sys

    if "spacy.lang.fr.tokenizer_exceptions" in sys.modules:
        yield  # already paid for in this process
        return
    from spacy.lang.char_classes import ALPHA, ALPHA_LOWER, ALPHA_UPPER

    real_compile = re.compile

    def compile_light(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and len(pattern) > _HUGE_PATTERN and ALPHA_LOWER in pattern:
            fast = pattern
            for letters in (ALPHA, ALPHA_LOWER, ALPHA_UPPER):  # longest first
                fast = fast.replace(letters, r"\w")
            try:
                light = _LightTokenMatch(pattern, real_compile(fast, flags), ALPHA, flags)
            except re.error:
                return real_compile(pattern, flags)
            return light
        return real_compile(pattern, flags)

    with compile_replaced(compile_light):
        yield


def _import_spacy() -> Any:
    """`import spacy`, without importing spaCy's command line (see the module docs)."""
    import sys
    import types

    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    stand_ins = ("spacy.cli", "spacy.cli.info")
    if any(name in sys.modules for name in stand_ins):
        import spacy

        return spacy

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    package = types.ModuleType("spacy.cli")
    package.__path__ = []
    module = types.ModuleType("spacy.cli.info")
    module.info = info  # type: ignore[attr-defined]
    sys.modules.update({"spacy.cli": package, "spacy.cli.info": module})
    try:
        import spacy
    except ImportError:  # a spaCy that wants more from its command line at import
        for name in stand_ins:
            sys.modules.pop(name, None)
        import spacy
    else:
        for name in stand_ins:
            sys.modules.pop(name, None)
        spacy.__dict__.pop("cli", None)  # so `import spacy.cli` imports the real one
    return spacy


def _blank(lang: str) -> Language:
    """A blank pipeline for `lang`, made as `English()` is: the same tokenizer and
    settings as `spacy.blank(lang)`, without resolving a config through the
    registry (~10-15 ms per language)."""
    _import_spacy()
    from spacy.util import get_lang_class

    if lang == "fr":
        with _light_french_import():
            return get_lang_class(lang)(create_tokenizer=_make_tokenizer)
    return get_lang_class(lang)(create_tokenizer=_make_tokenizer)


def _make_tokenizer(nlp: Language) -> Any:
    """spaCy's default tokenizer (`spacy.language.create_tokenizer`), built cheaper:

    - the cheaper lexeme getters (`_fast_lexeme_attributes`) are in place before the
      tokenizer exceptions make their ~800 lexemes;
    - the ~1,350 exceptions spaCy ships for the language are added without
      re-checking each one's token texts against its string (a Python loop per
      exception; spaCy's own tests check its data).

    The tokenizer is the same: `test_nlp.py` compares it with `spacy.blank`'s."""
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    class ShippedExceptionsTokenizer(Tokenizer):  # type: ignore[misc]  # spaCy's Cython class is untyped
        def _validate_special_case(self, chunk: str, substrings: Any) -> None:
            pass

    _fast_lexeme_attributes(nlp)
    defaults = nlp.Defaults
    prefixes, suffixes, infixes = defaults.prefixes, defaults.suffixes, defaults.infixes
    return ShippedExceptionsTokenizer(
        nlp.vocab,
        rules=defaults.tokenizer_exceptions,
        prefix_search=compile_prefix_regex(prefixes).search if prefixes else None,
        suffix_search=compile_suffix_regex(suffixes).search if suffixes else None,
        infix_finditer=compile_infix_regex(infixes).finditer if infixes else None,
        token_match=defaults.token_match,
        url_match=defaults.url_match,
    )


def _build(lang: str, model: str | None) -> Language:
    spacy = _import_spacy()

    if model:
        try:
            if lang == "fr":
                with _light_french_import():
                    nlp = spacy.load(model)
            else:
                nlp = spacy.load(model)
            if "senter" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
                nlp.add_pipe("sentencizer", first=True)
            return nlp
        except OSError:
            pass  # not installed: the default pipeline still works for every rule
    _register_annotator()
    try:
        nlp = _blank(lang)
    except ImportError:
        nlp = spacy.blank("xx")
    nlp.add_pipe("replylint_annotate")
    return nlp


# spaCy's word shape ("Xxxxx", "dd-dd") with ASCII text translated in one call
# instead of a Python loop per character; the same output for every string.
_SHAPE_OF_ASCII = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10,
)
_LONG_RUN_OF_ONE = re.compile(r"(.)\1{4,}", re.DOTALL)


def _word_shape(text: str) -> str:
    if len(text) >= 100 or not text.isascii():
        from spacy.lang.lex_attrs import word_shape

        return word_shape(text)  # type: ignore[no-any-return]
    shape = text.translate(_SHAPE_OF_ASCII)
    # Runs of one shape character are cut at four: "Xxxxx" for "Hello", "dddd" for 2026.
    return _LONG_RUN_OF_ONE.sub(r"\1\1\1\1", shape) if len(shape) > 4 else shape


def _fast_lexeme_attributes(nlp: Language) -> None:
    """Cheaper, identical getters for two lexeme attributes spaCy computes in Python
    for every new word form (a third of the cost of a new word: replies bring many)."""
    from spacy.attrs import IS_ASCII, SHAPE

    getters = nlp.vocab.lex_attr_getters  # type: ignore[attr-defined]  # set on the Cython Vocab, not in its stub
    if SHAPE in getters:
        getters[SHAPE] = _word_shape
    if IS_ASCII in getters:
        getters[IS_ASCII] = str.isascii


def process(nlp: Language, text: str) -> Doc:
    """`nlp(text)` without `Language.__call__`'s per-call bookkeeping (error
    handlers, per-component settings), which cost as much as the sentencizer on a
    short reply."""
    _warm_tokenizer_cache(nlp, text)
    doc = nlp.make_doc(text)
    # `Language.pipeline` builds a new list on every access.
    for component in derived(nlp, "components", _components, nlp):
        doc = component(doc)
    return doc


# spaCy's tokenizer caches how it split each whitespace-separated chunk, up to this
# many chunks (`Tokenizer.max_cache_size`'s default); past it, nothing new is cached.
_TOKENIZER_CACHE_SIZE = 10_000
# Texts longer than this (far beyond a reply or an incoming message) are not split
# into chunks for the cache.
_WARM_MAX_CHARS = 100_000


def _warm_tokenizer_cache(nlp: Language, text: str) -> None:
    """Have the tokenizer cache every chunk of `text` before it tokenizes `text`.

    After the first special case of a text ("you'll", "don't", "I'm") spaCy's
    tokenizer caches nothing more of that text (spaCy #1250: a flag set for the
    whole doc), so in a reply with an early contraction every later chunk went
    through the prefix, suffix and infix expressions on every call: 40 µs for
    "ships tomorrow, you'll get a tracking link by email." against 4 without the
    contraction. A chunk tokenized on its own is cached exactly as it is in a text
    without special cases (a chunk that holds one is not cached, as before), so
    each chunk not seen yet is tokenized alone once; the tokens are the same.
    """
    if len(text) > _WARM_MAX_CHARS:
        return  # a whole export in one text: no list of its every chunk
    seen: set[str] = derived(nlp, "tokenizer-cached chunks", set)
    room = _TOKENIZER_CACHE_SIZE - len(seen)
    if room <= 0:
        return  # the tokenizer's cache is full as well: nothing more would be kept
    chunks = text.split()
    if seen.issuperset(chunks):  # the usual case, in C
        return
    new = list(dict.fromkeys(chunk for chunk in chunks if chunk not in seen))[:room]
    if new:
        tokenizer = nlp.tokenizer
        for chunk in new:
            tokenizer(chunk)
        seen.update(new)


def extra_forms_leading_to(language: str, lemma: str) -> tuple[str, ...]:
    """The forms the default pipeline's annotator may lead to `lemma` whatever the
    lemma table says of them: its corrections ("est" -> "être") and, for a
    first-group verb in a language with that rule, its past participles ("livrer":
    "livré", "livrée", "livrés", "livrées")."""
    found = [form for form, to in _LOOKUP_CORRECTIONS.get(language, {}).items() if to == lemma]
    endings = _PARTICIPLE_ENDINGS.get(language, ())
    if endings and lemma.endswith("er") and len(lemma) > 4:
        found.extend(lemma[:-2] + ending for ending in endings)
    return tuple(found)


def lookup_lemmas(nlp: Language) -> LemmaLookup | None:
    """The lemma table the default pipeline's annotator reads (a token's lemma is the
    entry of its lower-case form, else of its form, else its lower-case form), or
    None for a pipeline without that annotator (a statistical model's)."""
    if "replylint_annotate" not in nlp.pipe_names:
        return None
    annotator: _Annotator = nlp.get_pipe("replylint_annotate")  # type: ignore[assignment]
    return annotator._table


def _components(nlp: Language) -> tuple[Any, ...]:
    return tuple(component for _, component in nlp.pipeline)


def pipeline(lang: str, model: str | None = None) -> Language:
    """The shared pipeline for `lang` (built on first use, then cached)."""
    key = (lang, model)
    nlp = _pipelines.get(key)
    if nlp is None:
        with _lock:
            nlp = _pipelines.get(key)
            if nlp is None:
                # spaCy's import and the build: see startup.py and regex_store.py.
                with paused_collector(), stored_compiles():
                    nlp = _build(lang, model)
                # spaCy's 1M-character guard protects parsers' memory; the default
                # pipeline keeps none of that, and an email export can be longer.
                nlp.max_length = 50_000_000
                _fast_lexeme_attributes(nlp)
                _pipelines[key] = nlp
    return nlp
