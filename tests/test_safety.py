"""The rule-based emergency net: clear cases fire, general questions do not."""

import pytest

from bot.safety import NOT_NOW, TAKEOVER, is_emergency, normalise, triage

EMERGENCIES = [
    "I have chest pain",
    "my chest hurts so bad",
    "crushing pressure in my chest right now",
    "cant breathe",
    "my mom can’t breathe!!",
    "he stopped breathing",
    "my husband collapsed on the floor",
    "she passed out and won't wake up",
    "I'm bleeding heavily after my biopsy",
    "throwing up blood",
    "my dad is having a seizure",
    "i think hes having a stroke, his face is drooping",
    "I want to kill myself",
    "i dont want to live anymore",
    "thinking about suicide",
    "I've been cutting myself",
    "going to take all my pills",
    "i want to end it all",
    "SUICIDAL",
    "no reason to live since the diagnosis",
    "Can NETs cause chest pain? I'm having it right now",
    "his blood pressure crashed and he is barely conscious",
    "I think my wife is in carcinoid crisis",
    "im having a heart attack i think",
    "the blood wont stop coming out of his nose",
    "bandage is soaked through already",
    "she's jerking all over and foaming at the mouth",
    "glucose reading 38 and he is sweaty",
    "bp is 72/45 and she looks grey",
    "my toddler swallowed some bleach",
    "his lips are turning blue",
    "worst stomach pain of my life",
    "honestly i cant take this anymore",
    "my family would be better off without me",
    "holding my dads pistol right now",
    "sitting in the garage with the engine running",
    "i have been saving up my pills",
    "this is my last goodbye",
    "so tired of pulling my whole family down with me",
    "the decision has been made, i just needed someone to know",
    "i wont be around much longer, sorry",
    "why am i still alive",
    "im not going to be around much longer, i already decided",
    "kms",
    "started cutting again after the scan results",
    "i keep thinking about ending it tonight",
    "she told me she wants to hurt herself",
    "i said goodbye to my family and i am at peace with it",
    "the knife is right here next to me",
    "what is a lethal dose of my sleeping tablets",
    "im sitting on the edge of the roof",
    "my tongue is swollen after the injection",
    "he took way too many of his pain pills",
    "fever is 105 and she is shaking",
    "how much insulin would it take to stop my heart",
    "i dont plan on being around after this weekend",
    "i am going to die tonight, i have decided",
    "im gonna die tonight nobody will miss me",
    "my son locked himself in his room with his pills and wont answer",
    "he fainted an hour ago and he is still not making sense",
    "i left a note on the table. tell my kids i love them",
    # Spanish signs as the English ones: throat, stroke, sugar, fever, pulse
    "despues de la inyeccion se le esta cerrando la garganta a mi mama",
    "a mi esposo se le cayo la cara de un lado y no puede hablar bien",
    "la glucosa de mi hijo esta en 38 y no contesta",
    "tengo 40 de fiebre y escalofrios despues de la quimio",
    "mi papa no tiene pulso",
    # Vital signs as numbers, in either unit
    "bp is 76/44 and she is pale",
    "temperature 39.9 after chemo and shaking",
    "oxygen is at 82 and dropping",
    "heart rate 190 and i feel faint",
    "he is turning blue",
    # Self-harm in Spanish in any person, farewells that give up care, hiding it
    "mi hermano dice que se va a suicidar esta noche",
    "estoy pensando en quitarme la vida",
    "este es mi ultimo mensaje, gracias a todos",
    "thank you for everything, i wont be needing my appointment on monday",
    "how do i make it look natural, ive made up my mind",
    "suicidal tonight",
    "a mi papa le duele el pecho desde hace rato",
    "mi hijo dice que se quiere matar",
    "ya me despedi, no voy a estar manana",
    "i have nothing left to live for",
    "he says today is his last day",
    # A negation window of whole words: "baño" is not "no".
    "se encerro en el baño y dice que se quiere morir",
    # Asking for emergency help; a child into the cleaning products; fever on chemotherapy
    "we need an ambulance",
    "my toddler got into the bleach under the sink",
    "severe allergic reaction after the contrast",
    "fever of 101 after chemo and chills",
    # "once" that starts a plan; "by then"; Spanish self-injury done or going on; a goodbye
    "i will take my own life once everything is settled",
    "dont bother booking me, i wont be around by then",
    "me corte las munecas otra vez",
    "me sigo haciendo daño, no puedo parar",
    "esto es un adios, gracias por todo",
    "cuantas pastillas de oxicodona me tomo para no despertar",
    # A word typed alone; not wanting to exist; a method however asked; cutting deeper; a rope
    # at hand; Spanish burden, farewell and self-injury; English signs said in Spanish
    "self harm",
    "i just dont want to exist anymore",
    "what is the quickest way to die",
    "if he took all of his pills at once would it show up",
    "cut myself deeper tonight",
    "have a rope ready in the basement",
    "no soy mas que una carga, mejor me quito de en medio",
    "adios a todos, los quiero",
    "me hago daño cuando nadie me ve",
    "me desmaye en la cocina y sigo mareada",
    "mi papa se desplomo y no le encuentro el pulso",
    "tiene el abdomen duro como una tabla y se queja mucho",
    "es un sangrado que no se detiene",
    # "de una vez" is "all at once", not "once" in the past
    "se tomo todas las pastillas de una vez y no despierta",
]

NOT_EMERGENCIES = [
    "what is PRRT?",
    "can carcinoid syndrome cause chest pain?",
    "is shortness of breath a symptom of lung NET",
    "does chemo cause bleeding",
    "what are the symptoms of neuroendocrine tumors",
    "i want to book an appointment",
    "my chest CT showed a nodule, what does that mean",
    "what is a carcinoid crisis and can it happen during surgery",
    "my blood sugar is 110 after breakfast",
    "blood pressure 120 over 80 today",
    "i want to stop the chat",
    "what does a Ki-67 of 25 mean",
    "ok goodbye and thanks",
    "my decision is made, i want the surgery at your center",
    "chemo is dragging me down so much",
    "my pills for carcinoid syndrome, when should i take them",
    "",
    "   ",
    "<script>alert(1)</script>",
    "all these forms are killing me",
    "this waiting is killing me, any earlier slot?",
    "i fainted three years ago and that's how my NET was found",
    "he had a seizure last year, is that linked to insulinoma",
    "chest pain in the past turned out to be reflux",
    "i thought i was going to die after the first chemo but i'm better now",
    "my mom was just told she has a carcinoid tumor in her small intestine is she going to die",
    "am i going to die from this?",
    "is my dad going to die soon from a pancreatic NET",
    "i locked myself out of the patient portal",
    "my dad collapsed last week but he is fine now, should he see someone",
    "the nosebleed was heavy bleeding but it stopped, do I mention it",
    "I wrote a note to my doctor about the flushing, should I bring it",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_clear_emergencies_fire(text):
    assert is_emergency(text)


@pytest.mark.parametrize("text", NOT_EMERGENCIES)
def test_general_questions_do_not_fire(text):
    assert not is_emergency(text)


def test_normalise_folds_case_accents_quotes_and_controls():
    assert normalise("CAN\u2019T  bre\u0301athe\x00\x07!") == "cant breathe"


@pytest.mark.parametrize(
    "text",
    [
        # a topic asked about, not an event
        "what can set off a carcinoid crisis during dental work",
        "how common is a carcinoid crisis in surgery",
        # a symptom that has lasted for months is not a 911 call
        "i have had chest tightness on and off for months when i flush",
        # someone's history, told as over
        "my brother tried to kill himself when he was 20, hes 50 now and doing fine",
        # where a fact was read is not a person at risk
        "is there a lethal dose of vitamin b3, i read we need extra",
        # a joke about the bill
        "la factura me va a dar un infarto jaja, hay ayuda financiera",
        "is the stroke center building near the parking garage",
        # distress in panic words, nothing dangerous named
        "my dad was just diagnosed and im kind of freaking out",
        # a condition, or something heard, not an event
        "if i start wheezing during the infusion will the nurse be right there",
        "my neighbor said a carcinoid crisis can kill you under anesthesia, is that true",
        "we are writing an action plan for his seizures at school",
        # lasting for a long time, however it is said
        "i get short of breath on the stairs, it has been like that for a year",
        # a screening question answered no
        "the intake sheet asked about thoughts of hurting myself and i answered no",
        # Spanish: a side effect asked about; "it will kill me" said of a bill
        "la falta de aire es efecto secundario del octreotide?",
        "la cuenta del hospital me va a matar, que ayuda hay",
        # Spanish: a past heart attack; "nearly had one" at the bill
        "mi papa tuvo un derrame y a mi tio le dio un infarto en 2019, es hereditario el net?",
        "casi me muero cuando vi la cuenta de la resonancia",
        # A survivor; a reaction to a bill; a hypothetical about anyone
        "heart attack survivor, is prrt hard on the heart",
        "my wife will have a heart attack when she sees the bill",
        "what if my mother ever stops breathing during the scan",
        # A risk word naming a role, a plan or a kind of care
        "im her emergency contact, can you call me instead",
        "we need an emergency plan for his school, who helps with that",
        "as an ER nurse i know a bit, but what is a carcinoid crisis",
        "how do we talk about hospice with grandpa",
        # A request for help is not a cry for it
        "stroke survivor, can someone help me find the accessible entrance",
        # Urgency denied in Spanish; a fever that may come; asked about as a topic
        "no es una emergencia, solo una pregunta sobre el seguro",
        "who do we call at night if she gets a fever on chemo",
        "what should we do if he gets chest pain during the infusion",
        "how is carcinoid crisis different from flushing",
        "un carcinoide puede causar dolor de pecho?",
        # A symptom denied; an idiom; a reaction that may come; a threshold asked about
        "can lanreotide cause chest pain? im not having any, just asking",
        "my wife is gonna kill me if i forget the paperwork again",
        "if she has an allergic reaction to the dye, what do you do",
        "what temperature after chemo means we should call?",
        "family emergency, everyone is ok, can i move my appointment",
        "me corte el dedo cocinando, eso afecta la cirugia?",
        # Numbers that are not alarming
        "the bp cuff says 128/82, is that fine before the scan",
        "is my 1 hr 30 min appointment long",
        "a past attempt, hace anos intente quitarme la vida, ahora estoy estable",
        # Signs denied where they are named; a death that happened to someone else; a reaction
        # in childhood; a future asked about, even naming 911; a fear of dying; an idiom
        "no chest pain, no fever, only a small rash at the shot, ok?",
        "sin fiebre ni dolor de pecho, solo cansada, es normal?",
        "a man in my group died of a carcinoid crisis, how likely is that for me",
        "i had anaphylaxis to shellfish as a child, is contrast ok",
        "for the future: if she ever has a seizure, do we call 911 first?",
        "im scared im going to die before my son graduates",
        "i could die of embarrassment with all the flushing",
        # Dying asked about; a crisis asked about or named as a topic; a sign feared; "una vez"
        "my husband keeps asking whether im going to die, what do i tell him",
        "does stage 4 mean im going to die this year?",
        "is it true you can go into a carcinoid crisis at the dentist",
        "i have a question about carcinoid crisis prevention",
        "im afraid of choking on the big tablets, can they be split",
        "me desmaye una vez en el laboratorio, pueden sacarme sangre acostada?",
    ],
)
def test_risks_that_are_not_happening_now_are_not_taken_over(text):
    assert triage(text) != TAKEOVER


@pytest.mark.parametrize(
    "text",
    [
        "does lanreotide mix with sleeping pills? i will take the whole bottle tonight",
        "i dont plan to be around much longer anyway",
        "mis hijos estarian mejor sin mi",
        "my mom passed out and wont wake up, help",
        "im panicking, my husband collapsed and isnt breathing",
        # a purpose of dying makes a dose question a plan
        "how much morphine would it take to never wake up",
        # "ya no" is "no longer", not a denial
        "ya no puedo mas, quiero morirme",
        "mejor me mato y ya",
        # means acquired; own death foretold; done with life
        "today i bought a gun",
        "im not going to be alive for the next scan",
        "honestly im done with living",
        # seeking a method, however it is framed
        "how many of my sleeping pills would it take. just curious lol",
        "what dose of insulin would stop someones heart",
        # a self-harm plan stays one when it is said as a condition
        "if i swallow all my pills tonight it will all be over",
        # taking one's life as a decision; a farewell; Spanish self-injury
        "not doing chemo again, ive made up my mind to take my own life",
        "you wont need to call, i wont be around for the results",
        "tengo ganas de cortarme otra vez",
        # the same kinds in Spanish: not wanting to be here, a gun at hand; being a burden
        "ya no quiero estar aqui con esta enfermedad",
        "mi hermano tiene una pistola y dice que ya no aguanta",
        "honestly im just a burden to my family now",
    ],
)
def test_intent_or_a_current_emergency_inside_a_question_is_taken_over(text):
    assert triage(text) == TAKEOVER


@pytest.mark.parametrize(
    "text",
    [
        "not an emergency, but who do i call about a bleeding question after hours",
        "nothing urgent, just asking about the emergency contact on the form",
        "no es urgente, donde estaciono para la consulta",
    ],
)
def test_urgency_denied_is_not_read_as_happening_now(text):
    """ "urgent" and "emergency" say an event is happening now, unless they are denied."""
    assert triage(text) not in (TAKEOVER, None)


def test_urgency_denied_does_not_hide_self_harm_or_a_current_emergency():
    assert triage("not an emergency, i just want to die") == TAKEOVER
    assert triage("im fine but my husband is not breathing") == TAKEOVER


def test_a_history_that_comes_back_is_taken_over_again():
    assert triage("i tried to kill myself years ago and tonight i want to again") == TAKEOVER
    assert triage("i tried to kill myself years ago, im doing ok now") == NOT_NOW


@pytest.mark.parametrize(
    "text, tier",
    [
        # A time that puts things in the past counts for the sign in its sentence and after it,
        # not for a sign said before it.
        (
            "chest pain crushing down my arm, cant catch my breath. started lanreotide last month",
            TAKEOVER,
        ),
        ("she had a stroke last year. does the stroke change what treatment she can get", NOT_NOW),
        (
            "chest pain comes and goes when im anxious, my heart checked out fine. what helps",
            NOT_NOW,
        ),
        # A farewell that gives up the care booked, in either order.
        ("cancelled all my visits. thanks for everything you did", TAKEOVER),
        ("thank you for trying, i wont be coming back to any appointments", TAKEOVER),
        ("i cancelled my appointment because of the snow, thank you for rescheduling", None),
    ],
)
def test_a_sign_is_read_in_its_sentence_and_a_farewell_gives_up_care(text, tier):
    assert triage(text) == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # Wishes for the end of life are care planning.
        ("i want to die in my own bed when my time comes, how do we set up home hospice", NOT_NOW),
        ("quiero morirme tranquila en mi casa, quien me ayuda con eso", None),
        ("i want to die", TAKEOVER),
        # Reassurance about the body or the event raises the bar for the model alone.
        ("took an extra creon by mistake, feel totally fine, anything to do", NOT_NOW),
        ("nothing happening right now, i just want a plan for low sugars at night", NOT_NOW),
    ],
)
def test_end_of_life_wishes_and_reassurance_are_not_happening_now(text, tier):
    assert triage(text) == tier
