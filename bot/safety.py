"""Rule-based safety triage: the clear cases, under the trained classifier.

What the rules can tell (bot/nlu/safety_triage.py combines it with the safety model):
- TAKEOVER: a clearly current medical emergency, or self-harm intent, plan, means or farewell,
  in English or Spanish. The 911/988 answer must never depend on model confidence for these.
- NOT_NOW: an emergency or self-harm pattern, but clearly not happening now: asked about
  ("can PRRT cause chest pain?"), over ("my dad survived a heart attack", "a suicide attempt in
  2015, he is doing well now"), denied ("i havent had thoughts of self harm"), hypothetical
  ("what should i do if i ever get chest pain"), or a joke ("... lol"). The rules know this
  better than a bag-of-words model, so it caps the tier: an answer with a safety line.
- MENTION: a risk word, nothing more; the safety model decides, at least a safety line.
- None: nothing risky.
The medical patterns aim at precision (a takeover for a question frightens and does not
answer); the self-harm patterns at recall: only a general question with no first-person
wording ("are cancer patients at higher risk of suicide?") is a mention rather than a takeover.
"""

import re
import unicodedata
from typing import Literal, Optional

Tier = Literal["takeover", "not_now", "mention"]
TAKEOVER: Tier = "takeover"
NOT_NOW: Tier = "not_now"
MENTION: Tier = "mention"

# Seeking a method is never a topic or a joke, however it is framed: "how many of my morphine
# tabs would it take. just wondering", "the amount that would stop someones heart".
_METHODS = [
    r"how (many|much) (\w+ ){0,4}(it would take|would it take)",
    r"(easiest|quickest|fastest|painless|best|surest) way to (die|kill|end it)",
    r"(all|whole) (of )?(my|their|his|her) (insulin|pills|meds|medication) at once",
    r"(would|will|to) stop (\w+ )?(heart|breathing)",
]

_GIVING_UP_CARE = (
    r"((wont|will not) (be )?(need|needing|coming to|coming back)|"
    r"(canceled|cancelled|canceling|cancelling) (all )?(\w+ ){0,2}(appointments?|appts?|visits?|"
    r"treatments?))"
)
_FAREWELL = r"(goodbye|bye|(thank you|thanks) for (everything|trying|all you(ve)? (did|done)))"
# Clear self-harm: intent, plan, means or farewell, said by the visitor or of someone with
# them. A mention as information ("is suicide risk higher after a diagnosis?") is left to the
# trained safety model (bot/nlu/safety_classifier.py), which learnt such near misses.
_SELF_HARM = [
    r"(im|i am|feeling|feel|been|ive been|getting|so) suicidal|^suicidal$",
    r"(thinking|thought|thoughts|think) (about|of) (suicide|killing (my|him|her) ?self|"
    r"taking (my|his|her) (own )?life|ending (it|my life))",
    r"(want|going|gonna|plan|planning|decided) (to )?(commit )?suicide",
    r"kill (my ?self|him ?self|her ?self|them ?selves)|(please|someone|just) kill me|"
    r"killing my ?self(?! (working|with work|over|trying|for|at))|kms",
    r"end(ing)? (my|it) (own )?(life|all)",
    r"(take|taking) (my|his|her) (own )?life",
    r"end it all",
    # "I'm going to die" as a statement; "i'm scared i'm going to die" is a fear (faq/outlook).
    # Wishes for the end of life ("i want to die at home when the time comes") are care
    # planning, not intent.
    r"(want|wanna|ready) to die(?! (peacefully|at home|in (my|our) (own )?(bed|home|sleep)|"
    r"with dignity|when (the|my) time comes|comfortably))|(?<!scared )(?<!afraid )(?<!terrified )(?<!worried )(?<!fear )"
    r"(?<!if )(?<!whether )(?<!mean )(?<!that )(?<!think )"
    r"\b(im|i am|ill|i will) (going to|gonna) die\b"
    r"(?! (of|from) (this|it|the|my|cancer)| eventually| someday| one day)|wanna die",
    r"better off dead|rather be dead|wish i (was|were) dead",
    r"(dont|do not|no longer) want to (live|be alive|be here|wake up|exist)",
    # A word typed alone ("suicide", "self harm again") is someone at risk, not a topic.
    r"^(suicide|suicidio|self ?harm(ing)?|kill myself)( again| now| tonight)?$",
    r"no (reason|point) (to|in) (live|living|go on|going on)",
    r"(hurt|hurting|harm|harming|cut|cutting) (my ?self|him ?self|her ?self|them ?selves)",
    r"(cut|burned|burnt) (my|his|her) \w+ again",
    r"(been|started|keep|still) self ?harming",
    r"(been|started|keep|kept|still) (cutting|burning)|(cutting|burning|harming|cut) (\w+ )?again|"
    r"cut (my ?self |myself )?deeper",
    r"(going to|gonna|want to|will|plan to|planning to|about to) overdose",
    r"take all (of )?my (pills|meds|medication)",
    r"cant (do|take|go on with) (this|it) anymore",
    r"want (it all|everything|it) to (stop|end|be over)",
    r"end(ing)? things|planning to end",
    r"(thinking|thought|think) (about|of) ending it|end(ing)? it (tonight|today|now|soon|before)",
    r"(want|wanna|going|gonna|ready) (to )?end it",
    r"(everyone|they|my family|my kids) (would be|is|are|will be) better off without me",
    r"giving away (my|all my) (things|stuff|belongings)",
    # Means at hand (established warning signs), not only words about dying.
    r"(have|holding|got|with|loaded) (\w+ ){0,2}(gun|pistol|rifle|firearm)",
    r"(gun|pistol|rifle) (is )?(in|to|against) my",
    r"(car|engine) running in the garage|garage with the (car|engine) running",
    r"noose|hang(ing)? my ?self",
    r"jump(ing)? (off|from) (a |the |my )?(bridge|roof|building|balcony|ledge|cliff)",
    r"(standing|sitting) on (the |a )?(edge of )?(the |a )?(bridge|ledge|roof|cliff)",
    r"(razor|blade|knife|rope) (is |are )?(right )?(here|next to me|in my hand)",
    r"(bought|buying|got|get) (a |some |the )?(rope|gun|pistol|razor blades)$|"
    r"(bought|got|have|has) (a |some |the )?rope\b",
    r"(goodbye|bye) (to )?(everyone|everybody|all of you)\b",
    r"(drive|driving|crash|crashing) (\w+ ){0,2}(into|off) (a |the )?(tree|wall|bridge|cliff|river)",
    r"looks? like an accident|(make|making|would|will) (it )?(look|seem) (like an accident|natural)",
    r"lethal (dose|amount)",
    *_METHODS,
    r"(amount|dose|how much|how many) (\w+ ){0,5}(would|will|to) (stop (\w+ )?heart|kill)",
    r"(dont|do not) (think )?(im|i am) coming back (inside|in|home)",
    r"(dont|do not) trust my ?self",
    # Shutting oneself away (with or without the means named) is a warning sign of its own.
    r"locked (my|him|her|them) ?sel(f|ves) (in|inside|away)",
    r"(saved|saving|stockpiled|collected|hoarded|hoarding) (up )?(all )?(my |of my )?(pills|meds|medication)",
    r"(pills|meds|tablets) (saved|stockpiled|hoarded)",
    r"swallow (every|all) (the |my )?(pills?|meds?|tablets?)",
    r"(know|decided|planned) (exactly )?how (im|i am|ill|i will|i would|id) (going to |gonna )?do it",
    r"(wont|will not|not going to|not gonna) be a burden (much longer|anymore|for long)",
    r"(im|i am) (just |only |such |nothing but )?a burden",
    r"(dragging|bringing|pulling) (\w+ ){0,2}(everyone|everybody|people|them|family|kids|loved ones) "
    r"down with me",
    r"(decision|mind) (is|has been) made\b.*\b(someone (to )?know|goodbye|(im|i am) (at peace|ready))",
    # Farewells and "why am I still here".
    r"(this is|saying) (my )?(last )?goodbye|goodbye (forever|for good)|last (message|goodbye)",
    r"(said|saying|say) goodbye to (everyone|everybody|my (family|kids|children|friends))",
    r"(goodbye|farewell|suicide) (note|letter)s?",
    r"(wrote|written|left) (a|my) (final |last )?note"
    r"(?! (to|for) (my|the|his|her) (doctor|nurse|team|oncologist|surgeon|school|work|boss))",
    r"(wont|will not|not gonna|not going to) be (here|around) (tomorrow|much longer|anymore|long|"
    r"to see|for|by then|next (week|month))",
    r"(wont|will not|not gonna|not going to|dont plan to) be alive|"
    r"done with (life|living)|tired of (life|living)|nothing (left )?to live for",
    r"(tonight|today) is (my|her|his) last (night|day)|last (night|day) (alive|on earth)",
    r"(dont|do not) plan (on|to) (be|being|still being|stay|staying) (here|around|alive)",
    r"(take|swallow|down|drink) (the |my |a )?(whole|entire) (bottle|pack|box|supply)",
    r"(dont|do not) know why (im|i am) still (here|alive)|why am i still (here|alive)",
    r"(better|easier) (for everyone )?if i (was|were) (gone|dead|not here|not around)",
    r"(made|making) (my )?peace (with|and)|said (all )?my goodbyes",
    r"(at peace|ok|okay|fine) with what (im|i am) (about|going) to do",
    # A farewell that gives up the care still booked ("thank you for everything, i wont need my
    # appointment next week", "canceled my appointments with you guys... thank you for trying").
    rf"{_GIVING_UP_CARE}\b.*\b{_FAREWELL}|{_FAREWELL}\b.*\b{_GIVING_UP_CARE}",
    r"^suicidal (rn|now|right now|tonight|today|again)",
    # Spanish (accents are folded: "despedí" is "despedi")
    r"quiero (morir|morirme)(?! (en (mi|la) casa|tranquil[oa]|en paz|con dignidad|cuando llegue))|"
    r"quiero (matarme|quitarme la vida|suicidarme)|me (voy|quiero) (a )?matar|"
    # The verbs themselves, in any person or tense; a past attempt is read by _OVER/_HISTORY.
    r"matarme|matarse|suicidarse|(quitarme|quitarse) la vida|(hoy|ya|esta noche) me mato|"
    r"(me|se) (quiere|quiero|queria) morir|cansad[oa] de vivir|"
    r"(esta noche|hoy|ya) (termino|acabo) con todo|(termino|acabo) con todo (esta noche|hoy)|"
    r"(ya )?no voy a estar (aqui|aca|viv[oa]|manana|mas tiempo)|(mi )?ultimo mensaje|todo listo para irme|"
    r"(quiero|voy a|me voy a|tengo ganas de|pienso) (hacerme (dano|algo)|lastimarme|cortarme)|"
    r"mejor me (mato|muero)|me voy a (quitar la vida|suicidar)|"
    r"se va(n)? a (matar|quitar la vida|suicidar)|suicidarme|ya no quiero vivir|"
    r"(se|te) (quiere|quieren|queria) (matar|suicidar)|nada por (que|lo que) vivir|"
    r"acabar con (mi vida|todo)|se acaba todo|me despedi de (mis|todos)|"
    r"(soy|es) (solo |nada mas que )?una carga|(me quito|quitarme|quitarse) de en medio|"
    r"adios a todos|(no )?quiero (existir|seguir existiendo)|"
    r"(estaria|estarian|estarias|estaran) mejor sin mi|ya (decidi|se) como (hacerlo|matarme)|"
    r"lo voy a hacer yo|(ya )?no quiero (estar aqui|seguir aqui|seguir viviendo|despertar\w*)|"
    r"desaparecer para siempre|(esto|este) es (un|mi) adios|adios para siempre|"
    # Self-injury said as done or going on, not only as a wish.
    r"me (corte|cortaba|quemo|queme) (los brazos|las munecas|las piernas|otra vez|de nuevo|con)|"
    r"me (estoy|sigo) (haciendo dano|cortando|quemando|lastimando)|haciendome dano a proposito|me hago dano|me lastimo a proposito|(pegar|pegarme|pegarse|darme|darse) un (tiro|balazo)|"
    r"(tengo|tiene) (una |la |el |su |mi )?(pistola|arma|revolver)|"
    r"(cuantas|cuantos) (\w+ ){0,5}(para|se necesitan para) (ya no despertar|morir|no despertar)",
]

_MEDICAL = [
    r"heart attack|cardiac arrest|(heart|pulse) (has )?stopped",
    r"chest (pain|pains|pressure|tightness)",
    r"(pain|pressure) in (my|his|her|their) chest",
    r"chest (is |feels )?(hurts?|hurting|tight|crushing|heavy)",
    r"crushing (pain|pressure)",
    r"(cant|cannot|can not|unable to|struggling to|barely) (breathe|breath|breathing)",
    r"(not|stopped|isnt|is not|hes not|shes not) breathing",
    r"gasping (for )?(air|breath)",
    r"choking",
    r"(heavy|heavily|severe|lots of|a lot of|uncontrolled) bleeding",
    r"blood (wont|will not|doesnt|does not|keeps|is) (stop|stopping|pouring|gushing|spurting)",
    r"blood everywhere|gushing blood|spurting",
    r"(soaking|soaked|soaks) (through )?(the |a |my |his |her )?(towels?|bandages?|dressing|gauze)",
    r"(towels?|bandages?|dressing|gauze) (is |are )?(soaked|soaking)",
    r"bleeding (heavily|a lot|badly|everywhere|wont stop|will not stop|nonstop)",
    r"(vomiting|throwing up|coughing up|puking) blood",
    r"passed out|fainted|collapsed|blacked out",
    r"unconscious|unresponsive|(wont|will not|cant) wake (him |her |them )?up",
    r"(barely|not|isnt|is not) conscious|lost consciousness",
    r"carcinoid crisis",
    r"blood pressure (crashed|crashing|dropped|is dropping|very low)",
    r"seizure|seizing|convulsing|convulsions|(is|hes|shes|he is|she is|started|keeps|keep) fitting",
    r"foaming at the mouth|eyes (rolled|rolling) back",
    r"(shaking|jerking|twitching) (all over|uncontrollably)",
    r"(blood )?(sugar|glucose) (is |of |at |reading |level |reads )?(is |of )?[1-4][0-9]\b",
    r"(blood pressure|bp)( cuff)? (is |of |at |reading |reads |says )?(is )?[3-7][0-9] (over )?[0-9]{2}\b",
    r"fading (in and )?out|in and out of consciousness|keeps passing out",
    r"(drank|swallowed|ate|drinking|swallowing) (some |a |the |a bottle of )?(bleach|poison|"
    r"cleaner|detergent|antifreeze|drain cleaner|batter(y|ies)|something from under the sink)",
    r"poisoned|poisoning|got into (the |some |a |my |his |her |\w+s )?(bleach|drain cleaner|"
    r"cleaner|detergent|antifreeze|pills|meds|medicine|medication)",
    r"lips( are| is)?( turning| look| looking| went| gone)? (blue|purple|grey|gray)|"
    r"(turning|turned|gone|going) (blue|purple|grey|gray)\b(?! (in|with|from) )|"
    r"no pulse|(cant|cannot) find (a |his |her )?pulse|\bcpr\b",
    r"wheezing (so )?(bad|badly|hard)|cant (talk|speak) in (full )?sentences",
    r"(worst|unbearable|excruciating) (belly |stomach |abdominal |head )?(pain|ache)",
    r"stroke(?! (center|unit|clinic|building|risk|team|ward|service))|face (is )?drooping|"
    r"slurred speech",
    r"anaphyla\w*|throat (\w+ ){0,4}(closing|swelling)|(severe|serious|bad) allergic reaction",
    # Fever on chemotherapy can be an infection with no defences: an emergency of its own.
    r"fever (\w+ ){0,2}(during|after|on|from|with) (my |his |her )?(chemo|chemotherapy|captem|"
    r"capecitabine|temozolomide)",
    # Asking for emergency help in so many words.
    r"(i|we) need an ambulance|(call|send) (an |the )?ambulance|this is an emergency|"
    r"(?<!no )es una emergencia|necesito(mos)? una ambulancia",
    r"(lips|tongue|face) (are |is )?(swelling|swollen)",
    r"(took|taken|swallowed) (way |far )?too many",
    r"swallowed (some|a bunch of|a handful of|his|her|my) (pills|tablets|meds)",
    r"(temp|temperature|fever) (is |of )?10[3-9]",
    # Vital signs as numbers, both units and both languages: a shock-level blood pressure, a
    # fever of 39.5 C and more, low oxygen, a racing heart.
    r"(bp|blood pressure|presion)( arterial)?( (is|of|at|reading|reads|says|was|like|low|baja|"
    r"en|de|esta|a|dropped to|down to))* [3-8][0-9]( (over|sobre))?( [0-9]{2})?\b",
    r"(temp|temperature|fever|fiebre|temperatura)( (is|of|at|was|de|en|a|esta))* "
    r"(39 [5-9]|4[0-2])\b",
    r"(sats?|spo2|o2|oxygen|oxigeno|saturacion)( (is|at|of|level|sat|sats|reading|reads|was|en|de|"
    r"esta|a|like|dropped to|down to))* [5-8][0-9]\b",
    r"(hr|heart rate|pulse|pulso)( (is|at|of|was|en|de|like))* (1[5-9][0-9]|2[0-4][0-9])\b",
    r"(belly|stomach|abdomen) (is )?(hard|rigid) as a (board|rock)",
    r"(bp|blood pressure|presion)( is| of| at| reading| reads| says)? "
    r"(1[89][0-9]|2[0-9][0-9]) (over )?[0-9]{2,3}\b|(bp|blood pressure|presion)( is| of| at)? "
    r"[0-9]{2,3} (over )?(1[2-9][0-9])\b",
    # Spanish
    r"no (puede|puedo|podia) respirar|no respira|se (esta )?ahogando|"
    r"se desmayo|me desmaye|desmayad[oa]|no despierta|no reacciona|inconsciente|se desplomo|"
    r"no (le |se le )?(siento|encuentro|encontramos) (el )?pulso|"
    r"(panza|barriga|estomago|abdomen|vientre) (\w+ )?dur[oa] como (una )?(piedra|tabla)|"
    r"dolor (\w+ )?(insoportable|inaguantable)|"
    r"dolor (muy fuerte )?(de|en el) pecho|(me|le) duele (mucho )?el pecho|(vomitando|vomita|tosiendo|escupiendo) sangre|"
    r"convulsion(ando|a|es)?|(poniendo|puso) (morad[oa]|azul)|labios (morados|azules)|"
    r"se (me|le|nos) (esta )?(cerrando|cierra|hinchando|hincha) la garganta|"
    r"garganta (cerrada|hinchada)|(lengua|labios|cara) (muy )?hinchad[oa]s?|"
    r"(azucar|glucosa)( \w+){0,5} [1-4][0-9]\b|(39 [5-9]|4[0-2]) (de |grados de )?fiebre|"
    r"(cara|boca) (caida|chueca|torcida)|se (le|me) (cayo|chueco|torcio) (la |el )?(cara|boca)|"
    r"no puede (hablar bien|mover (el|la|los|las) (brazo|pierna|lado|brazos|piernas))|"
    r"no tiene pulso|sin pulso|\brcp\b|"
    r"(sangrando mucho|no para de sangrar)|sangrado (que )?no (para|se detiene|se para)|infarto|ataque al corazon|derrame cerebral",
]

# A medical pattern inside a general question ("can PRRT cause chest pain?") is information
# seeking, not an emergency, unless the person also says it is happening now.
_GENERAL_QUESTION = re.compile(
    r"\b(is it (true|possible|common|normal)|how likely|prevention|questions? about|"
    r"(i|we) (read|heard|saw) (that|about|online)|"
    r"info(rmation)? (about|on))\b|"
    r"\b(can|could|does|do|is|are|will|would)\b.*\b(cause|causes|symptom|symptoms|sign|signs|"
    r"side effects?|lead to|mean)\b"
    r"|\b(es|son) (un |una )?(efecto|efectos) (secundario|secundarios|adverso)\b"
    r"|(^|\b(but|and|so) )(what is|what are|whats|what does|how does|how do|why does|why do)\b"
    r"|^(what|which|how high a|at what) (fever|temp|temperature)\b"
    # Asked about as a topic: what sets it off, how common, how it differs, who mentioned it.
    r"|\b(trigger|triggers|triggered|set off|sets off|prevent|prevented|risk of|risks|"
    r"how (common|often|likely)|same (thing )?as|difference between|different from|differ from|"
    r"puede causar|pueden causar|puede dar|es (un )?sintoma|mentioned|warned (me|us) about|"
    r"alert (card|bracelet)|what happens (in|during|if))\b"
)
# Or a past episode that is over, or someone's history ("I passed out once two years ago",
# "my dad survived a heart attack", "she has a history of seizures").
_OVER = re.compile(
    r"\b((years?|months?|weeks?|days?) (ago|back)|yesterday|"
    r"last (night|week|month|year|spring|summer|fall|autumn|winter|time)|"
    r"in the past|turned out|for (weeks|months|years)|on and off|off and on|occasional(ly)?|"
    r"(it |that )?(goes|went) away|comes and goes|"
    r"for (a|one|two|three|several|a few|\d+) (years?|months?|weeks?)|"
    r"(the )?(last|past) (couple|few|several) (of )?(years|months|weeks)|"
    r"since (spring|summer|fall|autumn|winter|last|january|february|march|april|may|june|july|"
    r"august|september|october|november|december)|desde hace (\w+ )?(anos?|mes|meses|semanas?)|tuvo|tuve|tenia|"
    r"(it|that|the bleeding) (has )?stopped|(fine|better|okay|ok) now|"
    r"hace (\w+ )?(anos?|mes|meses|semanas?|dias?)|el (ano|mes) pasado|ya esta bien|"
    r"(at|during|after) (my|his|her|their) (last|first|previous) (\w+ ){0,2}(infusion|visit|"
    r"appointment|treatment|blood draw|scan|surgery|procedure|operation|shot|injection)|"
    r"(back )?in (january|february|march|april|may|june|july|august|september|october|"
    r"november|december)|"
    r"survived|survivor|sobreviviente|recovered|history of|used to|previous|prior|"
    # "once" as "one time", not "once my affairs are in order".
    r"once(?! (my|the|i|we|everything|its|it|all|this|that|he|she|they)\b)|in (19|20)[0-9]{2}|"
    r"(?<!de )una vez(?! que)|nearly died|almost died|(died|passed away|passed) (from|of)|(murio|fallecio) (de|por)|"
    r"as a (kid|child|teen|teenager|baby)|de (nino|nina|pequen[oa]|chic[oa])|"
    r"during (my|his|her|their) (first|last|previous|earlier)|"
    r"(gave|giving|give|nearly gave|almost gave) (me|him|her|us|them) a heart attack|"
    r"lol|lmao|haha|jk|"
    r"had (a |an |his |her |my |their )?(heart attack|stroke|seizure|bleed|cardiac arrest)|"
    r"(le|me|les) dio (un |una )?(infarto|derrame|ataque|convulsion)|casi me (da|dio|muero|mata)|"
    r"when (i|he|she|they|we) (was|were))\b"
)
# Said in jest, or about a time that has not come: not happening now.
_JOKE_OR_HYPOTHETICAL = re.compile(
    r"\b(lol|lmao|haha\w*|jaja\w*|jeje\w*|jk|kidding|"
    r"(when|once|if) (i|we|he|she|they|my \w+) (saw|sees|see|got|gets|opened|opens|read|reads|"
    r"hears?|heard|finds? out) (about )?the (bill|statement|price|quote|copay|cost|invoice|news)|"
    r"cuando (vi|vimos|llego|me llego) (la|el) (factura|cuenta|precio|cobro)|"
    r"if (\w+ ){1,2}ever|in case|(going to|gonna|will|would) kill (me|us|him|her) if|"
    r"(die|dying|died) of (boredom|laughter|curiosity|embarrassment|shame|suspense)|"
    r"(me muero|morirme|muriendo|me mori) de (verguenza|risa|aburrimiento|curiosidad|nervios)|if (it|that|this) (ever )?happens|what to do (if|when)|"
    r"what should (i|we) do (if|when)|ahead of time|(for|in) the future|algun dia|"
    r"just (want|wanted) to know|hypothetically|just wondering|just trying to understand)\b"
)
# Medical risk as a condition or as something heard ("if i cant breathe during the scan", "a
# friend said a crisis can kill you"): not happening now. Not for self-harm, where "if i drive
# into the river" is a plan.
_CONDITIONAL = re.compile(
    r"^(and |but |so )?if (i|he|she|they|we|my \w+)\b|\b((a friend|someone|people) (said|told me)|"
    r"can kill you|action plan|si (me|le) (da|pasa)|"
    r"if (i|he|she|they|we|my \w+) (gets?|develops?|spikes?|runs?|has|have) (a |an )?(fever|temp|"
    r"temperature|chest pain|rash|bleed\w*|allergic reaction|reaction))\b"
)
# Words that call for help now, except in a question about a time that has not come ("if he
# ever has a seizure do we call 911?").
_CALLS_FOR_HELP = r"911|ambulance|urgent|emergency|urgente|emergencia"
_CALL_FOR_HELP = re.compile(rf"\b({_CALLS_FOR_HELP})\b")
# Said to mean it is happening as we speak. The loose words ("now", "having") count only when
# nothing in the message places the event in the past ("what do you do to prevent that now").
_HAPPENING_NOW = re.compile(
    r"\b(right now|just now|happening now|as we speak|"
    r"still (bleeding|not|unconscious|unresponsive|having|seizing|shaking|vomiting|throwing up|"
    r"passing out|fainting|in pain|choking|gasping)|"
    # A cry for help, not a request for it ("can someone help me with a wheelchair").
    r"^help|help\s*!|(?<!can )(?<!could )(?<!would )(someone|somebody|please) help"
    r"(?! (me |us |him |her )?(with|to|find|get|understand|figure|out))|"
    rf"{_CALLS_FOR_HELP}|ahorita|^ayuda|ayuda\s*!|ayudenme|ayudame)\b"
)
_NOW_LOOSELY = re.compile(
    r"\b((?<!fine )(?<!better )(?<!okay )(?<!ok )now|currently|(?<!not )having|im having|i am having|"
    r"hes having|shes having|ahora)\b"
    # "I'm having surgery next month" plans an event; it is no sign happening.
    r"(?! (surgery|an? (scan|operation|procedure|biopsy|colonoscopy|appointment|infusion)|"
    r"treatment|chemo|tests?|my (surgery|scan|treatment|appointment)))"
)

_SELF_HARM_RE = re.compile(r"\b(" + "|".join(_SELF_HARM) + r")\b")
_MEDICAL_RE = re.compile(r"\b(" + "|".join(_MEDICAL) + r")\b")
# A question about self-harm as information, with nobody named: "can you overdose on
# octreotide", "are cancer patients at higher risk of suicide".
_INFO_QUESTION = re.compile(r"^(are|is|can|could|does|do|what|whats|how|why|which|should|will)\b")
_FIRST_PERSON_OR_SOMEONE = re.compile(
    r"\b(i|im|ive|id|ill|me|my|myself|mine|he|hes|she|shes|him|her|his|they|them|husband|wife|"
    r"son|daughter|mom|mum|dad|mother|father|brother|sister|friend|partner)\b"
)
# Self-harm in the past is still a takeover when it is coming back; a bare "now" only when the
# message does not say how well the person is doing ("im 45 now and doing ok").
_SELF_HARM_BACK = re.compile(r"\b(tonight|today|again|right now|anymore|this time)\b")
_NOW = re.compile(r"\bnow\b")
# Where the visitor read or heard something: a source, not a person at risk.
_SOURCE = re.compile(r"\b(i|we) (read|heard|saw|was told|were told)\b")
# Someone's history, a death that has happened, end-of-life planning: not an emergency now.
_HISTORY = re.compile(
    r"\b(attempt(ed)? (\w+ ){0,3}(in|back in|years ago|when)|(doing|is|hes|shes|was) "
    r"(really )?(well|fine|ok|okay|good|stable) now|doing (really )?(well|fine|ok|okay|good|"
    r"better)|(im|i am) [0-9]{2} now|passed away|funeral|hospice|"
    r"(as a|when (he|she|i) was a) (teen|teenager|kid|child)|in (his|her|my|their) (teens|20s|"
    r"30s|40s|twenties|thirties)|years ago|back in (19|20)[0-9]{2}|hace (\w+ )?anos|"
    r"ya estoy bien|estoy estable)\b"
)
# "nothing urgent", "im fine, no emergency", "no estoy en peligro": the visitor says it is not
# an emergency, so the words "urgent" and "emergency" in it do not say it is happening now.
_NOT_URGENT = re.compile(
    r"\b((its not |this is not |this isnt |isnt |is not |not |no |nothing )(an? |la )?"
    r"(urgent|emergency|emergencia|urgente|in danger|en peligro)|"
    r"(im|i am|were|we are) (safe|fine|ok|okay|not in danger)|"
    # Said of the body or the event: "feel totally fine", "gone now", "nothing happening now"
    r"((i|he|she|we) )?(feel|feels|felt) (totally |completely |perfectly )?fine|(its |it is )?gone now|"
    r"nothing (is )?happening( right)? now|not happening (now|right now)|(just )?for a plan|"
    r"para tener un plan|just checking|"
    r"(everyone|everybody|we all) (is|are) (ok|okay|fine|safe)|"
    r"no (estoy|estamos|es) (en peligro|urgente|una emergencia|emergencia)|estoy bien)\b"
)
# A risk word naming a role, a plan or a kind of care, not an event: "i'm her emergency
# contact", "an emergency plan for school", "i'm an ER nurse", "how do i bring up hospice".
_NOT_AN_EVENT = re.compile(
    r"\b(family emergency|emergency (contact|contacts|plan|plans|number|numbers|kit|card|fund|info|information|"
    r"letter|form)|(er|emergency room|icu|trauma|hospice) (nurse|doctor|physician|worker|staff|"
    r"tech)|hospice|palliative|end of life (care|planning|wishes)|advance directive|living will)\b"
)
# A sign denied right where it is named ("no fever, no chest pain, just a rash", "ni dolor de
# pecho"): every sign in the message denied is no emergency.
_DENIED_SIGN = re.compile(
    r"\b(no|not|ni|sin|without|nor|no longer|no signs? of|not having|no tengo|no tiene|no hay|"
    r"(scared|afraid|worried|terrified|nervous|fear|miedo) (of|about|de|a)( \w+)?)$"
)
# "i havent had thoughts of suicide": what is denied is not a takeover.
_NEGATION = re.compile(r"\b(not|never|havent|hasnt|dont|didnt|doesnt|(?<!ya )no|nor|without)\b")
# A purpose of dying named in a question is not information asked for ("how many would it take
# to not wake up").
_TO_DIE = re.compile(r"\b(to|para) (not|never|no|ya no) (wake|despertar)|\b(to|para) (die|morir)\b")
_METHOD = re.compile(r"\b(" + "|".join(_METHODS) + r")\b")
# A screening question answered no ("the form asks if ive had thoughts of harming myself, i
# checked no"): denied after it is said.
_ANSWERED_NO = re.compile(
    r"\b(i (checked|said|answered|put|ticked|marked)|(the |my )?answer (is|was)) no\b"
)
# Words that deserve a safety line when they are not an emergency themselves.
_RISK_WORDS = re.compile(
    r"\b(die|dies|died|dying|death|dead|kill\w*|suicid\w*|overdos\w*|self ?harm\w*|"
    r"heart attack|cardiac arrest|chest (pain|pains|pressure)|breath\w*|bleed\w*|blood|"
    r"seizures?|stroke|faint\w*|passed out|collapsed?|unconscious|unresponsive|crisis|"
    r"emergency|911|poison\w*|anaphyla\w*|allergic reaction)\b"
)

# Distress said in words that emergencies also use ("im freaking out", "panicking"), with no
# emergency or risk named: a feeling, which the model alone takes over only when it is sure.
_DISTRESS = re.compile(
    r"\b(freak\w* out|panick?\w*|losing (it|my mind)|meltdown|nervous wreck|(so|really|very) "
    r"(scared|anxious|worried|upset)|anxiety|asustad[oa]|nervios[oa])\b"
)


_SENTENCES = re.compile(r"(?<=[a-z)])[.!?;]+\s+|\n+", re.IGNORECASE)


def normalise(text: str) -> str:
    """Lower-case, fold accents and curly quotes, drop apostrophes, collapse spacing."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("\u2019", "'").replace("'", "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def triage(text: str) -> Optional[Tier]:
    """TAKEOVER, NOT_NOW or MENTION (see the module's docstring); None when nothing is risky."""
    if not text:
        return None
    clean = normalise(text)
    not_urgent = bool(_NOT_URGENT.search(clean) or _NOT_AN_EVENT.search(clean))
    joking = _JOKE_OR_HYPOTHETICAL.search(clean)
    found = _SELF_HARM_RE.search(clean)
    if found:
        general = (
            _INFO_QUESTION.search(clean)
            and not _FIRST_PERSON_OR_SOMEONE.search(_SOURCE.sub(" ", clean))
            and not _TO_DIE.search(clean)
        )
        # "not an emergency, i want to die" denies the urgency, not the wish. The window is
        # whole words: "bano" (baño) cut to "no" is no denial.
        window = " ".join(clean[: found.start()].split()[-4:])
        before = _NOT_URGENT.sub(" ", window)
        denied = _NEGATION.search(before) or _ANSWERED_NO.search(clean[found.end() :])
        recovered = (
            bool(_OVER.search(clean))
            and not _SELF_HARM_BACK.search(clean)
            and (not _NOW.search(clean) or bool(_HISTORY.search(clean)))
        )
        if _METHOD.search(clean):
            return TAKEOVER
        return NOT_NOW if general or denied or recovered or joking else TAKEOVER
    signs = list(_MEDICAL_RE.finditer(clean))
    if signs and all(_DENIED_SIGN.search(clean[: sign.start()].rstrip()) for sign in signs):
        return NOT_NOW
    if signs:
        # A question asked anywhere in the message is about the sign. A time that puts it in
        # the past counts in the sign's sentence and before it, and one that says it is
        # happening now in its sentence and after it: in "belly hard as a board, vomiting. had
        # a whipple 2 weeks ago" the surgery is over, not the pain; "can NETs cause chest
        # pain? I'm having it right now" is happening.
        asking = bool(_GENERAL_QUESTION.search(clean) or joking or _CONDITIONAL.search(clean))
        sentences = [normalise(sentence) for sentence in _SENTENCES.split(text)]
        scopes = [
            (" ".join(sentences[: i + 1]), " ".join(sentences[i:]))
            for i, sentence in enumerate(sentences)
            if _MEDICAL_RE.search(sentence)
        ] or [(clean, clean)]
        now = any(_sign_now(before, after, asking, bool(joking)) for before, after in scopes)
        return TAKEOVER if now else NOT_NOW
    if _RISK_WORDS.search(clean):
        conditional = _CONDITIONAL.search(clean)
        return NOT_NOW if joking or not_urgent or conditional or _HISTORY.search(clean) else MENTION
    return NOT_NOW if not_urgent or _DISTRESS.search(clean) else None


def _sign_now(up_to: str, from_on: str, asking: bool, joking: bool) -> bool:
    """Whether a sign is happening now, from what was said up to its sentence and from it on."""
    over = bool(_OVER.search(up_to))
    said = _NOT_AN_EVENT.sub(" ", _NOT_URGENT.sub(" ", from_on))
    if joking:
        said = _CALL_FOR_HELP.sub(" ", said)
    now = _HAPPENING_NOW.search(said) or (not over and _NOW_LOOSELY.search(said))
    return bool(not (asking or over) or now)


def is_emergency(text: str) -> bool:
    """True when the message clearly describes an emergency or self-harm."""
    return triage(text) == TAKEOVER
