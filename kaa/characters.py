"""Characters that make a value look like another: named in Swedish so an analyst can find them.

A coded value such as "Мan" (with a Cyrillic М) or "Ｍan" (full-width) looks exactly like "Man" when it is
quoted back. `note` explains such a value; `variants` finds the characters that Unicode compatibility
normalisation (NFKC: full-width, mathematical, ligatures …) or removing invisible format characters
(zero-width spaces, direction marks) would change, so a reader can accept the value and say so.

Pure functions over single values; nothing here looks at whole columns.
"""

from __future__ import annotations

import unicodedata

#: Letters of other alphabets that look like Latin ones (the common cases of Unicode's confusables).
LOOKALIKES = {
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ү": "Y", "Ӏ": "I", "Ԛ": "Q", "Ԝ": "W",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j",
    "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ү": "y", "ё": "ë",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "α": "a",
    "υ": "u",
    # Armenian
    "Օ": "O", "օ": "o", "ս": "u", "հ": "h", "ո": "n", "զ": "q",
    # Cherokee
    "Ꭺ": "A", "Ᏼ": "B", "Ꮯ": "C", "Ꭼ": "E", "Ꮋ": "H", "Ꭻ": "J", "Ꮶ": "K", "Ꮮ": "L", "Ꮇ": "M", "Ꮲ": "P",
    "Ꮪ": "S", "Ꭲ": "T", "Ꮃ": "W", "Ꮓ": "Z",
}

_SCRIPTS = {  # the first word of a Unicode character name → Swedish adjective (neuter, for "tecken")
    "CYRILLIC": "kyrilliskt", "GREEK": "grekiskt", "ARMENIAN": "armeniskt", "HEBREW": "hebreiskt",
    "ARABIC": "arabiskt", "CHEROKEE": "cherokesiskt", "COPTIC": "koptiskt", "GEORGIAN": "georgiskt",
    "LATIN": "latinskt", "RUNIC": "runskrifts-", "LISU": "lisu-", "CANADIAN": "kanadensiskt stavelse-",
}

_INVISIBLE_NAMES = {
    "\u00ad": "mjukt bindestreck", "\u061c": "arabisk riktningsmarkering", "\u180e": "mongoliskt vokalavskiljare",
    "\u200b": "nollbreddsmellanslag", "\u200c": "nollbredds icke-sammanfogare", "\u200d": "nollbreddssammanfogare",
    "\u200e": "vänster-till-höger-markering", "\u200f": "höger-till-vänster-markering",
    "\u202a": "riktningsstyrning", "\u202b": "riktningsstyrning", "\u202c": "riktningsstyrning",
    "\u202d": "riktningsstyrning", "\u202e": "riktningsstyrning (vänder texten)",
    "\u2060": "ordsammanfogare", "\u2066": "riktningsisolering", "\u2067": "riktningsisolering",
    "\u2068": "riktningsisolering", "\u2069": "riktningsisolering", "\ufeff": "byte-ordningsmärke (BOM)",
}

_VARIANT_KINDS = (  # a word in the character's Unicode name → what kind of variant it is
    ("FULLWIDTH", "fullbreddsform"), ("HALFWIDTH", "halvbreddsform"), ("MATHEMATICAL", "matematisk variant"),
    ("CIRCLED", "inringad variant"), ("PARENTHESIZED", "variant inom parentes"), ("SUPERSCRIPT", "upphöjd variant"),
    ("SUBSCRIPT", "nedsänkt variant"), ("LIGATURE", "ligatur"), ("ROMAN NUMERAL", "romersk siffra"),
    ("SMALL", "liten variant"), ("MODIFIER", "modifierande variant"),
)


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _name(ch: str) -> str:
    return unicodedata.name(ch, "")


def invisible(ch: str) -> bool:
    """A format character (zero-width, direction) or a control character other than whitespace."""
    return unicodedata.category(ch) in ("Cf", "Cc") and not ch.isspace()


def _compatible(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def plain(ch: str) -> bool:
    """A character that is what it looks like: ASCII, whitespace, a Latin letter (å, ä, ö, é …), Latin-1
    or general punctuation. Anything else may be a look-alike."""
    if ch.isascii() or ch.isspace():
        return not invisible(ch)
    code = ord(ch)
    if _compatible(ch) != ch:
        return False
    if unicodedata.category(ch).startswith("L"):
        return code < 0x250 and _name(ch).startswith("LATIN")
    return unicodedata.category(ch)[0] in "PSN" and (code < 0x250 or 0x2010 <= code <= 0x205E)


def describe(ch: str) -> str:
    """One character in Swedish: what it is and what it looks like, e.g.
    ”М” (kyrilliskt versalt M, U+041C), som ser ut som ett latinskt M."""
    name = _name(ch)
    if invisible(ch):
        what = _INVISIBLE_NAMES.get(ch, "formateringstecken" if unicodedata.category(ch) == "Cf" else "styrtecken")
        return f"ett osynligt tecken ({what}, {_code(ch)})"
    compatible = _compatible(ch)
    if compatible != ch:
        kind = next((label for word, label in _VARIANT_KINDS if word in name), "variant")
        return f"”{ch}” ({kind} av ”{compatible}”, {_code(ch)})"
    script = _SCRIPTS.get(name.split(" ")[0], "")
    words = f" {name} "
    case = ("litet versalt " if " SMALL CAPITAL " in words else "versalt " if " CAPITAL " in words
            else "gement " if " SMALL " in words else "")
    last = name.split(" ")[-1]
    latin = LOOKALIKES.get(ch) or (last if script == "latinskt" and len(last) == 1 and last.isalpha() else None)
    if latin:
        return f"”{ch}” ({script} {case}{latin}, {_code(ch)}), som ser ut som ett latinskt {latin}".replace("  ", " ")
    base = unicodedata.normalize("NFD", ch)[0]
    if script == "latinskt" and base.isascii() and base.isalpha():
        return f"”{ch}” ({base} med ett ovanligt diakritiskt tecken, {_code(ch)}), som liknar ett vanligt {base}"
    if script:
        return f"”{ch}” ({script} {case}tecken, {_code(ch)})".replace("  ", " ")
    if unicodedata.category(ch).startswith("M"):
        return f"ett kombinerande tecken ({name.lower() or 'okänt'}, {_code(ch)})"
    return f"”{ch}” ({_code(ch)}, ett tecken utanför det svenska alfabetet)"


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def suspicious(text: str, limit: int = 3) -> list[str]:
    """The first few distinct characters of the text that are not `plain`."""
    found: list[str] = []
    for ch in "" if text.isascii() and text.isprintable() else unicodedata.normalize("NFC", text):
        if not plain(ch) and ch not in found:
            found.append(ch)
            if len(found) == limit:
                break
    return found


def note(text: str) -> str:
    """A sentence naming the characters that make the value only look like a valid one (or "")."""
    found = suspicious(text)
    if not found:
        return ""
    return f"värdet har {_listed([describe(ch) for ch in found])}. "


def normalized(text: str) -> str:
    """NFKC (full-width and other compatibility forms become plain) without invisible format characters."""
    text = unicodedata.normalize("NFKC", text)
    return text if text.isascii() else "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def variants(text: str, ignore: str = "") -> list[str]:
    """The distinct characters that `normalized` changes or removes (whitespace and `ignore` excepted)."""
    if text.isascii():
        return []
    found: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isspace() or ch in ignore or ch in found:
            continue
        if unicodedata.category(ch) == "Cf" or _compatible(ch) != ch:
            found.append(ch)
    return found


def described(chars: list[str]) -> str:
    """Characters in Swedish, as a list: ”Ｍ” (fullbreddsform av ”M”, U+FF2D) och …"""
    return _listed([describe(ch) for ch in chars]) if chars else "ovanliga tecken"


__all__ = ["LOOKALIKES", "describe", "described", "invisible", "note", "normalized", "plain", "suspicious",
           "variants"]
