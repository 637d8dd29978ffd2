"""Personal data out of a visitor's message before anything keeps it.

A message the assistant could not answer is worth reading later, but visitors type their
names, numbers and their mother's date of birth into it. No pretrained English NER model can be
downloaded here, and a general one would also take "Lutathera" or "Whipple" for a person. So
this is our own spaCy pipeline: a blank English tokenizer, regular expressions over the text for
what has a shape (e-mail, phone, dates, street addresses, record and reference numbers: the
tokenizer splits "(617) 555-0123" into five tokens, so shapes are matched on characters and
snapped to tokens), and a `Matcher` of the cues people put around names ("my name is", "I'm",
"this is ... calling", "call ... at", "my husband ...", "soy", "me llamo", a signature after
"thanks"), followed by the name-like tokens after the cue.

Which tokens can be a name is decided with word lists, never guessed freely: the words of the
content team's lexicon and FAQ examples (data/nlu: visitors' own NET vocabulary, typos included)
and the English word classes of `spacy-lookups-data` are never a name after a weak cue; after a
strong cue ("my name is") anything but those words and stop words is. When in doubt after a cue,
a capitalised token is scrubbed: losing a word costs a content editor a guess, keeping a name
costs a visitor's privacy.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, FrozenSet, Iterator, List, Optional, Tuple

from bot.content.spacy_blank import import_spacy
from bot.settings import ROOT

NLU_DIR = ROOT / "data" / "nlu"
# Visitors' own words: the lexicon and the FAQ questions (no names are in these files; the
# callback form's examples with names are in core.yml, which is left out).
VOCABULARY_FILES = ("lexicon.yml", "faq.yml", "near_misses.yml", "spanish.yml")
PLACEHOLDERS = ("name", "phone", "email", "date", "address", "number", "link")
MAX_CHARS = 500

_MONTHS = (
    # "may" only where it is surely the month (below): "may 2 of us come" is no date.
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre"
)
# Words between a number and "way" or "drive" that make it a distance, not an address
# ("3 hours each way", "a 4 hr drive", "grade 3 one way").
_NOT_STREET = (
    r"(?!(?:hours?|hrs?|minutes?|mins?|miles?|mi|km|each|every|one|a|an|the|of|more|less|and|"
    r"or|to|from|in|on|at|for|per|times?|days?|weeks?|months?|years?)\b)"
)
_STREET = (
    r"street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|"
    r"terrace|ter|circle|cir|highway|hwy|parkway|pkwy|square|sq"
)
# Order matters only for overlaps, which go to the longest match.
SHAPES: Tuple[Tuple[str, re.Pattern[str]], ...] = (
    ("link", re.compile(r"\b(?:https?://|www\.)\S+", re.I)),
    (
        "email",
        re.compile(
            r"[\w.+-]+ ?@ ?[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b|"
            r"\b[\w.+-]+\s*(?:\(at\)|\[at\]|\bat\b|arroba)\s*[\w-]+\s*(?:\.|\bdot\b|punto)\s*"
            r"(?:com|org|net|edu|gov|es|mx|co|us)\b",
            re.I,
        ),
    ),
    (
        "phone",
        re.compile(
            r"(?<![\w-])(?:\+?\d{1,3}[\s.-]?)?(?:\(\s*\d{3}\s*\)|\d{3})[\s.-]*\d{3}[\s.-]*\d{4}"
            r"(?:\s*(?:x|ext\.?)\s*\d{1,5})?(?![\w-])|"
            r"\+\d{1,3}(?:[\s.-]?\d{2,4}){2,5}(?![\w-])|"
            r"(?<![\w-])\d{3}[\s.-]\d{4}(?![\w-])",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(
            r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b|"
            rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s*\d{{2,4}})?\b|"
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+|de\s+)?(?:{_MONTHS})\b(?:,?\s*(?:de\s+)?\d{{4}})?|"
            r"\bmay\s+\d{1,2}(?:(?:st|nd|rd|th)(?:,?\s*\d{4})?|,?\s*\d{4})\b|"
            r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?may\b|"
            # The cue stays ("born [date]"); only the year or day goes.
            r"\b(?:born|dob|d\.o\.b\.?|birthday|nacid[oa]|nacimiento)\W{0,3}(?:(?:in|on|el|en)\s+)?"
            r"(?P<year>\d{4})\b|"
            r"\b(?:on|el|since|desde|until|hasta|dated)\s+"
            r"(?!(?:1/2|1/3|2/3|1/4|3/4)\b)(?P<day>\d{1,2}/\d{1,2})\b(?!/)|"
            # A weekday stays, its day of the month goes ("next tuesday the [date]").
            r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|lunes|martes|mi[eé]rcoles|jueves|"
            r"viernes|s[aá]bado|domingo),?\s+(?:the\s+)?(?P<weekday>\d{1,2}(?:st|nd|rd|th)?)\b"
            rf"(?:\s+(?:of\s+|de\s+)?(?:{_MONTHS})\b)?",
            re.I,
        ),
    ),
    (
        "address",
        re.compile(
            rf"\b\d{{1,6}}\s+(?:{_NOT_STREET}[A-Za-z0-9.'-]+\s+){{0,4}}(?:{_STREET})\b\.?"
            r"(?:,?\s*(?:apt|apartment|unit|suite|ste|#)\.?\s*\w+)?|"
            r"\b(?:calle|avenida|av\.|camino|paseo|carrera)\s+(?:[\w.'-]+\s+){1,4}?(?:#\s*)?\d+\w?\b|"
            r"\bp\.?\s?o\.?\s+box\s+\d+\b|"
            r"\b(?:zip(?:\s*code)?|c[oó]digo postal)\W{0,3}\d{5}(?:-\d{4})?\b",
            re.I,
        ),
    ),
    (
        "number",
        re.compile(
            r"\bNET-[A-Z0-9]{6}\b|"
            r"\b(?:mrn|medical record(?:\s+(?:number|no|#))?|record(?:\s+(?:number|no))?|"
            r"chart(?:\s+number)?|ref(?:erence)?(?:\s+(?:number|no|code))?|case|account|acct|"
            r"member(?:\s+id)?|policy|insurance(?:\s+id)?|ssn|social security(?:\s+number)?|"
            r"patient(?:\s+(?:id|number))?|id|expediente|historia cl[ií]nica|n[uú]mero)"
            r"\W{0,4}(?:is\s+|es\s+|number\s+|no\.?\s*|#\s*)?"
            r"(?P<value>(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{3,})\b|"
            r"\b\d{3}-\d{2}-\d{4}\b|"
            r"(?<![\w.-])(?=(?:[A-Za-z-]*\d){5})[A-Za-z0-9-]{5,}(?![\w%])",
            re.I,
        ),
    ),
)


SURE = ("STRONG", "NAMED")  # cues after which a name is expected
_NOT_NAME_ENDINGS = ("ed", "ing", "ic", "ous", "ive", "able", "ible", "ful", "less", "ist")


def _listed(text: str) -> Tuple[str, ...]:
    return tuple(text.split())


# Cues before a name. A strong cue says a name follows ("my name is"); after a weak one a
# lowercase word is a name only if it is no common word ("i'm scared" is not a name).
STRONG_CUES = (
    "my name is",
    "my names",
    "my name's",
    "name:",
    "me llamo",
    "mi nombre es",
    "se llama",
    "her name is",
    "his name is",
    "their name is",
    "su nombre es",
)
# A name follows, but maybe a drug's ("the generic name is octreotide"): visitors' NET
# vocabulary stays.
NAMED_CUES = ("name is", "names", "name's", "nombre es")
WEAK_CUES = (
    "call me",
    "ask for",
    "pregunten por",
    "preguntar por",
    "i'm",
    "im",
    "i am",
    "this is",
    "it's",
    "its",
    "soy",
    "call",
    "text",
    "email",
    "speak to",
    "speak with",
    "talk to",
    "talk with",
    "llamar a",
    "hablar con",
    # Speaking to someone by name: "tell jim i called", "hi Grace".
    "tell",
    "hi",
    "hey",
    "hello",
    "dear",
    "hola",
)
RELATIONS = _listed(
    "mom mum mother mama mamma momma dad father papa daddy husband wife partner son daughter "
    "sister brother aunt uncle grandma grandmother grandpa grandfather nana friend neighbor "
    "cousin niece nephew boyfriend girlfriend fiance fiancee stepdad stepmom caregiver "
    "esposo esposa marido mujer hijo hija madre padre mamá papá hermano hermana tía tio tío tia "
    "abuela abuelo amigo amiga primo prima novio novia suegra suegro grandson granddaughter "
    "stepson stepdaughter nieta nieto sobrina sobrino cuñada cuñado nuera yerno"
)
# Joined into a surname: "Peña de la Cruz", "Van der Berg".
PARTICLES = frozenset(_listed("de del la las los van von der den da do dos di du le st st."))
TITLES = _listed(
    "dr dr. doctor doctora dra dra. mr mr. mrs mrs. ms ms. miss sr sr. sra sra. srta señor "
    "señora don doña nurse"
)
SIGN_OFFS = _listed(
    "thanks thank you thx ty regards best cheers sincerely gracias saludos atentamente "
    "bendiciones blessings love xoxo signed firmado atte"
)
# Words that follow a name cue but are no name, beyond the vocabulary (feelings, states,
# people's roles, words of asking).
NOT_NAMES = frozenset(
    _listed(
        "scared worried afraid nervous sorry confused lost anxious overwhelmed terrified tired "
        "sick ill fine ok okay good great well new here there back just also still really so "
        "very not trying looking wondering asking calling writing texting hoping going getting "
        "having being reaching caregiver patient daughter son wife husband mother father mom "
        "dad the a an his her my our their your cancer tumor tumors tumour net nets doctor "
        "nurse oncologist surgeon someone somebody anyone anybody everyone nobody person "
        "people team help info information me you him them us it this that what how why when "
        "where who which if whether about because pregnant diabetic paciente diabetica "
        "diabético diabética enferma enfermo preocupada preocupado asustada asustado la el "
        "los las una un de del muy nueva nuevo cuidadora cuidador mama mamá hija hijo esposa "
        "esposo familiar please pls plz hi hello hey hola yes no yeah yea nope si sí thanks "
        "thank appointment question questions anything everything nothing something today "
        "tomorrow yesterday now later morning afternoon evening night monday tuesday wednesday "
        "thursday friday saturday sunday weekday weekdays weekend dob mrn ssn id phone email "
        "date address number link asap anytime goodbye bye adios adiós pcp np rn md gp doc "
        "physician provider hospitalist nurses doctors"
    )
)
# After a weak cue, a lowercase name must stand before one of these (or end the message):
# "this is maria calling", "call ana at", "my mom rosa has".
CLOSERS = frozenset(
    _listed(
        "calling here from writing texting and or at on about with who whose is was has had "
        "got gets needs need went said says told tiene tuvo fue esta está estaba de del por y "
        "o que en ha le la"
    )
)


@dataclass(frozen=True)
class Words:
    """What a token may be instead of a name."""

    known: FrozenSet[str]  # visitors' NET vocabulary (lexicon, FAQ examples)
    medical: FrozenSet[str]  # the lexicon's words alone: drugs, sites, tests
    english: FrozenSet[str]  # English adjectives, adverbs, verbs and inflected forms
    spanish: FrozenSet[str]  # Spanish adjectives, participles, verb forms, professions
    stop: FrozenSet[str]
    english_stop: FrozenSet[str]
    first_names: FrozenSet[str]  # the US Census's first names, lower case
    surnames: FrozenSet[str]  # its surnames, apostrophes dropped ("obrien")


def _vocabulary_words(directory: Path) -> FrozenSet[str]:
    words = set()
    for name in VOCABULARY_FILES:
        path = directory / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("- ") and not line.startswith(("- intent:", "- lookup:")):
                words.update(re.findall(r"[\w'-]+", line[2:].lower()))
    return frozenset(words)


def _lexicon_terms(path: Path) -> FrozenSet[str]:
    """The lexicon's one-word terms: "delgado" of "intestino delgado" is also a surname."""
    terms = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        term = line.strip()[2:].strip().lower() if line.strip().startswith("- ") else ""
        if term and " " not in term and not term.startswith(("intent:", "lookup:")):
            terms.add(term)
    return frozenset(terms)


def _census(*files: str) -> FrozenSet[str]:
    """Names from the 1990 US Census lists (public domain) that the `names` package ships:
    5,500 first names, 89,000 surnames with Hispanic and Asian ones among them. Used as
    evidence, never alone: half of them are also English words (Will, Grace, Brown, Stage)."""
    import names as census

    folder = Path(census.__file__).parent
    found = set()
    for file in files:
        for line in (folder / file).read_text(encoding="ascii").splitlines():
            if line.strip():
                found.add(line.split()[0].lower())
    return frozenset(found)


def _lookups(name: str) -> Any:
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / f"{name}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


_ES = "[a-záéíóúñü]+"
# Read from the Spanish lemma table's text (its half a million entries loaded would take 130 MB
# of the action server): forms with an adjective's or participle's ending ("soy operada",
# "alergica"), a verb's third person or gerund ("mi tio murio", "mi mama empieza"), and base
# words with a profession's or adjective's ending ("soy cardiologo").
_SPANISH_FORMS = (
    re.compile(rf'"({_ES}(?:ad[ao]|id[ao]|ic[ao]|os[ao]|iv[ao]|ble|nte|ist[ao]))":'),
    re.compile(
        rf'"({_ES}(?:ó|io|ió|a|e|aba|ía|ia|ando|iendo|ado|ada|ido|ida|aron|ieron))": '
        rf'"{_ES}(?:ar|er|ir)"'
    ),
    re.compile(rf': "({_ES}(?:ic[ao]|er[ao]|og[ao]|ist[ao]|nte|ble|os[ao]|iv[ao]|ad[ao]|id[ao]))"'),
)
# Spanish words that are also common first names stay names ("soy rosa").
_ALSO_NAMES = frozenset(
    _listed(
        "rosa lucia lucía paula esperanza amparo rocio rocío vera veronica verónica angelica "
        "angélica armando orlando rolando candido cándido clemente amado amada"
    )
)


def _spanish_words() -> FrozenSet[str]:
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "es_lemma_lookup.json.gz"
    forms = set()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        # In pieces that end between two entries: the whole text at once (15 MB, and the
        # lists of matches) raised the action server's peak memory by a third.
        rest = ""
        while piece := handle.read(1 << 20):
            text = rest + piece
            cut = text.rfind('", "') + 1  # after an entry's closing quote
            text, rest = text[:cut], text[cut + 2 :]
            for pattern in _SPANISH_FORMS:
                forms.update(pattern.findall(text))
        for pattern in _SPANISH_FORMS:
            forms.update(pattern.findall(rest))
    # Typed on phones without accents too: "alergica", "murio".
    return frozenset((forms | {_unaccented(form) for form in forms}) - _ALSO_NAMES)


def _unaccented(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c) or c == "\u0303")
    )


@lru_cache(maxsize=1)
def words() -> Words:
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
    from spacy.lang.es.stop_words import STOP_WORDS as ES_STOP

    index = _lookups("en_lemma_index")
    inflected = _lookups("en_lemma_lookup")
    # Inflected forms ("calling", "worried"); not every key ("maria" is a plural of "mare").
    verbs = set(index["verb"])
    inflected_forms = (
        w
        for w, lemma in inflected.items()
        if w.endswith(("ing", "ed", "ly", "s", "er", "est")) or lemma in verbs  # "wrote"
    )
    english = set(inflected_forms) | set(index["adj"]) | set(index["adv"]) | set(index["verb"])
    # Nouns that are also first names (rose, mark, will) stay scrubbable: a noun after a
    # name cue is taken as a name unless visitors' vocabulary has it.
    return Words(
        known=_vocabulary_words(NLU_DIR) | frozenset(RELATIONS) | frozenset(TITLES),
        medical=_lexicon_terms(NLU_DIR / "lexicon.yml"),
        english=frozenset(w for w in english if "_" not in w),
        spanish=_spanish_words(),
        stop=frozenset(EN_STOP | ES_STOP),
        english_stop=frozenset(EN_STOP),
        first_names=_census("dist.male.first", "dist.female.first"),
        surnames=_census("dist.all.last"),
    )


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The blank English pipeline and its Matcher of name cues (built once per process)."""
    spacy = import_spacy()
    from spacy.matcher import Matcher

    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)

    def phrase(text: str) -> List[dict]:
        return [{"LOWER": token.lower_} for token in nlp.make_doc(text)]

    matcher.add("STRONG", [phrase(cue) for cue in STRONG_CUES])
    matcher.add("NAMED", [phrase(cue) for cue in NAMED_CUES])
    matcher.add("WEAK", [phrase(cue) for cue in WEAK_CUES])
    relation = {"LOWER": {"IN": RELATIONS}}
    is_ = {"LOWER": {"IN": ["is", "es", "was", "era"]}}
    matcher.add("RELATION", [[relation], [relation, {"TEXT": ","}], [relation, is_]])
    matcher.add("TITLE", [[{"LOWER": {"IN": TITLES}}], [{"LOWER": {"IN": TITLES}}, {"TEXT": "."}]])
    sign_off = [
        [{"LOWER": {"IN": SIGN_OFFS}}],
        [{"LOWER": "thank"}, {"LOWER": "you"}],
        [{"LOWER": {"IN": SIGN_OFFS}}, {"IS_PUNCT": True}],
        [{"LOWER": "thank"}, {"LOWER": "you"}, {"IS_PUNCT": True}],
        [{"TEXT": {"IN": ["-", "--", "—", "–", "~"]}}],
    ]
    matcher.add("SIGN_OFF", sign_off)
    return nlp, matcher


def clean(text: str) -> str:
    """One line of printable text, at most MAX_CHARS: no control or format characters (a
    terminal escape, a right-to-left override). Markup stays text: it is escaped where shown."""
    text = unicodedata.normalize("NFC", text or "")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        kept.append(" " if category[0] in ("C", "Z") and char != " " or char == "\n" else char)
    return " ".join("".join(kept).split())[:MAX_CHARS]


def scrub(text: str) -> str:
    """The message with each personal detail replaced by its kind: `[name]`, `[phone]`,
    `[email]`, `[date]`, `[address]`, `[number]`, `[link]`."""
    text = clean(text)
    if not text:
        return ""
    spans = sorted(_spans(text), key=lambda s: (s[0], -(s[1] - s[0])))
    out, position = [], 0
    for start, end, kind in spans:
        if start < position:  # inside a longer span already replaced
            continue
        out.append(text[position:start])
        out.append(f"[{kind}]")
        position = end
    out.append(text[position:])
    return "".join(out)


def _spans(text: str) -> Iterator[Tuple[int, int, str]]:
    shaped = []
    for kind, pattern in SHAPES:
        for match in pattern.finditer(text):
            if kind == "number" and _medical_number(match.group()):
                continue
            # A cue stays ("my reference is [number]", "born [date]"): only its value goes.
            value = next((group for group, found in match.groupdict().items() if found), 0)
            start, end = match.span(value)
            shaped.append((start, end, kind))
            yield start, end, kind
    nlp, matcher = pipeline()
    doc = nlp.make_doc(text)
    taken = [(s, e) for s, e, _ in shaped]
    for start, end in _names(doc, matcher):
        span = doc[start:end]
        if not any(span.start_char < e and s < span.end_char for s, e in taken):
            yield span.start_char, span.end_char, "name"


def _medical_number(found: str) -> bool:
    """Lab and scan words with digits in them are no record numbers (ki-67, 5-hiaa, ga-68)."""
    return found.lower() in words().known


def _names(doc: Any, matcher: Any) -> Iterator[Tuple[int, int]]:
    """Names found by their cues, their shape or the census lists, each widened to the whole
    name ("Delacroix-Boone", "Peña de la Cruz"), then every other mention of the same word
    ("hi its mark, mark stevens")."""
    vocab = doc.vocab.strings
    found = [_name_after(doc, end, vocab[match_id]) for match_id, _, end in matcher(doc)]
    found += [*_capitalised_runs(doc), *_introduced_at_start(doc), *_first_and_last(doc)]
    spans = [_whole_name(doc, *span) for span in found if span]
    yield from spans
    named = {doc[i].lower_ for start, end in spans for i in range(start, end) if len(doc[i]) > 2}
    named -= PARTICLES
    for token in doc:
        if token.lower_ in named and _name_shaped(token):
            yield token.i, token.i + 1


def _name_shaped(token: Any) -> bool:
    return re.fullmatch(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", token.text) is not None


def _whole_name(doc: Any, start: int, end: int) -> Tuple[int, int]:
    """The span grown over hyphens with no space around them and over surname particles
    followed by a capitalised word."""
    known = words()

    def joinable(token: Any) -> bool:
        return _name_shaped(token) and token.lower_ not in known.known | NOT_NAMES

    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_:
        if doc[start - 1].whitespace_ or not joinable(doc[start - 2]):
            break
        start -= 2
    while end < len(doc):
        if doc[end].text == "-" and not doc[end - 1].whitespace_ and not doc[end].whitespace_:
            if end + 1 < len(doc) and joinable(doc[end + 1]):
                end += 2
                continue
            break
        after = end
        while after < len(doc) and doc[after].lower_ in PARTICLES and not doc[after].is_title:
            after += 1
        if after > end and after < len(doc) and _capitalised(doc[after]) and joinable(doc[after]):
            end = after + 1
            continue
        break
    return start, end


def _first_and_last(doc: Any) -> Iterator[Tuple[int, int]]:
    """A census first name followed by a census surname that is no English word:
    "mark feldman", "Summer Okafor", "grace hernandez". A first name that is also a stop
    word or visitors' word counts only capitalised ("Will Carter"; "I will call")."""
    known = words()
    for first, last in zip(doc[:-1], doc[1:], strict=True):
        surname = last.lower_.replace("'", "").replace("’", "")
        if not (
            first.whitespace_
            and _name_shaped(first)
            and _name_shaped(last)
            and first.lower_ in known.first_names
            and surname in known.surnames
            and first.lower_ not in known.medical | NOT_NAMES
            and last.lower_ not in known.known | known.stop | known.english | NOT_NAMES
        ):
            continue
        common = first.lower_ in known.stop | known.known
        if not common or _capitalised(first) and _capitalised(last):
            yield first.i, last.i + 1


def _introduced_at_start(doc: Any) -> Iterator[Tuple[int, int]]:
    """ "ana here, quick question", "Hope Graves is my name": up to three name-like words
    that open the message before "here" ("aquí") or "is my name"."""
    for length in (1, 2, 3):
        after = [t.lower_ for t in doc[length : length + 3]]
        if (
            after[:1] in (["here"], ["aqui"], ["aquí"])
            or after in (["is", "my", "name"], ["es", "mi", "nombre"])
        ) and all(_could_be_name(t, "WEAK", first=t.i == 0) for t in doc[:length]):
            yield 0, length


def _name_after(doc: Any, at: int, cue: str) -> Optional[Tuple[int, int]]:
    """The name right after a cue ending at token `at`, if the next tokens are one."""
    if cue == "SIGN_OFF":
        return _signature(doc, at)
    if cue in SURE and at < len(doc) and doc[at].text in (":", ","):
        at += 1
    end = at
    while end < len(doc) and end - at < 4 and _could_be_name(doc[end], cue, first=end == at):
        end += 1
    if end == at:
        return None
    if cue in SURE:
        # "name: delgado, rosa": a last name, then the first.
        if (
            end + 1 < len(doc)
            and doc[end].text == ","
            and _could_be_name(doc[end + 1], cue, first=False)
            and (end + 2 == len(doc) or doc[end + 2].is_punct)
        ):
            end += 2
        return at, end
    if all(_capitalised(t) for t in doc[at:end]):
        return at, end
    # Lowercase after a weak cue: only where a name would stand ("this is ana calling").
    following = doc[end] if end < len(doc) else None
    closes = following is None or following.is_punct or following.lower_ in CLOSERS
    closes = closes or following is not None and following.lower_ in words().stop
    if cue == "TITLE":  # "dr okonkwo wants": a title says a name follows
        closes = True
    elif cue == "RELATION" and following is not None:  # "my brother kevin come"
        closes = closes or following.lower_ in words().english
    if cue == "WEAK" and doc[at - 1].lower_ in ("call", "text", "email") and end < len(doc):
        closes = doc[end].lower_ in ("at", "on", "back", ",") or doc[end].like_num
    return (at, end) if closes else None


def _signature(doc: Any, at: int) -> Optional[Tuple[int, int]]:
    """The one to three name-like words that end a message after a sign-off ("thanks so
    much, Linda", "- Priya"), set off by punctuation or right after the sign-off."""
    end = len(doc)
    while end > at and doc[end - 1].is_punct:
        end -= 1
    start = end
    while start > at and end - start < 3 and _could_be_name(doc[start - 1], "SIGN_OFF", False):
        start -= 1
    if start == end or start == 0:
        return None
    before = doc[start - 1]
    if start != at and not before.is_punct:
        return None
    if not _could_be_name(doc[start], "SIGN_OFF", True):
        return None
    return start, end


def _shouted(token: Any) -> bool:
    return len(token.text) > 2 and token.text.isupper() and token.text.isalpha()


def _capitalised(token: Any) -> bool:
    text = token.text
    return text[:1].isupper() and not text.isupper() and _name_shaped(token)


def _could_be_name(token: Any, cue: str, first: bool) -> bool:
    text = token.text
    lower = token.lower_
    if not _name_shaped(token):
        return False
    before = token.doc[token.i - 1] if token.i > 0 else None
    if before is not None and not before.whitespace_ and not before.is_punct:
        return False  # the rest of a word ("isnt" is "is" + "nt")
    known = words()
    # A surname may be a Spanish function word ("Tuan Le", "Del Rio"), never a first name.
    if not first and _capitalised(token) and lower in known.stop - known.english_stop:
        return True
    # After "my name is", visitors' everyday words are names too ("delgado", "rosa"); only
    # the lexicon's are not ("the brand name is sandostatin").
    vocabulary = known.medical if cue == "STRONG" else known.known
    # Right after "his name is", a capitalised small word is a name ("Will", "May"), and
    # after "my husband" or "Dr." one of the census's first names.
    if _capitalised(token) and lower in known.stop and lower not in known.medical:
        if cue in SURE and lower not in vocabulary:
            return True
        if cue in ("RELATION", "TITLE") and lower in known.first_names:
            return True
    if lower in vocabulary or lower in NOT_NAMES or lower in known.stop:
        return False
    if token.is_upper and len(text) > 1:
        # NET, PRRT, CT are abbreviations; "NAME - RONALD PEEBLES" is a name.
        return (cue in SURE or cue == "TITLE") and len(text) > 2 and lower not in known.known
    common = lower in known.english
    if _capitalised(token):
        # "I'm Scared" is no name; "my husband Will" and "ask for Grace" are.
        return not (
            common and first and cue in ("WEAK", "SIGN_OFF") and lower not in known.first_names
        )
    if cue in SURE and first:
        return True
    if first and lower in known.spanish:  # "mi tio murio", "soy cardiologo"
        return False
    if cue in ("RELATION", "TITLE") and lower in known.first_names:  # "my husband frank"
        return True
    # English verbs and adjectives the word lists lack ("texted", "neutropenic") and roles
    # ("psychiatrist"); no long first name ends so.
    return not common and not (len(lower) > 5 and lower.endswith(_NOT_NAME_ENDINGS))


def _capitalised_runs(doc: Any) -> Iterator[Tuple[int, int]]:
    """Two or more capitalised (or upper-case) words in a row, none of them visitors'
    vocabulary or a stop word and one at least no English word: "... my mother Ana Ruiz was
    ...", "NGUYEN VAN MINH". Titled or shouted typing ("My Mom Has A Pancreatic NET") breaks
    at its stop and NET words."""
    known = words()
    run: List[Any] = []
    for token in [*doc, None]:
        ok = (
            token is not None
            and (_capitalised(token) or _shouted(token))
            and token.lower_ not in known.known
            and token.lower_ not in NOT_NAMES
            and token.lower_ not in known.stop
        )
        if ok:
            run.append(token)
            continue
        unknown = [t for t in run if t.lower_ not in known.english]
        if len(run) >= 2 and unknown:
            yield run[0].i, run[-1].i + 1
        run = []
