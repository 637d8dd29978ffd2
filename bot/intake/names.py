"""The name in what a visitor types at "What name should they ask for?".

People answer with the name alone ("Faith Hill", "李小龙"), or with words around it ("my name is
Ann", "it's for my mom, her name is Rosa Díaz", "Kofi Mensah here, thanks"). A grammar of the
lead-ins and tails people use takes the words around it off; what is left is checked as a name
(bot/intake/checks.py). No list of names: a name is whatever the person says it is, in any
script, including names that are also words (Hope, Will, Joy, Payne).
"""

import re
from typing import Optional

from bot.intake.checks import clean_text

_RELATIVES = (
    r"(mom|mum|mother|mama|mam|dad|father|papa|husband|wife|son|daughter|brother|sister|partner|"
    r"grandma|grandmother|grandpa|grandfather|granny|aunt|auntie|uncle|friend|boyfriend|"
    r"girlfriend|fiance|fiancee|parent|child|kid|niece|nephew|cousin|spouse|mother in law|"
    r"father in law|stepmom|stepdad|patient)"
)
_WHOSE = r"(my|his|her|their|our)"
# Said before the name. Tried again and again, so "hi, it's for my dad, his name is X" works.
_LEAD_INS = [
    r"(hi|hello|hey|hola|ok|okay|sure|yes|yeah)\b[,.!]?",
    rf"(it'?s |it is |this is |its )?(for )?{_WHOSE} {_RELATIVES}'?s? (full )?name( is|'?s|:)",
    rf"(it'?s |it is |its |this is )?for {_WHOSE} {_RELATIVES}\b[,:]?"
    r"( (she|he|they) is| (she|he)'?s)?",
    rf"{_WHOSE} {_RELATIVES}\b[,:]?( is| (she|he)'?s)?",
    r"(my |his |her |their |the )?(full |first |real )?name( is|'?s|:)",
    r"names\b",
    r"(you can |they can |please |pls )?(ask for|call me|ask them to ask for)",
    r"(it'?s|it is|its|this is|i'?m|i am|im|me)\b[,:]?",
    r"(his|her|their) name( is|'?s)",
]
# Said after the name: "X here", "X, thanks", "X (his daughter)", "X, I'm calling for my son".
_TAILS = [
    r"\(\s*[^\W\d_][^()\d]*\)",  # words in brackets: "(his daughter)", not "(1)"
    r"[,;-]? ?(i'?m|i am|im) (calling|asking|writing|messaging) (for|about|on behalf of) .*",
    r"[,;-]? ?(calling|asking|writing) (for|about|on behalf of) .*",
    rf"[,;-]? ?(for|about) {_WHOSE} {_RELATIVES}\b.*",
    rf"[,;-]? ?(i'?m|im|i am) (his|her|their) {_RELATIVES}\b.*",
    rf"[,;-]? ?{_WHOSE} {_RELATIVES}\b.*",
    rf"[,;-]? ?(his|her|their) {_RELATIVES}\b.*",
    r"[,;-]? ?(here|speaking|thanks|thank you|thx|ty|please|pls)\b[.!]*",
]
_LEAD_RE = [re.compile(rf"^{pattern}\s*", re.IGNORECASE) for pattern in _LEAD_INS]
_TAIL_RE = [re.compile(rf"\s*{pattern}$", re.IGNORECASE) for pattern in _TAILS]
# A final full stop ends the sentence, unless it ends an initial or "Jr.".
_SENTENCE_END = re.compile(r"(?<![\s.][^\W\d_])(?<!\b[JjSs]r)[.!]+$")


def extract_name(text: object) -> Optional[str]:
    """The name in the message, without the phrase around it; None when nothing is left."""
    name = clean_text(text).strip(" ,;:")
    name = _SENTENCE_END.sub("", name).strip(" ,;:")
    for patterns in (_LEAD_RE, _TAIL_RE):
        changed = True
        while changed and name:
            changed = False
            for pattern in patterns:
                shorter = pattern.sub("", name, count=1).strip(" ,;:")
                if shorter != name and shorter:
                    name, changed = _SENTENCE_END.sub("", shorter).strip(" ,;:"), True
                    break
    return name or None
