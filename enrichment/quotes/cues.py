"""The cue lexicon: how French copy reports speech, as word lists and patterns.

Rules a to d of `enrichment.quotes.attribution` read these: inverted clauses (« … », a
déclaré X), reporting verbs and sources before a quote (X a estimé que « … », selon X, « … »),
participle clauses continuing a speaker (…, expliquant que « … »), the subject heading a
sentence, and the title nouns that make a quoted name a title, not speech.
"""

from __future__ import annotations

import re

# How far a reporting verb may stand from the quote it introduces, and a speaker from its cue.
MAX_LEAD_CHARS = 200
MAX_ROLE_CHARS = 80
MAX_ROLE_WORDS = 10


def _alternation(words: str) -> str:
    """A regex alternation of the words, longest first so that no word shadows a longer one."""
    return "(?:" + "|".join(sorted(set(words.split()), key=len, reverse=True)) + ")"


# Characters that never occur inside a role phrase or an apposition: they end the phrase.
STOPS = '.;:!?«»“”"\n'

_PARTICIPLES = """déclaré poursuivi répondu ajouté affirmé estimé expliqué dit souligné indiqué
    précisé lancé rappelé averti assuré réagi jugé reconnu annoncé prévenu martelé insisté confié
    commenté observé noté conclu résumé raconté confirmé rétorqué répliqué tranché ironisé
    regretté déploré dénoncé plaidé promis renchéri relevé écrit témoigné nuancé admis avoué"""
_PRESENT_VERBS = """déclare poursuit répond ajoute affirme estime explique dit souligne indique
    rappelle avertit assure réagit reconnaît reconnait prévient martèle insiste confie commente
    observe conclut raconte confirme rétorque ironise regrette déplore dénonce promet renchérit
    témoigne admet avoue"""
# Present forms that are also common nouns or adjectives (la note, le juge, une annonce, une
# date précise): safe right after a closing mark, ambiguous anywhere else.
_PRESENT_NOUNS = (
    "lance juge note tranche nuance plaide relève réplique annonce précise résume écrit"
)

_PARTICIPLE = _alternation(_PARTICIPLES)
_PRESENT_BEFORE = _alternation(_PRESENT_VERBS)
_PRESENT_AFTER = _alternation(f"{_PRESENT_VERBS} {_PRESENT_NOUNS}")
_REFLEXIVE = r"(?:exclamée?|interrogée?|félicitée?|inquiétée?|indignée?|emportée?|justifiée?)"
_ADVERB = _alternation(
    """encore aussi également ensuite alors enfin notamment aussitôt immédiatement simplement
    lui-même elle-même"""
)

# Rule a — an inverted reporting clause right after the closing mark: « … », a déclaré X.
INVERTED_CUE = re.compile(
    rf"""
    \s* (?: , | [—–] )? \s*                                # the comma or dash after the mark
    (?P<cue>
        a-t-(?:il|elle) \s+ (?:{_ADVERB}\s+)? {_PARTICIPLE}    # a-t-il déclaré
      | s[’']est-(?:il|elle) \s+ {_REFLEXIVE}                  # s'est-elle exclamée
      | {_PRESENT_AFTER} (?:-t)? -(?:il|elle)                  # explique-t-elle, dit-il
      | selon \s+ (?:lui|elle)                                 # selon lui
      | (?:a|avait) \s+ (?:{_ADVERB}\s+)? {_PARTICIPLE}        # a déclaré X
      | s[’']est \s+ {_REFLEXIVE}                              # s'est exclamé X
      | {_PRESENT_AFTER}                                       # explique X
      | selon | d[’']après                                     # selon X
    )
    (?![\w-])
    """,
    re.VERBOSE,
)
# Rule b — a reporting verb before the quote: X a déclaré que « … », X estime : « … ».
REPORTING_CUE = re.compile(
    rf"""
    (?<![\w-])
    (?: (?:a|avait|aurait) \s+ (?:{_ADVERB}\s+)? {_PARTICIPLE}
      | s[’']est \s+ (?:{_ADVERB}\s+)? {_REFLEXIVE}
      | {_PRESENT_BEFORE}
    )
    (?![\w-])
    """,
    re.VERBOSE,
)
# Rule b — a source before the quote: selon X, « … », pour X : « … », d'après elle, « … ».
SOURCE_CUE = re.compile(r"(?<![\w-])(?P<cue>selon|d[’']après|pour)\s+", re.IGNORECASE)
SOURCE_PRONOUN = re.compile(r"(?:lui|elle)(?![\w-])")
# Rule c — a participle clause continuing the sentence's speaker: …, expliquant que « … ».
CONTINUATION_CUE = re.compile(
    r"""
    (?<![\w-])
    (?P<cue>
        (?:expliquant|ajoutant|précisant|soulignant|estimant|affirmant|assurant|indiquant
          |rappelant|insistant|concluant|déclarant|poursuivant|martelant|jugeant)
        (?: \s+ (?:que|qu[’']) | \s*: )?
      | avant \s+ d[’'] (?:ajouter|expliquer|préciser|conclure|lancer) (?:\s+que|\s*:)?
    )
    """,
    re.VERBOSE,
)

# A pronoun subject just before a reporting verb: “Il a ajouté que « … »”.
PRONOUN_SUBJECT = re.compile(
    r"(?<![\w’'-])(?:il|elle)\s+(?:(?:lui|leur|nous|vous|y)\s+|l[’']\s*)?$", re.IGNORECASE
)
PRONOUN_IN_CUE = re.compile(r"-(?:t-)?(?:il|elle)\b|\bselon\s+(?:lui|elle)\b")
# What may separate a subject from its reporting verb: “X a déclaré”, “X, porte-parole du
# Kremlin, a déclaré”, “X, qui a déclaré”, “X, de son côté, a estimé”.
SUBJECT_GAP = re.compile(
    rf"""
    \s*
    (?: ,[^{STOPS}]{{1,{MAX_ROLE_CHARS}}},\s*               # an apposition between commas
      | (?:,\s*)? (?:{_ADVERB}|de\s+son\s+côté|pour\s+sa\s+part|quant\s+à\s+(?:lui|elle))
        \s* (?:,\s*)?
    )?
    (?:,\s*)? (?:qui\s+)?                                        # the relative “X, qui a dit”
    """,
    re.VERBOSE,
)
# Ends of a lead-in that point straight at the quote: “… que « ”, “… : « ”, “… , « ”.
INTRODUCER_END = re.compile(r"(?:(?<![\w-])(?:que|qu[’'])|[:,])\s*$", re.IGNORECASE)
# A speaker named after a preposition is a complement, not the one speaking:
# “a dit le fils de Karim Benali”, “a déclaré à propos de Leïla Haddad”.
PREPOSITION_END = re.compile(
    r"""(?:(?<![\w-])(?:de|du|des|à|au|aux|sur|sous|dans|en|contre|avec|chez|par|pour|envers
    |vers|entre|sans|devant|derrière|auprès|près|face|malgré|parmi|comme|via|depuis|pendant
    |concernant|propos)\s+|(?<![\w-])d[’'])$""",
    re.IGNORECASE | re.VERBOSE,
)
# A role phrase between a cue and its speaker must stay one noun phrase, not a new clause.
CLAUSE_WORD = re.compile(
    r"(?<![\w-])(?:(?:que|qui|dont|mais|quand|lorsque|tandis|avant|après)(?![\w-])|qu[’'])",
    re.IGNORECASE,
)
# Rule d — a person in subject position at the head of the sentence: an optional fronted
# complement (“À Tunis, ”), then at most a short role (“La ministre de la Culture ”).
SUBJECT_PREFIX = re.compile(
    rf"""
    \s* (?:[—–-]\s*)?
    (?:[^{STOPS},]{{1,40}},\s*)?
    (?: (?!(?i:a|ont|est|sont|avait|avaient|était|étaient|sera|va|vont|fut|que|qu|qui|dont
            |selon|pour|par|avec|contre|chez|entre|sans|vers|et|ou|mais)(?![\w’'-]))
        [^\s,.;:!?«»“”"]+ \s+ ){{0,6}}
    (?:,\s*)?
    """,
    re.VERBOSE,
)
WORD_AFTER_SUBJECT = re.compile(
    rf"(?:\s*,[^{STOPS}]{{1,{MAX_ROLE_CHARS}}},)?\s+(?P<word>[^\W\d_][\w’'-]*)"
)
NOT_A_VERB = frozenset(
    """et ou mais de du des d à au aux pour par sur avec dans en lors après avant contre chez
    puis car donc le la les un une qui que dont selon entre sans vers depuis pendant""".split()
)
# Titles, not speech: the outlet in “le quotidien italien «Formiche»”, a book “intitulé « … »”.
_TITLE_NOUN = _alternation(
    """livre roman ouvrage essai recueil récit biographie film documentaire série feuilleton
    pièce spectacle chanson album poème tableau exposition journal quotidien hebdomadaire
    mensuel magazine revue média émission podcast rubrique opération
    programme plan projet mouvement parti coalition collectif association slogan hashtag
    surnom intitulé intitulée intitulés intitulées titré titrée baptisé baptisée surnommé
    surnommée dénommé dénommée"""
)
TITLE_BEFORE = re.compile(
    rf"""
    (?<![\w-]) {_TITLE_NOUN}
    (?: \s+ (?!(?:que|qu|a|ont|est|sont)(?![\w’'-])) [^\s,.;:!?«»“”"]+ ){{0,3}}
    \s* ,? \s* $
    """,
    re.VERBOSE | re.IGNORECASE,
)

# A sentence that is nothing but a quote: a dialogue dash before it, punctuation after it.
ONLY_DASHES = re.compile(r"[\s—–-]*")
ONLY_PUNCTUATION = re.compile(r"[\s.,;!?…)]*")
