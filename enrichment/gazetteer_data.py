"""The curated gazetteer: the people, organisations and places our copy names most often.

`gazetteer_entries()` returns the seed data another module loads into the Entity table
(editors refine it in the admin afterwards). It holds:

* every ISO 3166 country, generated from django-countries rather than typed by hand: the
  French name is canonical, the English and Arabic names (Django's gettext catalogues of
  django-countries) and the short forms French copy uses ("Russie", "Fédération de Russie",
  "EAU", "États-Unis", "USA"…) are aliases, and every accented Latin-script form also gets its
  unaccented spelling ("Egypte", "Etats-Unis"), as capitals and wires often drop accents;
* capitals and main cities of the Middle East and North Africa, plus the foreign capitals and
  cities our desks cite (Moscou, Minsk, Kiev, Washington, Paris, Londres…);
* heads of state and government and foreign ministers of the region and of the powers most
  involved, 2015–2025, with the spellings of the French press and English and Arabic aliases;
* international and national organisations, armed groups, seats of power used by metonymy
  ("le Kremlin", "l'Élysée") and news agencies.

Facts only: a role is one the person actually held (no dates, so a former minister keeps the
role he is best known for); a Wikidata id is given only where it was checked, else "".

Beside the entries:

* `DEMONYMS` — French demonyms and adjectives of nationality, every gender and number, to
  the ISO code of their country. Two special values: "EU" (the ISO 3166-1 code exceptionally
  reserved for the European Union: "européen", "européennes"…) and "" for a group that is
  no single country ("arabe", "kurde", "occidental", "latino-américain"…). Both still mark a
  word as a demonym, which is what the NER filter needs ("les Européens" tagged LOC is a
  tagging error); country detection ignores them (see `enrichment.countries`).
  "suisse" is left out on purpose: it is both the adjective and the country's name, and a
  filter must never drop "la Suisse".
* `DEMONYM_PREFIXES` — the combining forms of compound adjectives ("israélo-palestinien",
  "sino-russe", "franco-allemand"): each names a second country.
* `ROLE_WORDS` and `is_role_phrase()` — role nouns that spaCy tags ORG when they head a
  phrase ("ministre de la Défense" is a role; "ministère de l'Intérieur" is an organisation).
* `KNOWN_AMBIGUOUS_ALIASES` — the few spellings that really name two entries of one kind
  (Tripoli in Libya and in Lebanon; تونس for Tunisia and Tunis…); any other clash is a bug.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.utils import translation
from django_countries import countries

from newsroom.text import fold_accents, normalise_name

KINDS = ("PER", "ORG", "LOC")


@dataclass(frozen=True)
class GazetteerEntry:
    key: str  # stable slug, e.g. "vladimir-poutine", "egypte", "le-caire", "otan"
    kind: str  # "PER" | "ORG" | "LOC"
    name: str  # canonical French name
    aliases: tuple[str, ...] = ()  # other spellings in French, English and Arabic script
    country: str = ""  # ISO 3166-1 alpha-2 ("" for international organisations)
    role: str = ""  # short French description of a role held
    wikidata: str = ""  # only when checked


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------


def strip_accents(text: str) -> str:
    """ "Égypte" → "Egypte", "Choïgou" → "Choigou"; case kept, Arabic script left alone."""
    return fold_accents(text, compose=True, keep_arabic=True)


# The form two spellings must share to be the same alias: the index's own normalisation,
# so the ambiguity check sees exactly what the index sees.
normalize_alias = normalise_name


def slugify_key(text: str) -> str:
    """ "Côte d'Ivoire" → "cote-d-ivoire", "Le Caire" → "le-caire"."""
    folded = strip_accents(text).lower().replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def _with_unaccented(names: Iterable[str]) -> tuple[str, ...]:
    """Each name followed by its unaccented spelling when that differs; duplicates dropped."""
    out: list[str] = []
    for name in names:
        for form in (name, strip_accents(name)):
            if form and form not in out:
                out.append(form)
    return tuple(out)


def _entry(
    kind: str,
    name: str,
    aliases: Iterable[str] = (),
    country: str = "",
    role: str = "",
    wikidata: str = "",
    key: str = "",
) -> GazetteerEntry:
    names = _with_unaccented((name, *aliases))
    return GazetteerEntry(
        key=key or slugify_key(name),
        kind=kind,
        name=name,
        aliases=tuple(alias for alias in names if alias != name),
        country=country,
        role=role,
        wikidata=wikidata,
    )


def _per(
    name: str,
    country: str,
    role: str,
    aliases: Iterable[str] = (),
    wikidata: str = "",
    key: str = "",
) -> GazetteerEntry:
    return _entry("PER", name, aliases, country, role, wikidata, key)


def _org(
    name: str,
    country: str,
    role: str,
    aliases: Iterable[str] = (),
    wikidata: str = "",
    key: str = "",
) -> GazetteerEntry:
    return _entry("ORG", name, aliases, country, role, wikidata, key)


def _loc(
    name: str,
    country: str,
    aliases: Iterable[str] = (),
    role: str = "",
    wikidata: str = "",
    key: str = "",
) -> GazetteerEntry:
    return _entry("LOC", name, aliases, country, role, wikidata, key)


# --------------------------------------------------------------------------------------------
# Countries (generated from django-countries)
# --------------------------------------------------------------------------------------------

# The library's French name is canonical except where it is an inverted or bracketed index
# form; the library's own form stays an alias.
COUNTRY_NAME_OVERRIDES = {
    "PS": "Palestine",  # "Palestine, État de"
    "RE": "La Réunion",  # "Réunion, La"
    "SZ": "Eswatini",  # "Eswatini (République d')"
    "FM": "Micronésie",  # "Micronésie (États Fédérés de)"
}

# Short and usual forms copy uses, in French, English and Arabic (the library gives one name
# per language).
COUNTRY_EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "AE": ("EAU", "Émirats", "Émirats arabes", "UAE", "الإمارات"),
    "BY": ("Bélarus", "Belarus", "Bielorussie", "بيلاروس", "بيلاروسيا"),
    "CD": ("RDC", "RD Congo", "Congo-Kinshasa", "DRC", "DR Congo"),
    "CG": ("Congo-Brazzaville", "République du Congo", "Republic of the Congo"),
    "CI": ("Ivory Coast",),
    "CN": ("République populaire de Chine",),
    "CV": ("Cape Verde",),
    "CZ": ("Tchéquie", "Czech Republic"),
    "EG": ("République arabe d'Égypte",),
    "GB": ("Grande-Bretagne", "UK", "Britain", "Great Britain", "بريطانيا"),
    "IL": ("État d'Israël", "État hébreu"),
    "IQ": ("Iraq",),
    "IR": ("République islamique d'Iran",),
    "MA": ("Royaume du Maroc",),
    "MK": ("Macédoine du Nord",),
    "MM": ("Burma",),
    "OM": ("Sultanat d'Oman", "سلطنة عمان"),
    "PS": ("État de Palestine", "Territoires palestiniens", "State of Palestine", "دولة فلسطين"),
    "RU": ("Fédération de Russie", "Russian Federation"),
    "SA": ("Arabie saoudite", "Royaume d'Arabie saoudite", "المملكة العربية السعودية"),
    "SS": ("Sud-Soudan",),
    "SY": ("République arabe syrienne", "سورية"),
    "SZ": ("Swaziland",),
    "TL": ("East Timor",),
    "TR": ("Turkey",),
    "US": (
        "États-Unis",
        "USA",
        "US",
        "U.S.",
        "United States",
        "الولايات المتحدة",
        "أمريكا",
    ),
    "VA": ("Vatican", "Cité du Vatican", "Holy See"),
    "VN": ("Vietnam",),
    "ZA": ("جنوب أفريقيا",),
}

# Checked ids of the countries our copy names most (the region, its neighbours, the powers).
COUNTRY_WIKIDATA = {
    "AE": "Q878",
    "AF": "Q889",
    "AM": "Q399",
    "AZ": "Q227",
    "BE": "Q31",
    "BH": "Q398",
    "BY": "Q184",
    "CA": "Q16",
    "CH": "Q39",
    "CN": "Q148",
    "CY": "Q229",
    "DE": "Q183",
    "DJ": "Q977",
    "DZ": "Q262",
    "EG": "Q79",
    "EH": "Q6250",
    "ER": "Q986",
    "ES": "Q29",
    "ET": "Q115",
    "FR": "Q142",
    "GB": "Q145",
    "GR": "Q41",
    "IL": "Q801",
    "IN": "Q668",
    "IQ": "Q796",
    "IR": "Q794",
    "IT": "Q38",
    "JO": "Q810",
    "JP": "Q17",
    "KP": "Q423",
    "KR": "Q884",
    "KW": "Q817",
    "LB": "Q822",
    "LY": "Q1016",
    "MA": "Q1028",
    "ML": "Q912",
    "MR": "Q1025",
    "NE": "Q1032",
    "NL": "Q55",
    "OM": "Q842",
    "PK": "Q843",
    "PS": "Q219060",
    "QA": "Q846",
    "RU": "Q159",
    "SA": "Q851",
    "SD": "Q1049",
    "SO": "Q1045",
    "SS": "Q958",
    "SY": "Q858",
    "TD": "Q657",
    "TN": "Q948",
    "TR": "Q43",
    "UA": "Q212",
    "US": "Q30",
    "YE": "Q805",
}

_BRACKETED = re.compile(r"\s*\([^)]*\)\s*")


def _country_names() -> dict[str, dict[str, str]]:
    """{code: {"fr": …, "en": …, "ar": …}} from django-countries and its translations."""
    codes = [country.code for country in countries]
    names: dict[str, dict[str, str]] = {code: {} for code in codes}
    for language in ("fr", "en", "ar"):
        with translation.override(language):
            for code in codes:
                names[code][language] = str(countries.name(code))
    return names


def country_entries() -> list[GazetteerEntry]:
    """One LOC entry per ISO 3166 country django-countries knows (needs Django settings)."""
    names = _country_names()
    # "Bahamas (The)" → "Bahamas", "السعودية (المملكة العربية)" → "السعودية"; a bracket that
    # is what tells two countries apart ("Saint-Martin (Antilles françaises)") stays.
    stripped: dict[str, list[str]] = {}
    owners: dict[str, set[str]] = {}
    for code, by_language in names.items():
        stripped[code] = []
        for name in by_language.values():
            if "(" in name:
                short = _BRACKETED.sub(" ", name).strip()
                if short:
                    stripped[code].append(short)
                    owners.setdefault(normalize_alias(short), set()).add(code)
    entries = []
    for code, by_language in names.items():
        library_fr = by_language["fr"]
        name = COUNTRY_NAME_OVERRIDES.get(code, library_fr)
        aliases = [
            library_fr,
            by_language["en"],
            by_language["ar"],
            *(short for short in stripped[code] if owners[normalize_alias(short)] == {code}),
            *COUNTRY_EXTRA_ALIASES.get(code, ()),
        ]
        entries.append(
            _loc(
                name, code, aliases, wikidata=COUNTRY_WIKIDATA.get(code, ""), key=slugify_key(name)
            )
        )
    return entries


# --------------------------------------------------------------------------------------------
# Demonyms
# --------------------------------------------------------------------------------------------

SUPRANATIONAL_CODES = frozenset({"EU"})

# (masculine singular, country code[, feminine singular[, masculine plural]]). The regular
# feminine is derived: -e stays, -en → -enne, otherwise + e; plurals add -s (-s/-x stay).
_DEMONYM_BASES: tuple[tuple[str, ...], ...] = (
    # Maghreb
    ("marocain", "MA"),
    ("algérien", "DZ"),
    ("tunisien", "TN"),
    ("libyen", "LY"),
    ("mauritanien", "MR"),
    ("sahraoui", "EH"),
    # Egypt, Sudan, Levant
    ("égyptien", "EG"),
    ("soudanais", "SD"),
    ("sud-soudanais", "SS"),
    ("libanais", "LB"),
    ("syrien", "SY"),
    ("jordanien", "JO"),
    ("irakien", "IQ"),
    ("palestinien", "PS"),
    ("gazaoui", "PS"),
    ("cisjordanien", "PS"),
    ("israélien", "IL"),
    # Gulf and Arabian Peninsula
    ("saoudien", "SA"),
    ("émirati", "AE"),
    ("émirien", "AE"),
    ("qatari", "QA"),
    ("qatarien", "QA"),
    ("koweïtien", "KW"),
    ("bahreïni", "BH"),
    ("bahreïnien", "BH"),
    ("omanais", "OM"),
    ("yéménite", "YE"),
    # Iran, Turkey and the neighbours our copy often names
    ("iranien", "IR"),
    ("turc", "TR", "turque"),
    ("chypriote", "CY"),
    ("cypriote", "CY"),
    ("grec", "GR", "grecque"),
    ("arménien", "AM"),
    ("azerbaïdjanais", "AZ"),
    ("azéri", "AZ"),
    ("afghan", "AF"),
    ("pakistanais", "PK"),
    ("tchadien", "TD"),
    ("malien", "ML"),
    ("nigérien", "NE"),
    ("éthiopien", "ET"),
    ("érythréen", "ER"),
    ("somalien", "SO"),
    ("djiboutien", "DJ"),
    # Russia, Belarus, Ukraine and the powers
    ("russe", "RU"),
    ("biélorusse", "BY"),
    ("bélarusse", "BY"),
    ("ukrainien", "UA"),
    ("américain", "US"),
    ("états-unien", "US"),
    ("afro-américain", "US"),
    ("français", "FR"),
    ("britannique", "GB"),
    ("anglais", "GB"),
    ("allemand", "DE"),
    ("italien", "IT"),
    ("espagnol", "ES"),
    ("belge", "BE"),
    ("néerlandais", "NL"),
    ("polonais", "PL"),
    ("canadien", "CA"),
    ("chinois", "CN"),
    ("japonais", "JP"),
    ("nord-coréen", "KP"),
    ("sud-coréen", "KR"),
    ("sud-africain", "ZA"),
    # Inhabitants of capitals, used for their country ("les Moscovites", "un Cairote")
    ("moscovite", "RU"),
    ("kiévien", "UA"),
    ("parisien", "FR"),
    ("londonien", "GB"),
    ("berlinois", "DE"),
    ("bruxellois", "BE"),
    ("genevois", "CH"),
    ("new-yorkais", "US"),
    ("cairote", "EG"),
    ("beyrouthin", "LB"),
    ("damascène", "SY"),
    ("algérois", "DZ"),
    ("tunisois", "TN"),
    ("téhéranais", "IR"),
    ("stambouliote", "TR"),
    # The European Union (ISO 3166-1 exceptionally reserved code "EU"); not a country
    ("européen", "EU"),
    # Demonyms of no single country: known as demonyms, never counted for a country
    ("arabe", ""),
    ("kurde", ""),
    ("berbère", ""),
    ("amazigh", ""),
    ("druze", ""),
    ("maghrébin", ""),
    ("africain", ""),
    ("nord-africain", ""),
    ("occidental", "", "occidentale", "occidentaux"),
    ("coréen", ""),
    ("nord-américain", ""),
    ("sud-américain", ""),
    ("latino-américain", ""),
)


def _inflections(masculine: str, feminine: str = "", masculine_plural: str = "") -> list[str]:
    if not feminine:
        if masculine.endswith("e"):
            feminine = masculine
        elif masculine.endswith("en"):
            feminine = masculine + "ne"
        else:
            feminine = masculine + "e"
    if not masculine_plural:
        masculine_plural = masculine if masculine.endswith(("s", "x")) else masculine + "s"
    return list(dict.fromkeys((masculine, feminine, masculine_plural, feminine + "s")))


def _build_demonyms() -> dict[str, str]:
    demonyms: dict[str, str] = {}
    for masculine, code, *irregular in _DEMONYM_BASES:
        for form in _inflections(masculine, *irregular):
            demonyms[form] = code
    return demonyms


DEMONYMS: dict[str, str] = _build_demonyms()

# First halves of compound adjectives: "israélo-palestinien" names Israel and Palestine.
DEMONYM_PREFIXES: dict[str, str] = {
    "algéro": "DZ",
    "américano": "US",
    "égypto": "EG",
    "franco": "FR",
    "germano": "DE",
    "irako": "IQ",
    "irano": "IR",
    "israélo": "IL",
    "italo": "IT",
    "libano": "LB",
    "maroco": "MA",
    "russo": "RU",
    "saoudo": "SA",
    "sino": "CN",
    "syro": "SY",
    "tuniso": "TN",
    "turco": "TR",
}

_FOLDED_DEMONYMS = {strip_accents(form).lower(): code for form, code in DEMONYMS.items()}


def demonym_country(word: str) -> str | None:
    """The code a demonym points at ("Ukrainiens" → "UA", "Européens" → "EU", "Kurdes" → "");
    None when `word` is not a demonym. Case and accents do not matter."""
    return _FOLDED_DEMONYMS.get(strip_accents(word.strip()).lower())


def demonym_forms() -> set[str]:
    """Every demonym as written in copy: the adjectives and the capitalised nouns
    ("ukrainiens", "Ukrainiens", "sud-soudanais", "Sud-Soudanais")."""
    forms = set()
    for form in DEMONYMS:
        forms.add(form)
        forms.add("-".join(part[:1].upper() + part[1:] for part in form.split("-")))
    return forms


# --------------------------------------------------------------------------------------------
# Places: capitals and main cities
# --------------------------------------------------------------------------------------------

PLACES: tuple[GazetteerEntry, ...] = (
    # Egypt
    _loc("Le Caire", "EG", ("Caire", "Cairo", "القاهرة"), wikidata="Q85"),
    _loc("Alexandrie", "EG", ("Alexandria", "الإسكندرية")),
    _loc("Charm el-Cheikh", "EG", ("Sharm el-Sheikh", "شرم الشيخ")),
    # Maghreb
    _loc("Tunis", "TN", ("تونس العاصمة",), wikidata="Q3572"),
    _loc("Sfax", "TN", ("صفاقس",)),
    _loc("Sousse", "TN", ("سوسة",)),
    _loc("Alger", "DZ", ("Algiers", "الجزائر العاصمة")),
    _loc("Oran", "DZ", ("وهران",)),
    _loc("Constantine", "DZ", ("قسنطينة",)),
    _loc("Rabat", "MA", ("الرباط",)),
    _loc("Casablanca", "MA", ("الدار البيضاء",)),
    _loc("Marrakech", "MA", ("Marrakesh", "مراكش")),
    _loc("Tanger", "MA", ("Tangier", "طنجة")),
    _loc("Fès", "MA", ("Fez", "فاس")),
    _loc("Nouakchott", "MR", ("نواكشوط",)),
    _loc("Tripoli", "LY", ("طرابلس",), key="tripoli"),
    _loc("Benghazi", "LY", ("بنغازي",)),
    _loc("Misrata", "LY", ("Misurata", "مصراتة")),
    _loc("Syrte", "LY", ("Sirte", "سرت")),
    # Sudan
    _loc("Khartoum", "SD", ("الخرطوم",)),
    _loc("Omdourman", "SD", ("Omdurman", "أم درمان")),
    _loc("Port-Soudan", "SD", ("Port Sudan", "بورتسودان")),
    _loc("El-Facher", "SD", ("El Fasher", "Al-Fashir", "الفاشر")),
    # Levant
    _loc("Beyrouth", "LB", ("Beirut", "بيروت")),
    _loc("Tripoli", "LB", ("طرابلس",), key="tripoli-liban"),
    _loc("Damas", "SY", ("Damascus", "دمشق")),
    _loc("Alep", "SY", ("Aleppo", "حلب")),
    _loc("Homs", "SY", ("حمص",)),
    _loc("Idleb", "SY", ("Idlib", "إدلب")),
    _loc("Lattaquié", "SY", ("Latakia", "اللاذقية")),
    _loc("Amman", "JO", ("عمّان",)),
    _loc("Bagdad", "IQ", ("Baghdad", "بغداد")),
    _loc("Mossoul", "IQ", ("Mosul", "الموصل")),
    _loc("Bassora", "IQ", ("Basra", "البصرة")),
    _loc("Erbil", "IQ", ("Arbil", "أربيل")),
    _loc("Kirkouk", "IQ", ("Kirkuk", "كركوك")),
    # Israel and the Palestinian territories. Jerusalem's status is disputed (Israel holds it
    # as its capital; the Palestinians claim its eastern part): no country, by design.
    _loc("Jérusalem", "", ("Jerusalem", "القدس")),
    _loc("Tel-Aviv", "IL", ("Tel Aviv", "تل أبيب")),
    _loc("Haïfa", "IL", ("Haifa", "حيفا")),
    _loc("Gaza", "PS", ("Gaza City", "Gaza-ville", "ville de Gaza", "مدينة غزة")),
    _loc("Bande de Gaza", "PS", ("Gaza Strip", "قطاع غزة")),
    _loc("Cisjordanie", "PS", ("West Bank", "الضفة الغربية")),
    _loc("Ramallah", "PS", ("رام الله",)),
    _loc("Naplouse", "PS", ("Nablus", "نابلس")),
    _loc("Hébron", "PS", ("Hebron", "الخليل")),
    _loc("Jénine", "PS", ("Jenin", "جنين")),
    _loc("Rafah", "PS", ("رفح",)),
    _loc("Khan Younès", "PS", ("Khan Younis", "خان يونس")),
    # Gulf, Arabian Peninsula
    _loc("Riyad", "SA", ("Riyadh", "الرياض")),
    _loc("Djeddah", "SA", ("Jeddah", "جدة")),
    _loc("La Mecque", "SA", ("Mecca", "Makkah", "مكة", "مكة المكرمة")),
    _loc("Médine", "SA", ("Medina", "المدينة المنورة")),
    _loc("Abou Dhabi", "AE", ("Abu Dhabi", "أبوظبي", "أبو ظبي")),
    _loc("Dubaï", "AE", ("Dubai", "دبي")),
    _loc("Doha", "QA", ("الدوحة",)),
    _loc("Manama", "BH", ("المنامة",)),
    _loc("Mascate", "OM", ("Muscat", "مسقط")),
    _loc("Koweït City", "KW", ("Koweït-Ville", "Kuwait City", "مدينة الكويت")),
    _loc("Sanaa", "YE", ("Sana'a", "صنعاء")),
    _loc("Aden", "YE", ("عدن",)),
    _loc("Hodeïda", "YE", ("Hodeidah", "الحديدة")),
    # Iran, Turkey, Cyprus
    _loc("Téhéran", "IR", ("Tehran", "طهران")),
    _loc("Ispahan", "IR", ("Isfahan", "أصفهان")),
    _loc("Machhad", "IR", ("Mashhad", "مشهد")),
    _loc("Ankara", "TR", ("أنقرة",)),
    _loc("Istanbul", "TR", ("إسطنبول", "اسطنبول"), wikidata="Q406"),
    _loc("Nicosie", "CY", ("Nicosia", "نيقوسيا")),
    # Russia, Belarus, Ukraine
    _loc("Moscou", "RU", ("Moscow", "موسكو"), wikidata="Q649"),
    _loc("Saint-Pétersbourg", "RU", ("Saint Petersburg", "سانت بطرسبرغ")),
    _loc("Minsk", "BY", ("مينسك",)),
    _loc("Kiev", "UA", ("Kyiv", "Kyïv", "كييف")),
    # Europe, America, Asia
    _loc("Paris", "FR", ("باريس",), wikidata="Q90"),
    _loc("Londres", "GB", ("London", "لندن"), wikidata="Q84"),
    _loc("Berlin", "DE", ("برلين",), wikidata="Q64"),
    _loc("Rome", "IT", ("Roma", "روما"), wikidata="Q220"),
    _loc("Bruxelles", "BE", ("Brussels", "بروكسل")),
    _loc("Genève", "CH", ("Geneva", "جنيف")),
    _loc("Vienne", "AT", ("Vienna", "Wien", "فيينا")),
    _loc("Washington", "US", ("Washington D.C.", "واشنطن"), wikidata="Q61"),
    _loc("New York", "US", ("New York City", "نيويورك"), wikidata="Q60"),
    _loc("Pékin", "CN", ("Beijing", "بكين"), wikidata="Q956"),
)


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------

PEOPLE: tuple[GazetteerEntry, ...] = (
    # Russia
    _per(
        "Vladimir Poutine",
        "RU",
        "président de la Russie",
        ("Poutine", "Putin", "Vladimir Putin", "بوتين", "فلاديمير بوتين"),
        wikidata="Q7747",
    ),
    _per(
        "Dmitri Peskov",
        "RU",
        "porte-parole du Kremlin",
        ("Peskov", "Dmitry Peskov", "بيسكوف", "دميتري بيسكوف"),
    ),
    _per(
        "Sergueï Choïgou",
        "RU",
        "ministre russe de la Défense",
        ("Choïgou", "Sergei Shoigu", "Sergey Shoigu", "Shoigu", "شويغو", "سيرغي شويغو"),
    ),
    _per(
        "Sergueï Lavrov",
        "RU",
        "ministre russe des Affaires étrangères",
        ("Lavrov", "Sergei Lavrov", "Sergey Lavrov", "لافروف", "سيرغي لافروف"),
    ),
    _per(
        "Dmitri Medvedev",
        "RU",
        "président puis Premier ministre de la Russie",
        ("Medvedev", "Dmitry Medvedev", "ميدفيديف", "دميتري ميدفيديف"),
    ),
    _per(
        "Mikhaïl Michoustine",
        "RU",
        "Premier ministre de la Russie",
        ("Michoustine", "Mikhail Mishustin", "Mishustin", "ميشوستين", "ميخائيل ميشوستين"),
    ),
    _per(
        "Maria Zakharova",
        "RU",
        "porte-parole du ministère russe des Affaires étrangères",
        ("Zakharova", "زاخاروفا", "ماريا زاخاروفا"),
    ),
    _per(
        "Andreï Belooussov",
        "RU",
        "ministre russe de la Défense",
        ("Belooussov", "Andrei Belousov", "Andrey Belousov", "Belousov", "أندريه بيلوسوف"),
    ),
    # Belarus
    _per(
        "Alexandre Loukachenko",
        "BY",
        "président de la Biélorussie",
        (
            "Loukachenko",
            "Alexander Lukashenko",
            "Aliaksandr Lukashenka",
            "Lukashenko",
            "Lukashenka",
            "لوكاشينكو",
            "ألكسندر لوكاشينكو",
        ),
    ),
    # Ukraine
    _per(
        "Volodymyr Zelensky",
        "UA",
        "président de l'Ukraine",
        (
            "Zelensky",
            "Zelenski",
            "Volodymyr Zelenskyy",
            "Zelenskyy",
            "زيلينسكي",
            "فولوديمير زيلينسكي",
        ),
        wikidata="Q3874799",
    ),
    _per(
        "Petro Porochenko",
        "UA",
        "président de l'Ukraine",
        ("Porochenko", "Petro Poroshenko", "Poroshenko", "بوروشينكو", "بيترو بوروشينكو"),
    ),
    _per(
        "Denys Chmyhal",
        "UA",
        "Premier ministre de l'Ukraine",
        ("Chmyhal", "Denys Shmyhal", "Shmyhal", "شميهال", "دينيس شميهال"),
    ),
    _per(
        "Dmytro Kouleba",
        "UA",
        "ministre ukrainien des Affaires étrangères",
        ("Kouleba", "Dmytro Kuleba", "Kuleba", "كوليبا", "دميترو كوليبا"),
    ),
    _per(
        "Anton Gerashchenko",
        "UA",
        "conseiller du ministre ukrainien de l'Intérieur",
        ("Anton Herashchenko", "Anton Guerachtchenko", "Gerashchenko", "Herashchenko"),
    ),
    # United States
    _per(
        "Donald Trump",
        "US",
        "président des États-Unis",
        ("Trump", "دونالد ترامب", "ترامب"),
        wikidata="Q22686",
    ),
    _per(
        "Joe Biden",
        "US",
        "président des États-Unis",
        ("Biden", "جو بايدن", "بايدن"),
        wikidata="Q6279",
    ),
    _per(
        "Barack Obama",
        "US",
        "président des États-Unis",
        ("Obama", "باراك أوباما", "أوباما"),
        wikidata="Q76",
    ),
    _per(
        "Kamala Harris",
        "US",
        "vice-présidente des États-Unis",
        ("كامالا هاريس",),
    ),
    _per("JD Vance", "US", "vice-président des États-Unis", ("J. D. Vance", "جي دي فانس")),
    _per(
        "John Kerry",
        "US",
        "secrétaire d'État des États-Unis",
        ("جون كيري",),
    ),
    _per(
        "Rex Tillerson",
        "US",
        "secrétaire d'État des États-Unis",
        ("Tillerson", "ريكس تيلرسون"),
    ),
    _per(
        "Mike Pompeo",
        "US",
        "secrétaire d'État des États-Unis",
        ("Pompeo", "مايك بومبيو", "بومبيو"),
    ),
    _per(
        "Antony Blinken",
        "US",
        "secrétaire d'État des États-Unis",
        ("Blinken", "أنتوني بلينكن", "بلينكن"),
    ),
    _per(
        "Marco Rubio",
        "US",
        "secrétaire d'État des États-Unis",
        ("Rubio", "ماركو روبيو", "روبيو"),
    ),
    # France
    _per(
        "Emmanuel Macron",
        "FR",
        "président de la République française",
        ("Macron", "إيمانويل ماكرون", "ماكرون"),
        wikidata="Q3052772",
    ),
    _per(
        "François Hollande",
        "FR",
        "président de la République française",
        ("فرانسوا هولاند",),
    ),
    _per(
        "Élisabeth Borne",
        "FR",
        "Première ministre de la France",
        ("إليزابيث بورن",),
    ),
    _per("Gabriel Attal", "FR", "Premier ministre de la France", ("غابرييل أتال",)),
    _per("Michel Barnier", "FR", "Premier ministre de la France", ("Barnier", "ميشيل بارنييه")),
    _per("François Bayrou", "FR", "Premier ministre de la France", ("Bayrou", "فرانسوا بايرو")),
    _per(
        "Sébastien Lecornu",
        "FR",
        "ministre des Armées",
        ("Lecornu", "سيباستيان لوكورنو"),
    ),
    _per(
        "Laurent Fabius",
        "FR",
        "ministre des Affaires étrangères de la France",
        ("Fabius", "لوران فابيوس"),
    ),
    _per(
        "Jean-Yves Le Drian",
        "FR",
        "ministre des Affaires étrangères de la France",
        ("Le Drian", "جان إيف لودريان", "لودريان"),
    ),
    _per(
        "Catherine Colonna",
        "FR",
        "ministre de l'Europe et des Affaires étrangères",
        ("كاترين كولونا",),
    ),
    _per(
        "Stéphane Séjourné",
        "FR",
        "ministre de l'Europe et des Affaires étrangères",
        ("Séjourné", "ستيفان سيجورنيه"),
    ),
    _per(
        "Jean-Noël Barrot",
        "FR",
        "ministre de l'Europe et des Affaires étrangères",
        ("جان نويل بارو",),
    ),
    # United Kingdom
    _per(
        "David Cameron",
        "GB",
        "Premier ministre du Royaume-Uni, puis ministre des Affaires étrangères",
        ("ديفيد كاميرون",),
        wikidata="Q192",
    ),
    _per(
        "Theresa May",
        "GB",
        "Première ministre du Royaume-Uni",
        ("تيريزا ماي",),
        wikidata="Q264766",
    ),
    _per(
        "Boris Johnson",
        "GB",
        "Premier ministre du Royaume-Uni",
        ("بوريس جونسون",),
        wikidata="Q180589",
    ),
    _per("Liz Truss", "GB", "Première ministre du Royaume-Uni", ("ليز تراس",)),
    _per("Rishi Sunak", "GB", "Premier ministre du Royaume-Uni", ("Sunak", "ريشي سوناك")),
    _per("Keir Starmer", "GB", "Premier ministre du Royaume-Uni", ("Starmer", "كير ستارمر")),
    _per(
        "David Lammy",
        "GB",
        "ministre britannique des Affaires étrangères",
        ("Lammy", "ديفيد لامي"),
    ),
    _per("Charles III", "GB", "roi du Royaume-Uni", ("King Charles III", "تشارلز الثالث")),
    # Germany, Italy
    _per(
        "Angela Merkel",
        "DE",
        "chancelière fédérale d'Allemagne",
        ("Merkel", "أنجيلا ميركل", "ميركل"),
        wikidata="Q567",
    ),
    _per(
        "Olaf Scholz",
        "DE",
        "chancelier fédéral d'Allemagne",
        ("Scholz", "أولاف شولتس"),
        wikidata="Q61053",
    ),
    _per("Friedrich Merz", "DE", "chancelier fédéral d'Allemagne", ("Merz", "فريدريش ميرتس")),
    _per(
        "Annalena Baerbock",
        "DE",
        "ministre allemande des Affaires étrangères",
        ("Baerbock", "أنالينا بيربوك"),
    ),
    _per(
        "Giorgia Meloni",
        "IT",
        "présidente du Conseil des ministres d'Italie",
        ("Meloni", "جورجيا ميلوني"),
    ),
    # China
    _per(
        "Xi Jinping",
        "CN",
        "président de la République populaire de Chine",
        ("شي جين بينغ",),
        wikidata="Q15031",
    ),
    _per("Li Qiang", "CN", "Premier ministre de la Chine", ("لي تشيانغ",)),
    _per("Wang Yi", "CN", "ministre chinois des Affaires étrangères", ("وانغ يي",)),
    # United Nations, European Union, NATO: officials act for the organisation, so no country
    _per(
        "António Guterres",
        "",
        "secrétaire général de l'ONU",
        ("Antonio Guterres", "Guterres", "أنطونيو غوتيريش", "غوتيريش"),
        wikidata="Q311440",
    ),
    _per("Ban Ki-moon", "", "secrétaire général de l'ONU", ("بان كي مون",)),
    _per(
        "Ursula von der Leyen",
        "",
        "présidente de la Commission européenne",
        ("von der Leyen", "أورسولا فون دير لاين"),
        wikidata="Q60772",
    ),
    _per(
        "Charles Michel",
        "",
        "président du Conseil européen",
        ("شارل ميشال",),
    ),
    _per("António Costa", "", "président du Conseil européen", ("Antonio Costa",)),
    _per(
        "Josep Borrell",
        "",
        "haut représentant de l'UE pour les affaires étrangères",
        ("Borrell", "جوزيب بوريل"),
    ),
    _per(
        "Kaja Kallas",
        "",
        "haute représentante de l'UE pour les affaires étrangères",
        ("كايا كالاس",),
    ),
    _per(
        "Federica Mogherini",
        "",
        "haute représentante de l'UE pour les affaires étrangères",
        ("Mogherini", "فيديريكا موغيريني"),
    ),
    _per(
        "Jens Stoltenberg",
        "",
        "secrétaire général de l'OTAN",
        ("Stoltenberg", "ينس ستولتنبرغ"),
    ),
    _per("Mark Rutte", "", "secrétaire général de l'OTAN", ("Rutte", "مارك روته")),
    # Egypt
    _per(
        "Abdel Fattah al-Sissi",
        "EG",
        "président de l'Égypte",
        (
            "Sissi",
            "al-Sissi",
            "Abdel Fattah Al-Sissi",
            "Abdel Fattah el-Sissi",
            "Abdel Fattah el-Sisi",
            "Abdel Fattah al-Sisi",
            "Sisi",
            "عبد الفتاح السيسي",
            "السيسي",
        ),
    ),
    _per(
        "Mohamed Morsi",
        "EG",
        "président de l'Égypte",
        ("Morsi", "Mohamed Morsy", "محمد مرسي"),
    ),
    _per(
        "Moustafa Madbouli",
        "EG",
        "Premier ministre de l'Égypte",
        ("Madbouli", "Mostafa Madbouly", "Madbouly", "مصطفى مدبولي"),
    ),
    _per(
        "Sameh Choukri",
        "EG",
        "ministre égyptien des Affaires étrangères",
        ("Choukri", "Sameh Shoukry", "Shoukry", "سامح شكري"),
    ),
    _per(
        "Badr Abdelatty",
        "EG",
        "ministre égyptien des Affaires étrangères",
        ("Badr Abdel Ati", "Abdelatty", "بدر عبد العاطي"),
    ),
    # Libya
    _per(
        "Fayez al-Sarraj",
        "LY",
        "chef du gouvernement d'union nationale libyen",
        ("Fayez el-Sarraj", "Sarraj", "فايز السراج"),
    ),
    _per(
        "Abdelhamid Dbeibah",
        "LY",
        "Premier ministre du gouvernement d'unité nationale libyen",
        ("Abdel Hamid Dbeibah", "Abdul Hamid Dbeibah", "Dbeibah", "عبد الحميد الدبيبة"),
    ),
    _per(
        "Mohamed el-Menfi",
        "LY",
        "président du Conseil présidentiel libyen",
        ("Mohamed al-Menfi", "Menfi", "محمد المنفي"),
    ),
    _per(
        "Khalifa Haftar",
        "LY",
        "maréchal, commandant de l'Armée nationale libyenne",
        ("Haftar", "Hafter", "خليفة حفتر", "حفتر"),
    ),
    # Tunisia
    _per(
        "Kaïs Saïed",
        "TN",
        "président de la Tunisie",
        ("Saïed", "Kais Saied", "قيس سعيد"),
    ),
    _per(
        "Béji Caïd Essebsi",
        "TN",
        "président de la Tunisie",
        ("Essebsi", "Beji Caid Essebsi", "الباجي قائد السبسي"),
    ),
    _per(
        "Youssef Chahed",
        "TN",
        "chef du gouvernement tunisien",
        ("Chahed", "يوسف الشاهد"),
    ),
    _per(
        "Hichem Mechichi",
        "TN",
        "chef du gouvernement tunisien",
        ("Mechichi", "هشام المشيشي"),
    ),
    _per(
        "Najla Bouden",
        "TN",
        "cheffe du gouvernement tunisien",
        ("Najla Bouden Romdhane", "نجلاء بودن"),
    ),
    _per(
        "Othman Jerandi",
        "TN",
        "ministre tunisien des Affaires étrangères",
        ("Jerandi", "عثمان الجرندي"),
    ),
    # Algeria
    _per(
        "Abdelmadjid Tebboune",
        "DZ",
        "président de l'Algérie",
        ("Tebboune", "عبد المجيد تبون", "تبون"),
    ),
    _per(
        "Abdelaziz Bouteflika",
        "DZ",
        "président de l'Algérie",
        ("Bouteflika", "عبد العزيز بوتفليقة"),
    ),
    _per(
        "Aïmene Benabderrahmane",
        "DZ",
        "Premier ministre de l'Algérie",
        ("Benabderrahmane", "أيمن بن عبد الرحمان"),
    ),
    _per(
        "Ramtane Lamamra",
        "DZ",
        "ministre algérien des Affaires étrangères",
        ("Lamamra", "رمطان لعمامرة"),
    ),
    _per(
        "Ahmed Attaf",
        "DZ",
        "ministre algérien des Affaires étrangères",
        ("Attaf", "أحمد عطاف"),
    ),
    # Morocco, Mauritania
    _per(
        "Mohammed VI",
        "MA",
        "roi du Maroc",
        ("Mohamed VI", "roi Mohammed VI", "محمد السادس"),
    ),
    _per(
        "Abdelilah Benkirane",
        "MA",
        "chef du gouvernement marocain",
        ("Benkirane", "عبد الإله بنكيران"),
    ),
    _per(
        "Saadeddine El Othmani",
        "MA",
        "chef du gouvernement marocain",
        ("Saâdeddine El Othmani", "El Othmani", "سعد الدين العثماني"),
    ),
    _per(
        "Aziz Akhannouch",
        "MA",
        "chef du gouvernement marocain",
        ("Akhannouch", "عزيز أخنوش"),
    ),
    _per(
        "Nasser Bourita",
        "MA",
        "ministre marocain des Affaires étrangères",
        ("Bourita", "ناصر بوريطة"),
    ),
    _per(
        "Mohamed Ould Abdel Aziz",
        "MR",
        "président de la Mauritanie",
        ("محمد ولد عبد العزيز",),
    ),
    _per(
        "Mohamed Ould Ghazouani",
        "MR",
        "président de la Mauritanie",
        ("Mohamed Ould Cheikh El Ghazouani", "Ghazouani", "محمد ولد الشيخ الغزواني"),
    ),
    # Sudan
    _per(
        "Omar el-Béchir",
        "SD",
        "président du Soudan",
        ("Omar al-Bachir", "Omar al-Bashir", "Béchir", "عمر البشير"),
    ),
    _per(
        "Abdel Fattah al-Burhane",
        "SD",
        "chef de l'armée soudanaise, président du Conseil de souveraineté",
        (
            "Abdel Fattah Al-Bourhane",
            "Abdel Fattah al-Burhan",
            "Burhane",
            "Bourhane",
            "Burhan",
            "عبد الفتاح البرهان",
            "البرهان",
        ),
    ),
    _per(
        "Mohamed Hamdan Daglo",
        "SD",
        "commandant des Forces de soutien rapide",
        ("Hemedti", "Hemetti", "Mohamed Hamdan Dagalo", "محمد حمدان دقلو", "حميدتي"),
    ),
    _per(
        "Abdallah Hamdok",
        "SD",
        "Premier ministre du Soudan",
        ("Abdalla Hamdok", "Hamdok", "عبد الله حمدوك"),
    ),
    # Syria
    _per(
        "Bachar al-Assad",
        "SY",
        "président de la Syrie",
        (
            "Bachar el-Assad",
            "Bashar al-Assad",
            "Bachar Al-Assad",
            "Assad",
            "بشار الأسد",
        ),
        wikidata="Q44329",
    ),
    _per(
        "Ahmed al-Charaa",
        "SY",
        "président syrien de transition, ancien chef de Hayat Tahrir al-Cham",
        (
            "Ahmed al-Sharaa",
            "al-Charaa",
            "Abou Mohammed al-Joulani",
            "Abu Mohammad al-Jolani",
            "Joulani",
            "Jolani",
            "أحمد الشرع",
            "أبو محمد الجولاني",
        ),
    ),
    _per(
        "Walid Mouallem",
        "SY",
        "ministre syrien des Affaires étrangères",
        ("Walid al-Moallem", "Walid al-Mouallem", "وليد المعلم"),
    ),
    _per(
        "Fayçal Mekdad",
        "SY",
        "ministre syrien des Affaires étrangères",
        ("Faisal Mekdad", "Mekdad", "فيصل المقداد"),
    ),
    _per(
        "Assaad al-Chaibani",
        "SY",
        "ministre syrien des Affaires étrangères",
        ("Asaad al-Shaibani", "Chaibani", "أسعد الشيباني"),
    ),
    # Lebanon ("Aoun" alone is no alias: two presidents bear the name)
    _per("Michel Aoun", "LB", "président du Liban", ("ميشال عون",)),
    _per(
        "Joseph Aoun",
        "LB",
        "président du Liban, ancien commandant en chef de l'armée libanaise",
        ("جوزاف عون",),
    ),
    _per("Saad Hariri", "LB", "Premier ministre du Liban", ("سعد الحريري",)),
    _per("Najib Mikati", "LB", "Premier ministre du Liban", ("Mikati", "نجيب ميقاتي")),
    _per("Nawaf Salam", "LB", "Premier ministre du Liban", ("نواف سلام",)),
    _per(
        "Nabih Berri",
        "LB",
        "président du Parlement libanais",
        ("Berri", "نبيه بري"),
    ),
    _per(
        "Hassan Nasrallah",
        "LB",
        "secrétaire général du Hezbollah",
        ("Nasrallah", "حسن نصر الله"),
    ),
    _per(
        "Naïm Qassem",
        "LB",
        "secrétaire général du Hezbollah",
        ("Naim Qassem", "نعيم قاسم"),
    ),
    # Jordan
    _per(
        "Abdallah II",
        "JO",
        "roi de Jordanie",
        ("Abdullah II", "roi Abdallah II", "عبد الله الثاني"),
    ),
    _per(
        "Ayman Safadi",
        "JO",
        "ministre jordanien des Affaires étrangères",
        ("Safadi", "أيمن الصفدي"),
    ),
    # Iraq
    _per(
        "Haïder al-Abadi",
        "IQ",
        "Premier ministre de l'Irak",
        ("Haider al-Abadi", "حيدر العبادي"),
    ),
    _per(
        "Moustafa al-Kazimi",
        "IQ",
        "Premier ministre de l'Irak",
        ("Mustafa al-Kadhimi", "Kazimi", "Kadhimi", "مصطفى الكاظمي"),
    ),
    _per(
        "Mohammed Chia al-Soudani",
        "IQ",
        "Premier ministre de l'Irak",
        ("Mohammed Shia al-Sudani", "Soudani", "محمد شياع السوداني"),
    ),
    _per("Barham Saleh", "IQ", "président de l'Irak", ("برهم صالح",)),
    _per(
        "Abdel Latif Rachid",
        "IQ",
        "président de l'Irak",
        ("Abdul Latif Rashid", "عبد اللطيف رشيد"),
    ),
    _per(
        "Fouad Hussein",
        "IQ",
        "ministre irakien des Affaires étrangères",
        ("Fuad Hussein", "فؤاد حسين"),
    ),
    # Iran
    _per(
        "Ali Khamenei",
        "IR",
        "guide suprême de l'Iran",
        ("Khamenei", "ayatollah Ali Khamenei", "علي خامنئي", "خامنئي"),
    ),
    _per(
        "Hassan Rohani",
        "IR",
        "président de l'Iran",
        ("Rohani", "Hassan Rouhani", "Rouhani", "حسن روحاني"),
    ),
    _per(
        "Ebrahim Raïssi",
        "IR",
        "président de l'Iran",
        ("Raïssi", "Ebrahim Raisi", "Raisi", "إبراهيم رئيسي"),
    ),
    _per(
        "Massoud Pezeshkian",
        "IR",
        "président de l'Iran",
        ("Pezeshkian", "Masoud Pezeshkian", "مسعود بزشكيان"),
    ),
    _per(
        "Mohammad Javad Zarif",
        "IR",
        "ministre iranien des Affaires étrangères",
        ("Zarif", "محمد جواد ظريف"),
    ),
    _per(
        "Hossein Amir-Abdollahian",
        "IR",
        "ministre iranien des Affaires étrangères",
        ("Amir-Abdollahian", "Hossein Amirabdollahian", "حسين أمير عبد اللهيان"),
    ),
    _per(
        "Abbas Araghchi",
        "IR",
        "ministre iranien des Affaires étrangères",
        ("Araghchi", "عباس عراقجي"),
    ),
    _per(
        "Qassem Soleimani",
        "IR",
        "commandant de la force Al-Qods des Gardiens de la révolution",
        ("Ghassem Soleimani", "Qasem Soleimani", "Soleimani", "قاسم سليماني"),
    ),
    # Turkey
    _per(
        "Recep Tayyip Erdogan",
        "TR",
        "président de la Turquie",
        ("Erdogan", "Erdoğan", "Recep Tayyip Erdoğan", "رجب طيب أردوغان", "أردوغان"),
        wikidata="Q39259",
    ),
    _per(
        "Mevlüt Çavusoglu",
        "TR",
        "ministre turc des Affaires étrangères",
        ("Mevlüt Çavuşoğlu", "Cavusoglu", "Çavuşoğlu", "مولود تشاووش أوغلو"),
    ),
    _per(
        "Hakan Fidan",
        "TR",
        "ministre turc des Affaires étrangères",
        ("Fidan", "هاكان فيدان"),
    ),
    # Israel
    _per(
        "Benyamin Nétanyahou",
        "IL",
        "Premier ministre d'Israël",
        (
            "Nétanyahou",
            "Netanyahou",
            "Benjamin Netanyahu",
            "Benyamin Netanyahou",
            "Netanyahu",
            "بنيامين نتنياهو",
            "نتنياهو",
        ),
        wikidata="Q43723",
    ),
    _per("Naftali Bennett", "IL", "Premier ministre d'Israël", ("نفتالي بينيت",)),
    _per(
        "Yaïr Lapid",
        "IL",
        "Premier ministre d'Israël",
        ("Yair Lapid", "Lapid", "يائير لابيد"),
    ),
    _per("Reuven Rivlin", "IL", "président de l'État d'Israël", ("Rivlin", "رؤوفين ريفلين")),
    _per("Isaac Herzog", "IL", "président de l'État d'Israël", ("Yitzhak Herzog", "إسحاق هرتسوغ")),
    _per(
        "Benny Gantz",
        "IL",
        "ministre israélien de la Défense",
        ("Gantz", "بيني غانتس"),
    ),
    _per(
        "Yoav Gallant",
        "IL",
        "ministre israélien de la Défense",
        ("Gallant", "يوآف غالانت"),
    ),
    _per(
        "Israël Katz",
        "IL",
        "ministre israélien des Affaires étrangères, puis de la Défense",
        ("Israel Katz", "يسرائيل كاتس"),
    ),
    _per(
        "Gideon Saar",
        "IL",
        "ministre israélien des Affaires étrangères",
        ("Gideon Sa'ar", "جدعون ساعر"),
    ),
    # Palestinians
    _per(
        "Mahmoud Abbas",
        "PS",
        "président de l'Autorité palestinienne",
        ("Abou Mazen", "Abu Mazen", "محمود عباس", "أبو مازن"),
        wikidata="Q127998",
    ),
    _per(
        "Mohammad Shtayyeh",
        "PS",
        "Premier ministre de l'Autorité palestinienne",
        ("Mohammed Shtayyeh", "Shtayyeh", "محمد اشتية"),
    ),
    _per(
        "Mohammad Mustafa",
        "PS",
        "Premier ministre de l'Autorité palestinienne",
        ("Mohammed Mustafa", "محمد مصطفى"),
    ),
    _per(
        "Riyad al-Maliki",
        "PS",
        "ministre palestinien des Affaires étrangères",
        ("Riad al-Maliki", "رياض المالكي"),
    ),
    _per(
        "Ismaïl Haniyeh",
        "PS",
        "chef du bureau politique du Hamas",
        ("Haniyeh", "Ismail Haniyeh", "إسماعيل هنية"),
    ),
    _per(
        "Yahya Sinouar",
        "PS",
        "chef du Hamas dans la bande de Gaza, puis chef du mouvement",
        ("Yahya Sinwar", "يحيى السنوار"),
    ),
    _per(
        "Khaled Mechaal",
        "PS",
        "chef du bureau politique du Hamas",
        ("Khaled Meshaal", "Mechaal", "خالد مشعل"),
    ),
    # Saudi Arabia
    _per(
        "Salmane ben Abdelaziz",
        "SA",
        "roi d'Arabie saoudite",
        ("roi Salmane", "Salman bin Abdulaziz", "King Salman", "سلمان بن عبد العزيز"),
    ),
    _per(
        "Mohammed ben Salmane",
        "SA",
        "prince héritier et Premier ministre d'Arabie saoudite",
        ("MBS", "Mohammed bin Salman", "Mohammed ben Salman", "محمد بن سلمان"),
    ),
    _per(
        "Adel al-Joubeir",
        "SA",
        "ministre saoudien des Affaires étrangères",
        ("Adel al-Jubeir", "Joubeir", "عادل الجبير"),
    ),
    _per(
        "Fayçal ben Farhane",
        "SA",
        "ministre saoudien des Affaires étrangères",
        ("Faisal bin Farhan", "فيصل بن فرحان"),
    ),
    # United Arab Emirates
    _per(
        "Khalifa ben Zayed",
        "AE",
        "président des Émirats arabes unis",
        ("Khalifa bin Zayed Al Nahyan", "خليفة بن زايد"),
    ),
    _per(
        "Mohammed ben Zayed",
        "AE",
        "président des Émirats arabes unis",
        ("MBZ", "Mohammed bin Zayed", "Mohamed bin Zayed", "محمد بن زايد"),
    ),
    _per(
        "Mohammed ben Rached Al Maktoum",
        "AE",
        "vice-président et Premier ministre des Émirats arabes unis, émir de Dubaï",
        ("Mohammed bin Rashid Al Maktoum", "محمد بن راشد آل مكتوم"),
    ),
    _per(
        "Abdallah ben Zayed",
        "AE",
        "ministre émirati des Affaires étrangères",
        ("Abdullah bin Zayed", "عبد الله بن زايد"),
    ),
    # Qatar
    _per(
        "Tamim ben Hamad Al Thani",
        "QA",
        "émir du Qatar",
        ("cheikh Tamim", "Tamim bin Hamad Al Thani", "تميم بن حمد آل ثاني"),
    ),
    _per(
        "Mohammed ben Abderrahmane Al Thani",
        "QA",
        "Premier ministre et ministre des Affaires étrangères du Qatar",
        ("Mohammed bin Abdulrahman Al Thani", "محمد بن عبد الرحمن آل ثاني"),
    ),
    # Kuwait, Bahrain, Oman
    _per(
        "Sabah al-Ahmad al-Jaber al-Sabah",
        "KW",
        "émir du Koweït",
        ("صباح الأحمد الجابر الصباح",),
    ),
    _per(
        "Nawaf al-Ahmad al-Jaber al-Sabah",
        "KW",
        "émir du Koweït",
        ("نواف الأحمد الجابر الصباح",),
    ),
    _per(
        "Mechaal al-Ahmad al-Jaber al-Sabah",
        "KW",
        "émir du Koweït",
        ("Mishal al-Ahmad al-Jaber al-Sabah", "مشعل الأحمد الجابر الصباح"),
    ),
    _per(
        "Hamad ben Issa Al Khalifa",
        "BH",
        "roi de Bahreïn",
        ("Hamad bin Isa Al Khalifa", "حمد بن عيسى آل خليفة"),
    ),
    _per(
        "Salmane ben Hamad Al Khalifa",
        "BH",
        "prince héritier et Premier ministre de Bahreïn",
        ("Salman bin Hamad Al Khalifa", "سلمان بن حمد آل خليفة"),
    ),
    _per(
        "Qabous ben Saïd",
        "OM",
        "sultan d'Oman",
        ("Qaboos bin Said", "قابوس بن سعيد"),
    ),
    _per(
        "Haïtham ben Tarek",
        "OM",
        "sultan d'Oman",
        ("Haitham bin Tariq", "هيثم بن طارق"),
    ),
    _per(
        "Badr al-Boussaïdi",
        "OM",
        "ministre omanais des Affaires étrangères",
        ("Badr Albusaidi", "بدر البوسعيدي"),
    ),
    # Yemen
    _per(
        "Abd Rabbo Mansour Hadi",
        "YE",
        "président du Yémen",
        ("Abdrabbuh Mansur Hadi", "عبد ربه منصور هادي"),
    ),
    _per(
        "Rachad al-Alimi",
        "YE",
        "président du Conseil présidentiel yéménite",
        ("Rashad al-Alimi", "رشاد العليمي"),
    ),
    _per(
        "Abdel Malek al-Houthi",
        "YE",
        "chef des Houthis",
        ("Abdul-Malik al-Houthi", "عبد الملك الحوثي"),
    ),
)


# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------

ORGANISATIONS: tuple[GazetteerEntry, ...] = (
    # International organisations
    _org(
        "ONU",
        "",
        "Organisation des Nations unies",
        (
            "Organisation des Nations unies",
            "Nations unies",
            "UN",
            "United Nations",
            "الأمم المتحدة",
        ),
        wikidata="Q1065",
    ),
    _org(
        "Conseil de sécurité des Nations unies",
        "",
        "organe de l'ONU chargé de la paix et de la sécurité",
        (
            "Conseil de sécurité de l'ONU",
            "Conseil de sécurité",
            "UN Security Council",
            "مجلس الأمن الدولي",
            "مجلس الأمن",
        ),
    ),
    _org(
        "Union européenne",
        "",
        "union politique et économique de pays européens",
        ("UE", "EU", "European Union", "الاتحاد الأوروبي"),
        wikidata="Q458",
    ),
    _org(
        "Commission européenne",
        "",
        "exécutif de l'Union européenne",
        ("European Commission", "المفوضية الأوروبية"),
    ),
    _org(
        "Parlement européen",
        "",
        "assemblée de l'Union européenne",
        ("European Parliament", "البرلمان الأوروبي"),
    ),
    _org(
        "OTAN",
        "",
        "alliance militaire de l'Atlantique Nord",
        (
            "Organisation du traité de l'Atlantique nord",
            "Alliance atlantique",
            "NATO",
            "حلف شمال الأطلسي",
            "الناتو",
        ),
        wikidata="Q7184",
    ),
    _org(
        "Ligue arabe",
        "",
        "organisation régionale des États arabes",
        ("Ligue des États arabes", "Arab League", "جامعة الدول العربية", "الجامعة العربية"),
    ),
    _org(
        "Union africaine",
        "",
        "organisation continentale africaine",
        ("UA", "African Union", "AU", "الاتحاد الأفريقي", "الاتحاد الإفريقي"),
        wikidata="Q7159",
    ),
    _org(
        "Conseil de coopération du Golfe",
        "",
        "organisation régionale des monarchies du Golfe",
        (
            "CCG",
            "GCC",
            "Gulf Cooperation Council",
            "مجلس التعاون الخليجي",
            "مجلس التعاون لدول الخليج العربية",
        ),
    ),
    _org(
        "OPEP",
        "",
        "organisation des pays exportateurs de pétrole",
        ("Organisation des pays exportateurs de pétrole", "OPEC", "أوبك"),
        wikidata="Q7795",
    ),
    _org(
        "AIEA",
        "",
        "agence de l'ONU pour l'énergie atomique",
        (
            "Agence internationale de l'énergie atomique",
            "IAEA",
            "International Atomic Energy Agency",
            "الوكالة الدولية للطاقة الذرية",
        ),
    ),
    _org(
        "FMI",
        "",
        "institution financière internationale",
        (
            "Fonds monétaire international",
            "IMF",
            "International Monetary Fund",
            "صندوق النقد الدولي",
        ),
    ),
    _org(
        "Banque mondiale",
        "",
        "institution financière internationale",
        ("World Bank", "البنك الدولي"),
        wikidata="Q7164",
    ),
    _org(
        "OMS",
        "",
        "agence de l'ONU pour la santé",
        (
            "Organisation mondiale de la santé",
            "WHO",
            "World Health Organization",
            "منظمة الصحة العالمية",
        ),
        wikidata="Q7817",
    ),
    _org(
        "UNRWA",
        "",
        "agence de l'ONU pour les réfugiés de Palestine",
        (
            "Office de secours et de travaux des Nations unies pour les réfugiés de Palestine "
            "dans le Proche-Orient",
            "الأونروا",
            "وكالة غوث وتشغيل اللاجئين الفلسطينيين",
        ),
    ),
    _org(
        "HCR",
        "",
        "agence de l'ONU pour les réfugiés",
        (
            "Haut-Commissariat des Nations unies pour les réfugiés",
            "UNHCR",
            "المفوضية السامية للأمم المتحدة لشؤون اللاجئين",
        ),
    ),
    _org(
        "PAM",
        "",
        "agence de l'ONU pour l'aide alimentaire",
        ("Programme alimentaire mondial", "WFP", "World Food Programme", "برنامج الأغذية العالمي"),
    ),
    _org(
        "Unicef",
        "",
        "agence de l'ONU pour l'enfance",
        ("UNICEF", "Fonds des Nations unies pour l'enfance", "يونيسف", "اليونيسف"),
    ),
    _org(
        "CPI",
        "",
        "juridiction pénale internationale",
        (
            "Cour pénale internationale",
            "ICC",
            "International Criminal Court",
            "المحكمة الجنائية الدولية",
        ),
    ),
    _org(
        "CIJ",
        "",
        "organe judiciaire de l'ONU",
        (
            "Cour internationale de justice",
            "ICJ",
            "International Court of Justice",
            "محكمة العدل الدولية",
        ),
    ),
    _org(
        "CICR",
        "",
        "organisation humanitaire",
        (
            "Comité international de la Croix-Rouge",
            "ICRC",
            "اللجنة الدولية للصليب الأحمر",
        ),
    ),
    # National Red Crescent societies carry their country's name; this is the movement.
    _org(
        "Croissant-Rouge",
        "",
        "sociétés humanitaires du mouvement de la Croix-Rouge et du Croissant-Rouge",
        ("Croissant Rouge", "Red Crescent", "الهلال الأحمر"),
    ),
    _org(
        "Amnesty International",
        "",
        "organisation de défense des droits humains",
        ("Amnesty", "منظمة العفو الدولية"),
    ),
    _org(
        "Human Rights Watch",
        "",
        "organisation de défense des droits humains",
        ("HRW", "هيومن رايتس ووتش"),
    ),
    _org(
        "Reporters sans frontières",
        "FR",
        "organisation de défense de la liberté de la presse",
        ("RSF", "Reporters Without Borders", "مراسلون بلا حدود"),
    ),
    # Movements and armed groups
    _org(
        "Hamas",
        "PS",
        "mouvement islamiste palestinien",
        (
            "Mouvement de la résistance islamique",
            "حماس",
            "حركة حماس",
            "حركة المقاومة الإسلامية",
        ),
    ),
    _org(
        "Jihad islamique palestinien",
        "PS",
        "mouvement armé islamiste palestinien",
        ("Jihad islamique", "Palestinian Islamic Jihad", "الجهاد الإسلامي"),
    ),
    _org("Fatah", "PS", "mouvement politique palestinien", ("Fath", "حركة فتح")),
    _org(
        "OLP",
        "PS",
        "Organisation de libération de la Palestine",
        ("Organisation de libération de la Palestine", "PLO", "منظمة التحرير الفلسطينية"),
    ),
    _org(
        "Autorité palestinienne",
        "PS",
        "gouvernement palestinien de Ramallah",
        ("Autorité nationale palestinienne", "Palestinian Authority", "السلطة الفلسطينية"),
    ),
    _org(
        "Hezbollah",
        "LB",
        "mouvement chiite libanais armé",
        ("Hizbollah", "Hizballah", "حزب الله"),
    ),
    _org(
        "Houthis",
        "YE",
        "mouvement rebelle yéménite",
        ("Ansar Allah", "Ansarallah", "rebelles houthis", "الحوثيون", "أنصار الله", "جماعة الحوثي"),
    ),
    _org(
        "État islamique",
        "",
        "organisation jihadiste",
        (
            "EI",
            "Daech",
            "Daesh",
            "ISIS",
            "ISIL",
            "Islamic State",
            "groupe État islamique",
            "organisation État islamique",
            "داعش",
            "تنظيم الدولة الإسلامية",
        ),
        wikidata="Q2429253",
    ),
    _org(
        "Al-Qaïda",
        "",
        "organisation jihadiste",
        ("Al-Qaida", "al-Qaeda", "Al Qaeda", "القاعدة", "تنظيم القاعدة"),
        wikidata="Q34490",
    ),
    _org(
        "Al-Qaïda au Maghreb islamique",
        "",
        "branche d'Al-Qaïda au Maghreb et au Sahel",
        ("AQMI", "AQIM", "تنظيم القاعدة في بلاد المغرب الإسلامي"),
    ),
    _org(
        "Hayat Tahrir al-Cham",
        "SY",
        "groupe armé islamiste syrien",
        ("HTC", "HTS", "Hayat Tahrir al-Sham", "هيئة تحرير الشام"),
    ),
    _org(
        "Frères musulmans",
        "",
        "confrérie islamiste transnationale",
        ("Confrérie des Frères musulmans", "Muslim Brotherhood", "الإخوان المسلمون"),
    ),
    _org(
        "Front Polisario",
        "EH",
        "mouvement indépendantiste sahraoui",
        ("Polisario", "جبهة البوليساريو"),
    ),
    # Forces and seats of power (used by metonymy: "le Kremlin" is the Russian presidency)
    _org("Kremlin", "RU", "présidence russe", ("The Kremlin", "الكرملين")),
    _org(
        "Maison-Blanche",
        "US",
        "présidence des États-Unis",
        ("Maison Blanche", "White House", "البيت الأبيض"),
    ),
    _org(
        "Élysée",
        "FR",
        "présidence de la République française",
        ("palais de l'Élysée", "Elysee Palace", "الإليزيه", "قصر الإليزيه"),
    ),
    _org(
        "Pentagone",
        "US",
        "département de la Défense des États-Unis",
        ("Pentagon", "البنتاغون"),
    ),
    _org(
        "Département d'État",
        "US",
        "ministère américain des Affaires étrangères",
        ("State Department", "وزارة الخارجية الأمريكية"),
    ),
    _org(
        "Quai d'Orsay",
        "FR",
        "ministère français de l'Europe et des Affaires étrangères",
        ("ministère de l'Europe et des Affaires étrangères",),
    ),
    _org(
        "Downing Street",
        "GB",
        "services du Premier ministre britannique",
        ("10 Downing Street", "داونينغ ستريت"),
    ),
    _org("Knesset", "IL", "Parlement israélien", ("الكنيست",)),
    _org(
        "Tsahal",
        "IL",
        "armée israélienne",
        (
            "armée israélienne",
            "Forces de défense d'Israël",
            "IDF",
            "Israel Defense Forces",
            "الجيش الإسرائيلي",
            "جيش الدفاع الإسرائيلي",
        ),
    ),
    _org("Mossad", "IL", "service de renseignement extérieur israélien", ("الموساد",)),
    _org(
        "Shin Bet",
        "IL",
        "service de sécurité intérieure israélien",
        ("Shabak", "Shin Beth", "الشاباك"),
    ),
    _org(
        "Gardiens de la révolution",
        "IR",
        "armée idéologique de la République islamique d'Iran",
        (
            "Corps des gardiens de la révolution islamique",
            "CGRI",
            "pasdaran",
            "IRGC",
            "Islamic Revolutionary Guard Corps",
            "الحرس الثوري",
            "الحرس الثوري الإيراني",
        ),
    ),
    # "RSF" is Reporters sans frontières above, never this force
    _org(
        "Forces de soutien rapide",
        "SD",
        "force paramilitaire soudanaise",
        ("FSR", "Rapid Support Forces", "قوات الدعم السريع"),
    ),
    _org(
        "Armée nationale libyenne",
        "LY",
        "forces du maréchal Khalifa Haftar",
        ("ANL", "Libyan National Army", "LNA", "الجيش الوطني الليبي"),
    ),
    _org(
        "Groupe Wagner",
        "RU",
        "société militaire privée russe",
        ("Wagner", "Wagner Group", "مجموعة فاغنر", "فاغنر"),
    ),
    # News agencies and media
    _org(
        "AFP",
        "FR",
        "agence de presse",
        ("Agence France-Presse", "فرانس برس", "وكالة فرانس برس", "وكالة الصحافة الفرنسية"),
    ),
    _org("Reuters", "GB", "agence de presse", ("رويترز", "وكالة رويترز")),
    _org("Associated Press", "US", "agence de presse", ("AP", "أسوشيتد برس")),
    _org("ANSA", "IT", "agence de presse", ("Agenzia Nazionale Stampa Associata",)),
    _org("TASS", "RU", "agence de presse", ("Tass", "تاس")),
    _org("RIA Novosti", "RU", "agence de presse", ("ريا نوفوستي",)),
    _org(
        "Anadolu", "TR", "agence de presse", ("agence Anadolu", "Anadolu Agency", "وكالة الأناضول")
    ),
    _org("IRNA", "IR", "agence de presse", ("Islamic Republic News Agency", "إرنا")),
    _org("MAP", "MA", "agence de presse", ("Maghreb Arabe Presse", "وكالة المغرب العربي للأنباء")),
    _org("APS", "DZ", "agence de presse", ("Algérie Presse Service", "وكالة الأنباء الجزائرية")),
    _org("TAP", "TN", "agence de presse", ("Tunis Afrique Presse", "وكالة تونس أفريقيا للأنباء")),
    _org(
        "SANA",
        "SY",
        "agence de presse",
        ("Syrian Arab News Agency", "سانا", "الوكالة العربية السورية للأنباء"),
    ),
    _org("WAFA", "PS", "agence de presse", ("وفا", "وكالة الأنباء والمعلومات الفلسطينية")),
    _org("SPA", "SA", "agence de presse", ("Saudi Press Agency", "واس", "وكالة الأنباء السعودية")),
    _org("WAM", "AE", "agence de presse", ("Emirates News Agency", "وام", "وكالة أنباء الإمارات")),
    _org("QNA", "QA", "agence de presse", ("Qatar News Agency", "قنا", "وكالة الأنباء القطرية")),
    _org(
        "KUNA", "KW", "agence de presse", ("Kuwait News Agency", "كونا", "وكالة الأنباء الكويتية")
    ),
    _org("Al Jazeera", "QA", "chaîne de télévision", ("Al-Jazeera", "Al Jazira", "قناة الجزيرة")),
    _org("Formiche", "IT", "média italien", ("Formiche.net",)),
)


# --------------------------------------------------------------------------------------------
# Role phrases
# --------------------------------------------------------------------------------------------

# Role nouns that head phrases spaCy tends to tag ORG ("ministre de la Défense"). Whole words
# only: "ministère", "présidence", "conseil", "direction", "commandement" are institutions
# and are not here.
ROLE_WORDS: tuple[str, ...] = (
    "président",
    "présidente",
    "présidents",
    "vice-président",
    "vice-présidente",
    "premier ministre",
    "première ministre",
    "ministre",
    "ministres",
    "secrétaire général",
    "secrétaire générale",
    "secrétaire d'état",
    "secrétaire",
    "porte-parole",
    "chef",
    "cheffe",
    "chefs",
    "chef d'état-major",
    "conseiller",
    "conseillère",
    "conseillers",
    "ambassadeur",
    "ambassadrice",
    "ambassadeurs",
    "général",
    "généraux",
    "directeur",
    "directrice",
    "directeurs",
    "chancelier",
    "chancelière",
    "roi",
    "reine",
    "prince héritier",
    "émir",
    "guide suprême",
    "commandant",
    "maréchal",
    "colonel",
    "envoyé spécial",
    "envoyée spéciale",
    "émissaire",
    "haut représentant",
    "haute représentante",
    "haut-commissaire",
    "commissaire",
    "député",
    "députée",
    "sénateur",
    "sénatrice",
    "maire",
    "gouverneur",
    "procureur",
    "procureure",
    "juge",
    "dirigeant",
    "dirigeante",
    "dirigeants",
    "responsable",
    "responsables",
    "homologue",
    "fonctionnaire",
    "représentant",
    "représentante",
    "négociateur",
    "médiateur",
    "patron",
    "patronne",
    "pdg",
)

# Words that may precede the role noun: determiners, possessives and "ancien"/"nouveau".
_ROLE_LEAD = re.compile(
    r"^(?:(?:le|la|les|un|une|des|du|de la|son|sa|ses|leur|leurs|notre|votre|ce|cet|cette|ces|"
    r"m\.|mme|ancien|ancienne|anciens|anciennes|ex|nouveau|nouvel|nouvelle|futur|future|"
    r"actuel|actuelle)\s+|(?:l'|ex-|sous-|co-)\s*)+",
)
_ROLE_PHRASE = re.compile(
    r"^(?:"
    + "|".join(re.escape(word) for word in sorted(ROLE_WORDS, key=len, reverse=True))
    + r")(?![\w-])"
)


def is_role_phrase(text: str) -> bool:
    """True when `text` is headed by a role noun: "ministre de la Défense", "le porte-parole
    du Kremlin", "ancien Premier ministre israélien". False for institutions and names:
    "ministère ukrainien de l'Intérieur", "Union européenne", "Kremlin".

    Whatever follows the role noun is not looked at, so "général Haftar" is True too: a caller
    holding a PER span checks for the name itself. Accents count ("général" is a role,
    "General Motors" is not), except in text set all in capitals.
    """
    phrase = " ".join(text.replace("’", "'").split()).casefold()
    if text.isupper():
        phrase = strip_accents(phrase)
        pattern = re.compile(strip_accents(_ROLE_PHRASE.pattern))
    else:
        pattern = _ROLE_PHRASE
    phrase = _ROLE_LEAD.sub("", phrase)
    return bool(pattern.match(phrase))


# --------------------------------------------------------------------------------------------
# The gazetteer
# --------------------------------------------------------------------------------------------

# Normalised spellings (see `normalize_alias`) that name two entries of the same kind, and
# why. A lookup of one of them answers "ambiguous" and leaves the choice to context.
KNOWN_AMBIGUOUS_ALIASES: dict[str, str] = {
    "tripoli": "capital of Libya and city of northern Lebanon (keys tripoli, tripoli-liban)",
    "طرابلس": "Arabic for both Tripolis",
    "عمان": "Amman (عمّان) and Oman (عُمان) differ only by diacritics, which normalising drops",
}


@cache
def _all_entries() -> tuple[GazetteerEntry, ...]:
    return (*country_entries(), *PLACES, *PEOPLE, *ORGANISATIONS)


@cache
def _alias_index() -> dict[str, tuple[GazetteerEntry, ...]]:
    index: dict[str, list[GazetteerEntry]] = {}
    for entry in _all_entries():
        for form in (entry.name, *entry.aliases):
            entries = index.setdefault(normalize_alias(form), [])
            if entry not in entries:
                entries.append(entry)
    return {alias: tuple(entries) for alias, entries in index.items()}


def gazetteer_entries() -> list[GazetteerEntry]:
    """Every curated entry: countries, places, people, organisations (needs Django settings,
    for the country names' translations)."""
    return list(_all_entries())


def entries_by_key() -> dict[str, GazetteerEntry]:
    return {entry.key: entry for entry in _all_entries()}


def find_entries(name: str, kind: str = "") -> list[GazetteerEntry]:
    """Entries whose name or an alias normalises like `name` (of `kind` when given)."""
    entries = _alias_index().get(normalize_alias(name), ())
    return [entry for entry in entries if not kind or entry.kind == kind]
