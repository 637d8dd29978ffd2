"""The name in what a visitor types at "What name should they ask for?".

People answer with the name alone ("Faith Hill", "李小龙"), or with words around it ("my name is
Ann", "please ask for Hope Graves, shes my daughter", "ich heiße Jürgen Schäfer", "Marivic
Pangilinan po"). Two readings, in this order:
- In a script with capital letters, a name is written capitalised: the longest run of
  capitalised words (with the particles names carry: de la, van der, bin, Ó) is the name,
  whatever language the words around it are in. A capitalised first word that only opens the
  sentence ("Please ask for ...") is not part of it.
- Typed all in lower case, or in a script without capitals, a grammar of the lead-ins and
  tails people use (in English and the languages the center's visitors write most) takes the
  words around it off.
What is left is checked as a name (bot/intake/checks.py). No list of names: a name is whatever
the person says it is, in any script, including names that are also words (Hope, Will, Joy).
"""

import re
import unicodedata
from typing import List, Optional, Tuple

from bot.intake.checks import clean_text

_RELATIVES = (
    r"(mom|mum|mother|mama|mam|dad|father|papa|husband|wife|son|daughter|brother|sister|partner|"
    r"grandma|grandmother|grandpa|grandfather|granny|aunt|auntie|uncle|friend|boyfriend|"
    r"girlfriend|fiance|fiancee|parent|child|kid|niece|nephew|cousin|spouse|mother in law|"
    r"father in law|stepmom|stepdad|patient)"
)
_WHOSE = r"(my|his|her|their|our)"
# Spanish and Portuguese family words: "para mi mamá", "la hija", "meu pai".
_FAMILIA = (
    r"(mam[aá]|pap[aá]|madre|padre|esposo|esposa|marido|hijo|hija|abuelo|abuela|hermano|"
    r"hermana|t[ií]o|t[ií]a|m[ãa]e|pai|filho|filha|av[óô])"
)
# Said before the name. Tried again and again, so "hi, it's for my dad, his name is X" works.
_LEAD_INS = [
    r"(hi|hello|hey|yo|hola|ok|okay|oh|sure|yes|yeah|s[ií]|buenas|bom dia|ol[aá]|uh+|um+|er+m?)"
    r"\b[,.!]?",
    rf"(it'?s |it is |this is |its )?(for )?{_WHOSE} {_RELATIVES}'?s? (full )?name( is|'?s|:)",
    rf"(it'?s |it is |its |this is |put it (down )?)?for ({_WHOSE} )?{_RELATIVES}\b[,:]?"
    r"( (she|he|they) is| (she|he)'?s)?",
    rf"({_WHOSE} )?{_RELATIVES}\b[,:]?( is| (she|he)'?s)?",
    rf"the patient('?s name)? is( {_WHOSE} {_RELATIVES}\b[,:]?)?",
    r"mine( is|'?s)|put it (down )?(under|as)",
    r"(my |his |her |their |the )?(full |first |real )?name( is|'?s|:|\s*[-=—–])",
    r"names\b",
    r"(you can |they can |please |pls )?(ask for|call me|ask them to ask for|call|reach out to)",
    r"(can|could|would) (you|they) (please )?(have them )?(ask for|call)",
    r"(his|her|their) name( is|'?s)",
    # Spanish
    rf"(es )?para (mi|su) {_FAMILIA}\b[,:]?( se llama| su nombre es)?",
    r"(mi|su) nombre es|me llamo|se llama|(yo )?soy|pregunten por|pregunte por|"
    r"preguntar por|llamen a|habla|aqu[ií]( habla| est[aá])?",
    # Portuguese
    r"(o )?meu nome [ée]|(o )?nome dele [ée]|(o )?nome dela [ée]|aqui [ée]|eu sou|sou|"
    rf"[ée] para (a minha|o meu|minha|meu) {_FAMILIA}\b[,:]?",
    # Tagalog, Vietnamese, Russian
    r"ako (po )?si|ang pangalan ko (po )?ay",
    r"(just |you can |please |pls )?ask (4|for)|i go by",
    r"t[ôo]i t[êe]n l[àa]|t[êe]n t[ôo]i l[àa]|t[ôo]i l[àa]",
    r"меня зовут|моё имя|мое имя|это",
    # Last: the short English openers, so that "me llamo" is read whole first.
    r"(it'?s|it is|its|this is|i'?m|i am|im|me)\b[,:]?",
]
# Lead-ins in scripts where a name may follow without a space, or whose letters end in marks
# (so no word boundary can be asked for): Arabic, Hindi, Chinese, Korean, Japanese.
_LEAD_INS_NO_BOUNDARY = [
    r"اسمي|أنا|انا|اسم من|שמי|השם שלי|קוראים לי",
    r"আমার নাম",
    r"ดิฉันชื่อ|ผมชื่อ|ชื่อ",
    r"मेरा नाम|मैं",
    r"我叫|我是|我的名字是|我姓|请找|請找",
    r"제 이름은|저는|내 이름은",
    r"私は|私の名前は",
]
# Said after the name: "X here", "X, thanks", "X (his daughter)", "X, I'm calling for my son".
_TAILS = [
    r"\(\s*[^\W\d_][^()\d]*\)",  # words in brackets: "(his daughter)", not "(1)"
    r"(i'?m|i am|im) (calling|asking|writing|messaging) (for|about|on behalf of) .*",
    r"(calling|asking|writing) (for|about|on behalf of) .*",
    rf"(for|about) {_WHOSE} {_RELATIVES}\b.*",
    rf"(i'?m|im|i am) (his|her|their|the) {_RELATIVES}\b.*",
    rf"(she'?s|he'?s|shes|hes|she is|he is) (my|his|her|their|the) {_RELATIVES}\b.*",
    rf"{_WHOSE} {_RELATIVES}\b.*",
    rf"(his|her|their) {_RELATIVES}\b.*",
    r"(here|speaking|thanks|thank you|thx|ty|please|pls|that'?s me)\b[.!]*",
    # When to call, said with the name: "Pam — after 3pm is best"
    r"(after|before|around|any ?time|mornings?|afternoons?|evenings?) .*",
    # Spanish and Portuguese: "X, mi mamá", "X, la hija", "X por favor", "X aqui"
    rf"((mi|su|la|el|meu|minha|a|o) {_FAMILIA}|soy (la|el|su) {_FAMILIA})\b.*",
    r"(por favor|por fa|porfa|gracias|muchas gracias|aqu[ií]|obrigad[oa]|por gentileza|"
    r"nada m[aá]s|nom[aá]s|solamente)\b[.!]*",
    # Help with the spelling: "Tiffani with an i at the end", "Payne, like pain but with a y"
    r"(with an?|like|spelled|spelt|as in)\b.*",
    r"[a-z](-[a-z]){2,}",
    r"(that'?s|its|it'?s) (her|his|my|their) (real |full |legal )?name\b.*",
    # "Ray is fine", "Chidi works", "gladys whitfield is the one with the appointment"
    r"(is fine|is ok|is okay|is good|is best|works|will do|would be (best|fine|great|good)|"
    r"is the one\b.*|who needs (it|the \w+)\b.*|the patient)",
]
# Tagalog politeness, written in lower case after the name ("Li Po" keeps its name).
_TAGALOG_PO = re.compile(r"\s+po[.!]*$")
# Polite endings written onto the name itself in Hindi, Korean, Japanese.
_SUFFIXES = re.compile(r"\s*(है|हूँ|हूं|입니다|이에요|예요|です|と申します|است|ค่ะ|ครับ)[.!。]*$")
_SEPARATOR = r"(?:\s+|\s*[,;:—–-]\s*)"


def _any_apostrophe(pattern: str) -> str:
    """Phones type ’ for ': "It’s Maggie" is "It's Maggie"."""
    return pattern.replace("'", "['’]")


_LEAD_RE = [
    *(
        re.compile(rf"^(?:{_any_apostrophe(pattern)})(?:\b|(?<=\W))\s*", re.IGNORECASE)
        for pattern in _LEAD_INS
    ),
    *(re.compile(rf"^(?:{pattern})\s*") for pattern in _LEAD_INS_NO_BOUNDARY),
]
_TAIL_RE = [
    *(
        re.compile(rf"{_SEPARATOR}(?:{_any_apostrophe(pattern)})$", re.IGNORECASE)
        for pattern in _TAILS
    ),
    _TAGALOG_PO,
]
# Quotes around the whole name: "Tamika Rhodes"
_QUOTED = re.compile(r"^[\"“”'‘’](.+)[\"“”'‘’]$")
# A final full stop ends the sentence, unless it ends an initial or "Jr.".
_SENTENCE_END = re.compile(r"(?<![\s.][^\W\d_])(?<!\b[JjSs]r)[.!?。]+$")


# The small words inside names: "María José de la Cruz", "Ludwig van der Berg", "Ó Briain".
_PARTICLES = frozenset(
    (
        "de",
        "del",
        "dela",
        "della",
        "la",
        "las",
        "los",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "du",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "te",
        "bin",
        "binti",
        "bint",
        "al",
        "el",
        "ibn",
        "an",
        "ul",
        "ud",
        "ur",
        "abu",
        "y",
        "e",
        "ó",
        "ní",
        "mac",
        "ap",
        "st.",
        "i",
        "und",
        "zu",
        "zum",
        "ten",
        "'t",
    )
)
# Suffixes that are capitalised but are not a name by themselves.
_SUFFIX_WORDS = frozenset(("jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"))
_WORD = re.compile(r"[^\s,;:()]+")
# Titles, in the languages the center's visitors write most, when a name follows them.
_TITLE = re.compile(
    r"^((dr|dra|mr|mrs|ms|mx|miss|prof|rev|sr|sra|srta|mme|mlle|sig|sig\.ra|dott|father|pastor|"
    r"rabbi|imam|reverend)"
    r"\.?|se[nñ]or|se[nñ]ora|senhora?|do[nñ]a|dom|madame|mademoiselle|monsieur|frau|herr|"
    r"signora|signor|don(?=\s+\S+\s+\S))\s+(?=\w)",
    re.IGNORECASE,
)
# Characters of code and markup, never of a sentence giving a name: such a message is read
# whole, so the name check refuses it, instead of a capitalised run ("DROP TABLE") taken out.
# "Dad = Abdullahi Musa" labels a name; "onerror=alert(1)" is code.
_CODE = re.compile(r"[;<>{}\[\]|\\`$*#]|--|\S=|=\S")
# The capitalised words that are never a name: "I" ("I'll answer, I'm Tomasz") and a spelling
# in single letters ("it's Hong, H-O-N-G").
_NEVER_A_NAME = re.compile(r"^(I|I'm|I’m|I'll|I’ll|I've|I'd|Im)$|^\w(-\w){2,}$")
_COMMA_SUFFIX = re.compile(r"^,\s*(Jr|Sr|II|III|IV)\b\.?", re.IGNORECASE)


def extract_name(text: object) -> Optional[str]:
    """The name in the message, without the phrase around it; None when nothing is left."""
    return _extracted(text)[0]


def framed_as_a_name(text: object) -> bool:
    """The message opens by saying it gives a name ("my name is X", "call me X", "soy X")."""
    name, led_in = _extracted(text)
    return name is not None and led_in


def _extracted(text: object) -> Tuple[Optional[str], bool]:
    """(the name, whether a lead-in was taken off its front). A message that is nothing but
    a lead-in ("my name is") has no name. A title before a name is not part of it: staff ask
    for the name, and the lead stores it once ("Dr. Ana Ruiz" is Ana Ruiz)."""
    name, led_in = _read(text)
    untitled = _TITLE.sub("", name) if name else name
    return (untitled or name), led_in


def _read(text: object) -> Tuple[Optional[str], bool]:
    original = _tidy(clean_text(text))
    if _CODE.search(original):
        return original or None, False
    without_suffix = _SUFFIXES.sub("", original)
    name = _strip_all(without_suffix, _LEAD_RE)
    led_in = name != without_suffix
    # All in capitals says no more about which words are the name than all in lower case.
    written = None if name.isupper() else _capitalised_run(name, led_in)
    if written:
        return written, led_in or written != original
    name = _tidy(_strip_all(name, _TAIL_RE)) if name else name
    return (name or None), led_in


def _capitalised_run(text: str, led_in: bool) -> Optional[str]:
    """The longest run of capitalised words (and the particles between them); None when the
    text has no capital letters to go by. After a lead-in ("ask for May when you call") the
    first word does not open a sentence, so its capital is the name's."""
    words = [w for w in _WORD.finditer(text)]
    values = [w.group(0) for w in words]
    runs: List[List[int]] = []
    current: List[int] = []
    for index, value in enumerate(values):
        joined = (
            not current
            or not text[words[current[-1]].end() : words[index].start()].strip()
            and not _ends_a_sentence(values[current[-1]])
        )
        # "Okonkwo, Chinedu": a surname, a comma, then the given name alone (not "Graves, Tom
        # Graves", which is the surname said and then the whole name; nor "Yo, Ana Ruiz").
        joined = joined or (
            len(current) == 1
            and text[words[current[-1]].end() : words[index].start()].strip() == ","
            and index == current[-1] + 1
            and _capitalised(value)
            and not (
                index + 1 < len(values)
                and (_capitalised(values[index + 1]) or _particle_before_name(values, index + 1))
            )
        )
        if not joined and current:
            runs.append(current)
            current = []
        if _capitalised(value) or (current and _particle_before_name(values, index)):
            current.append(index)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    runs = [r for r in runs if not all(values[i].lower() in _SUFFIX_WORDS for i in r)]
    opens = not led_in and not _ends_a_sentence(values[0]) if values else False
    if len(runs) > 1 and opens:  # a capital that only opens the sentence ("Please ask for X")
        runs = [r for r in runs if r != [0]] or runs
    opener_only = (
        opens
        and len(runs) == 1
        and runs[0] == [0]
        and len(words) > 1
        and not _capitalised(values[1])
        and not text[words[0].end() : words[1].start()].strip()
    )
    if not runs or opener_only:
        return None
    best = max(runs, key=lambda r: (len(r), -r[0]))
    end = words[best[-1]].end()
    suffix = _COMMA_SUFFIX.match(text[end:])
    return _tidy(text[words[best[0]].start() : end + (suffix.end() if suffix else 0)])


def _ends_a_sentence(word: str) -> bool:
    """ "Campos." in "Leticia Campos. Thank you" ends the name; an initial or an abbreviation
    ("J.", "Ma.", "Mrs.", "Jr.") does not."""
    bare = word.rstrip(".!?。")
    abbreviation = len(bare) <= 2 or "." in bare or bool(_TITLE.match(f"{word} X"))
    return bare != word and not abbreviation and word.lower() not in _SUFFIX_WORDS | _PARTICLES


def written_as_a_name(name: str) -> bool:
    """One to five words (the particles not counted), each starting with a capital or in a
    script without case, or a particle before such a word ("Miguel Ángel Sánchez de la Torre"):
    what a name looks like, so "Ernest Hurt" is not a question about pain."""
    values = name.split()
    words = [value for value in values if value.lower() not in _PARTICLES]
    return 0 < len(words) <= 5 and all(
        not value[0].islower() or _particle_before_name(values, index)
        for index, value in enumerate(values)
    )


def _particle_before_name(values: List[str], index: int) -> bool:
    """A particle ("de", "van", "la") followed, after any more particles, by a capitalised
    word: "de la Cruz", "van der Berg"."""
    while index < len(values) and values[index].lower() in _PARTICLES:
        index += 1
    return index < len(values) and _capitalised(values[index])


def _capitalised(word: str) -> bool:
    """Starts with a capital; "al-Karim", "el-Din" count by the part after the particle."""
    if _NEVER_A_NAME.match(word):
        return False
    if len(word) > 1 and word[0] in "tnhbdgm" and word[1].isupper():  # Irish: "Mac an tSaoir"
        return True
    head, _, rest = word.partition("-")
    if rest and head.lower() in _PARTICLES:
        word = rest
    # The ʻokina of "ʻAkana" is a letter without case: the capital after it counts.
    letters = [c for c in word if c.isalpha() and unicodedata.category(c) != "Lm"]
    return bool(letters) and letters[0].isupper()


def _strip_all(name: str, patterns: List[re.Pattern]) -> str:
    changed = True
    while changed and name:
        changed = False
        for pattern in patterns:
            shorter = _tidy(pattern.sub("", name, count=1))
            if shorter != name:
                name, changed = shorter, True
                break
    return name


def _tidy(text: str) -> str:
    text = _SENTENCE_END.sub("", text.strip(" ,;:=—–")).strip(" ,;:=—–")
    quoted = _QUOTED.match(text)
    return quoted.group(1).strip() if quoted else text
