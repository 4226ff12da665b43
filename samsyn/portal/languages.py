"""The languages of "What is a SIG?" in the portal.

These texts are content written per language, not translations of the user interface: the
easy-to-read Swedish version is not a translation of anything, and a page in Arabic or Somali
is written (and checked) by someone who knows the language and the reader. So they are
templates, not gettext catalogues.

Adding a language = one template `samsyn/templates/portal/about/<code>.html` with the seven
sections (`SECTION_IDS`) + one line in `LANGUAGES`, e.g. for Arabic:

    Language("ar", "العربية", lang="ar", dir="rtl", template="portal/about/ar.html"),

`dir="rtl"` makes the page run right to left; `lang` tells screen readers how to pronounce it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One language of the about page: `code` is what `?sprak=` takes, `name` is written in
    the language itself, `lang` is the html lang attribute, `dir` "ltr" or "rtl"."""

    code: str
    name: str
    lang: str
    dir: str
    template: str


# The seven things the youth must be able to read about, in this order (the six information
# points of the guidance, with "who the people are" and "how it ends" that the young people
# asked for, seed 000). Every language template has a <section id="..."> for each.
SECTION_IDS = ("vad", "varfor", "frivilligt", "samtycke", "planera", "vilka", "slut")

LANGUAGES: tuple[Language, ...] = (
    Language("sv", "Svenska", lang="sv", dir="ltr", template="portal/about/sv.html"),
    Language(
        "lattlast", "Lättläst svenska", lang="sv", dir="ltr", template="portal/about/lattlast.html"
    ),
    Language("en", "English", lang="en", dir="ltr", template="portal/about/en.html"),
)

DEFAULT = LANGUAGES[0]


def language_for(code: str | None) -> Language:
    """The registered language with this code; Swedish for anything else."""
    return next((language for language in LANGUAGES if language.code == code), DEFAULT)
