"""The cheap exact pass of language detection: English or French by function words.

Function words ("the", "your", "vous", "est") are common in one language and not
words of the other. A text with at least two of one side and none of the other (or
four times as many, from four on) is decided here, in a few microseconds, without
the statistical detector; that is nine replies in ten of the labeled corpus. A reply
of a few words with one of them, or with none of them but a short-reply word of one
language ("Noted.", "Parfait."), is decided here too (`FunctionWords.language(single=True)`),
which spares the statistical detector's ~0.5 s model load in most short runs.

Words of this list also occur in other languages ("la", "que" in Spanish, "je" in
Dutch, "il" in Italian), so a text that also has one frequent word of a language
replylint does not support is left to the statistical detectors, which know those
languages. The witness words below are frequent function words of the languages a
support team writing English and French most often meets, and are not English or
French words.
"""

from __future__ import annotations

import re
from itertools import repeat
from typing import NamedTuple

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# The same words in ASCII text, where a letter is A-Z or a-z (a plain character
# class is matched faster than the Unicode category test of `_WORD`).
_ASCII_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def _word_set(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


_ENGLISH = _word_set(
    "the and you your we our to is are it for with this that have has be can will",
    "please thanks thank of in at if my i us what how when there here hi hello",
    "sorry any know let just get do does not from they was would could been about",
)
_FRENCH = _word_set(
    "le la les des du et vous votre vos nous notre est pour pas une un que qui dans sur",
    "avec merci bonjour je il ce cette sont mais au aux ne se sa son ses mon ma mes tout",
    "très bien peut être avez pouvez suis c'est j'ai n'hésitez cordialement madame",
    "monsieur oui non aussi même comme ou elle ils à par",
)
# Words a reply of a word or two is made of ("Done!", "Parfait.", "Voici :"), words of
# one language only. They count only in a text with no function word at all, so they
# never outvote one ("Super, thanks!" stays with "thanks").
_ENGLISH_REPLY_WORDS = _word_set(
    "done noted understood yes okay sure absolutely definitely apologies welcome great enjoy",
)
_FRENCH_REPLY_WORDS = _word_set(
    "parfait entendu volontiers désolé désolée voici voilà",
)
# "on" and "me" are common in both languages and count for neither.
_FRENCH_ELISIONS = frozenset(("l", "d", "j", "qu", "n", "c", "s"))

# Frequent words of German, Spanish, Italian, Portuguese and Dutch that are not
# English or French words (nor "OS", "van", "con", "per", "tu", "je", "il", ...).
_WITNESSES = {
    "de": _word_set(
        "und der das den dem des ist nicht ich sie wir ihr ihre ihnen mit für auf bitte",
        "danke wird haben sind eine einen einem bei noch schon auch aber wie gerne leider",
        "uns unser unsere hallo grüße vielen dank heute kann können dass oder zum zur vom",
    ),
    "es": _word_set(
        "el los las del por para está están estamos gracias muy pero hola lo una unos",
        "nuestro nuestra usted ustedes puedes podemos pedido hemos ya día días saludos",
        "ayuda cuenta favor ahora sí qué cómo también hace",
    ),
    "it": _word_set(
        "della degli dei delle che sono grazie gli tuo tua ciao è stato abbiamo ho hai",
        "puoi possiamo ordine di uno questo questa anche molto sul nel alla allo dal",
        "buongiorno purtroppo subito saluti",
    ),
    "pt": _word_set(
        "não obrigado obrigada você sua seu uma olá pode já muito nós vocês encomenda está",
        "também ainda então isso essa esse agora bom dia cumprimentos",
    ),
    "nl": _word_set(
        "het een ik niet wat maar ook zijn bedankt jouw hebben dat deze dit voor naar",
        "kunnen kun kan heb bent wordt graag alvast groeten hoi bestelling helaas onze",
        "ons jullie uw met nog geen mee",
    ),
}
_WITNESS_LANGUAGES: dict[str, frozenset[str]] = {}
for _code, _words in _WITNESSES.items():
    for _word in _words - _ENGLISH - _FRENCH:
        _WITNESS_LANGUAGES[_word] = _WITNESS_LANGUAGES.get(_word, frozenset()) | {_code}


class FunctionWords(NamedTuple):
    """How many function words of English, French and the witnesses a text has."""

    english: int
    french: int
    other: int
    # The languages the witness words belong to.
    others: frozenset[str] = frozenset()
    # Short-reply words ("done", "parfait"), which count only where no function word is.
    english_replies: int = 0
    french_replies: int = 0

    def language(self, *, single: bool = False) -> str | None:
        """English ("en") or French ("fr") when the function words leave no doubt, else None.

        With `single`, one function word of one language and none of the other is
        enough: in a reply of a few words ("Je regarde.", "On it now!") that word
        says more than character statistics thrown off by the names around it; in a
        text with no function word, so is a short-reply word ("Noted.", "Parfait.")."""
        english, french = self.english, self.french
        if self.other:  # maybe Spanish, Italian, ...: the statistical detectors can tell
            return None
        if (english >= 2 and french == 0) or (english >= 4 and english >= 4 * french):
            return "en"
        if (french >= 2 and english == 0) or (french >= 4 and french >= 4 * english):
            return "fr"
        if single and (english == 0) != (french == 0):
            return "en" if english else "fr"
        replies_en, replies_fr = self.english_replies, self.french_replies
        if single and english == french == 0 and (replies_en == 0) != (replies_fr == 0):
            return "en" if replies_en else "fr"
        return None


# Each word's kind, with the precedence of the counting: English first, then the
# witnesses, then French, then the short-reply words (words of none are not in the table).
# A kind is a one in its own 32-bit field of an int, so that one C `sum` over a text's
# words counts every kind at once (a field would overflow only past 4 billion words).
_FIELD_BITS = 32
_FIELD_MASK = (1 << _FIELD_BITS) - 1
_ENGLISH_WORD, _WITNESS_WORD, _FRENCH_WORD = 1, 1 << 32, 1 << 64
_ENGLISH_REPLY_WORD, _FRENCH_REPLY_WORD = 1 << 96, 1 << 128
_KIND_OF_WORD = {
    **dict.fromkeys(_FRENCH_REPLY_WORDS, _FRENCH_REPLY_WORD),
    **dict.fromkeys(_ENGLISH_REPLY_WORDS, _ENGLISH_REPLY_WORD),
    **dict.fromkeys(_FRENCH, _FRENCH_WORD),
    **dict.fromkeys(_WITNESS_LANGUAGES, _WITNESS_WORD),
    **dict.fromkeys(_ENGLISH, _ENGLISH_WORD),
}

# Text in Latin-1 (ASCII and the accented letters of French) made lower-case letters,
# apostrophes and spaces in one C pass: its `split()` then gives the words of `_WORD`
# (letters are what `_WORD` takes as one: `[^\W\d_]`), unless an apostrophe is not
# between two letters or two are in one run ("'tis", "dogs'", "rock'n'roll"), which
# `_ODD_APOSTROPHE` finds (a leading one is found as " '" or at the start).
_LATIN_1_LETTER = re.compile(r"[^\W\d_]")
_LOWER_LETTERS_AND_APOSTROPHES = "".join(
    character.lower() if _LATIN_1_LETTER.match(character) else "'" if character == "'" else " "
    for character in map(chr, range(256))
).encode("latin-1")
_ODD_APOSTROPHE = re.compile(r"'(?:[^ ']*'|(?= |$))")


def _latin_1_words(raw: bytes) -> list[str]:
    """The lower-cased words of a text encoded in Latin-1, as `_WORD` finds them."""
    lower = raw.translate(_LOWER_LETTERS_AND_APOSTROPHES).decode("latin-1")
    if "'" in lower and (
        lower.startswith("'") or " '" in lower or _ODD_APOSTROPHE.search(lower) is not None
    ):
        return _WORD.findall(lower)
    return lower.split()


def _lower_words(text: str) -> list[str]:
    """The lower-cased words of `text`."""
    try:
        return _latin_1_words(text.encode("latin-1"))
    except UnicodeEncodeError:
        pass
    # Lower-casing the whole text first gives the same words, except where a capital's
    # lower case is not a letter: "İ" becomes "i" and a combining dot.
    if "\u0130" in text:
        return [w.lower() for w in _WORD.findall(text)]
    lower = text.lower()
    return (_ASCII_WORD if lower.isascii() else _WORD).findall(lower)


def count_function_words(text: str) -> FunctionWords:
    """The function words of `text`, counted."""
    # The apostrophe is written both ways; the pattern takes either, so one
    # replacement in the text gives the same words as one per word.
    if "’" in text:
        text = text.replace("’", "'")
    words = _lower_words(text)
    counts = sum(map(_KIND_OF_WORD.get, words, repeat(0)))
    english = counts & _FIELD_MASK
    other = counts >> _FIELD_BITS & _FIELD_MASK
    french = counts >> 2 * _FIELD_BITS & _FIELD_MASK
    english_replies = counts >> 3 * _FIELD_BITS & _FIELD_MASK
    french_replies = counts >> 4 * _FIELD_BITS
    if "'" in text:  # an elided French word not listed: "l'équipe", "qu'il"
        french += sum(
            1
            for word in words
            if "'" in word
            and word not in _KIND_OF_WORD
            and word.split("'", 1)[0] in _FRENCH_ELISIONS
        )
    others: frozenset[str] = frozenset()
    if other:
        others = others.union(*(_WITNESS_LANGUAGES[w] for w in words if w in _WITNESS_LANGUAGES))
    return FunctionWords(english, french, other, others, english_replies, french_replies)
