"""The name in what a visitor types: without the words around it, in the languages visitors
write, and names that are also words left whole."""

import pytest

from bot.intake.checks import check_name
from bot.intake.names import extract_name, framed_as_a_name


@pytest.mark.parametrize(
    "typed, name",
    [
        ("Ann", "Ann"),
        ("Faith Hill", "Faith Hill"),
        ("Will Payne", "Will Payne"),
        ("Hope Graves", "Hope Graves"),
        ("Joy", "Joy"),
        ("Ernest Hurt", "Ernest Hurt"),
        ("Soumya Das", "Soumya Das"),
        ("Soyeon Kim", "Soyeon Kim"),
        ("Li Po", "Li Po"),
        ("J. R. Smith", "J. R. Smith"),
        ("Robert Jones Jr.", "Robert Jones Jr."),
        ("my name is Ann Lee", "Ann Lee"),
        ("it's for my mom, her name is Rosa Díaz", "Rosa Díaz"),
        ("call me Bo", "Bo"),
        ("its Trinity", "Trinity"),
        ("Kofi Mensah here, thanks", "Kofi Mensah"),
        ("Seán Ó Briain (his son)", "Seán Ó Briain"),
        ("Deirdre Walsh, I'm calling for my son", "Deirdre Walsh"),
        ("soy Lucía Paredes", "Lucía Paredes"),
        ("me llamo Jorge Luis Peña", "Jorge Luis Peña"),
        ("mi nombre es Teresa Ibarra.", "Teresa Ibarra"),
        ("es para mi papá, Hugo Salinas", "Hugo Salinas"),
        ("Elena Castro, mi mamá", "Elena Castro"),
        ("pregunten por Rosa Vega por favor", "Rosa Vega"),
        ("meu nome é Paulo Ribeiro", "Paulo Ribeiro"),
        ("Lourdes Manalo po", "Lourdes Manalo"),
        ("tôi tên là Trần Văn Nam", "Trần Văn Nam"),
        ("меня зовут Ольга Ивановна", "Ольга Ивановна"),
        ("我叫王芳", "王芳"),
        ("제 이름은 김민준입니다", "김민준"),
        ("मेरा नाम सुनीता है", "सुनीता"),
        ("اسمي خالد", "خالد"),
        # Capitalised words are the name, whatever language the words around it are in.
        ("please ask for Hope Graves, shes my daughter", "Hope Graves"),
        ("ich heiße Jürgen Schäfer", "Jürgen Schäfer"),
        ("Ludwig van der Berg", "Ludwig van der Berg"),
        ("María José de la Cruz", "María José de la Cruz"),
        ("Fatima al-Sayed", "Fatima al-Sayed"),
        ("the patient is Ahmed bin Rashid, i'm the nephew", "Ahmed bin Rashid"),
        ("MARIA LOPEZ", "MARIA LOPEZ"),
        ("maria lopez", "maria lopez"),
    ],
)
def test_the_name_without_the_words_around_it(typed, name):
    assert extract_name(typed) == name


@pytest.mark.parametrize(
    "typed, framed",
    [
        ("call me Grace", True),
        ("soy Ana", True),
        ("Grace", False),
        ("", False),
    ],
)
def test_a_phrase_that_gives_a_name_is_told_apart(typed, framed):
    assert framed_as_a_name(typed) is framed


@pytest.mark.parametrize("typed", ["", "   ", "my name is", "<script></script>"])
def test_nothing_left_is_no_name(typed):
    assert extract_name(typed) is None


@pytest.mark.parametrize("typed", ["'; DROP TABLE leads; --", "Robert'); DROP TABLE leads;--"])
def test_code_is_read_whole_so_the_check_refuses_it(typed):
    name = extract_name(typed)
    assert name is not None and check_name(name)[0] is None


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Dr. Ana Ruiz", "Ana Ruiz"),
        ("mrs. gutierrez", "gutierrez"),
        ("please ask for Sra. Carmen Ortiz", "Carmen Ortiz"),
        ("Drew Barrymore", "Drew Barrymore"),
        ("Missy Elliott", "Missy Elliott"),
        # Spanish honorifics; "Don" only before a whole name, since it is a name too.
        ("Doña Refugio Márquez", "Refugio Márquez"),
        ("Sr. Ignacio Torrealba", "Ignacio Torrealba"),
        ("Don Aurelio Camacho", "Aurelio Camacho"),
        # French, German, Italian and Portuguese titles; a name that starts like one stays.
        ("je suis Madame Odile Fournier", "Odile Fournier"),
        ("Herr Matthias Krüger", "Matthias Krüger"),
        ("Signora Giulia Ferri", "Giulia Ferri"),
        ("Senhor Rui Almeida", "Rui Almeida"),
        ("Herrera Luis", "Herrera Luis"),
        # Dutch particles; a hesitation before the name; "I am" and "ask for" in more scripts
        ("Anouk van 't Veld", "Anouk van 't Veld"),
        ("Daan ten Have", "Daan ten Have"),
        ("umm its Desmond", "Desmond"),
        ("أنا سارة منصور", "سارة منصور"),
        ("קוראים לי דנה לוי", "דנה לוי"),
        ("আমার নাম রিয়া সেন", "রিয়া সেন"),
        ("请找王丽", "王丽"),
        ("ผมชื่อ สมชาย ใจดี ครับ", "สมชาย ใจดี"),
        ("Don Johnson", "Don Johnson"),
        ("Dona Lydia Souza", "Lydia Souza"),
    ],
)
def test_a_title_is_not_part_of_the_name(typed, name):
    assert extract_name(typed) == name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Ray is fine", "Ray"),
        ("chidi works", "chidi"),
        ("its my wife Joy who needs it", "Joy"),
        ("my grandma gladys whitfield is the one with the appointment", "gladys whitfield"),
    ],
)
def test_what_people_say_after_the_name_is_left_off(typed, name):
    assert extract_name(typed) == name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("my name is Leticia Campos. Thank you so much", "Leticia Campos"),
        ("Ana. Gracias", "Ana"),
        ("Gwendolyn Parks?", "Gwendolyn Parks"),
        ("J. R. Smith", "J. R. Smith"),
        ("Martin Luther King Jr.", "Martin Luther King Jr."),
        ("Ma. Teresa Santos", "Ma. Teresa Santos"),
        ("you can ask for Mr. Okwuosa", "Okwuosa"),
        ("Dr. Nakashima", "Nakashima"),
        ("Ms. Pham is fine", "Pham"),
    ],
)
def test_a_sentence_ends_the_name_but_an_initial_does_not(typed, name):
    assert extract_name(typed) == name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        # "I" is capitalised but never a name; a spelling in letters helps, it is not the name.
        ("I'll fill it in, I'm Radek", "Radek"),
        ("it's Kwan, K-W-A-N", "Kwan"),
        ("my names Brittani with an i", "Brittani"),
        ("Rae. like ray but with an e", "Rae"),
        # Capitalised words that lead in: a relative, "For", "Call", "Mine's", "Aquí".
        ("Mine's Dao Linh", "Dao Linh"),
        ("Call Omar Haddad please, he's my brother", "Omar Haddad"),
        ("For Dad — Emeka Obi", "Emeka Obi"),
        ("Mom = Grace Obi", "Grace Obi"),
        ("Aquí Beatriz Ochoa", "Beatriz Ochoa"),
        # After a lead-in, a capital opens the name, not the sentence.
        ("you can ask for June when you ring", "June"),
        ("the patient is my father, 陈国华", "陈国华"),
        # All in capitals: the words around the name are read as in lower case.
        ("LORNA BETTS PLEASE", "LORNA BETTS"),
        ("SOY ROSA ELENA DE LEON", "ROSA ELENA DE LEON"),
        ("NAME - DORIS WHEELER", "DORIS WHEELER"),
        # Surname first, a suffix after a comma, a nickname in quotes, Arabic-Urdu particles.
        ("Ozuna, Lidia", "Ozuna, Lidia"),
        ("Paz, Daniel Paz", "Daniel Paz"),
        ("Otis Reed, Jr.", "Otis Reed, Jr."),
        ('Margaret "Peggy" Sloan', 'Margaret "Peggy" Sloan'),
        ("Zia ur Rehman Qureshi", "Zia ur Rehman Qureshi"),
        ("my name is Keala ʻIolani", "Keala ʻIolani"),
        ("Leonor nada más", "Leonor"),
        # Typographic apostrophes, quotes around the name, religious titles, Irish particles.
        ("It’s Dara", "Dara"),
        ('"Imani Brooks"', "Imani Brooks"),
        ("Hi this is Imam Yusuf Ali", "Yusuf Ali"),
        ("Siobhán Nic an tSaoir", "Siobhán Nic an tSaoir"),
        # A question that gives the name; when to call or who it is, said after it.
        ("could they ask for Bashir Rahimi?", "Bashir Rahimi"),
        ("Tove would be best", "Tove"),
        ("Gus — after 4pm works", "Gus"),
        ("Anneke — that's me", "Anneke"),
        ("Will Fox, the patient", "Will Fox"),
        # The name to identify them by, not the nickname they also go by.
        ("Theodora Quist but everyone calls me Teddy", "Theodora Quist"),
    ],
)
def test_the_kinds_first_contact_names_showed(typed, name):
    assert extract_name(typed) == name
    assert check_name(name) == (name, None)


@pytest.mark.parametrize("typed", ["x onerror=alert(1)", "a=1"])
def test_an_equals_sign_inside_a_word_is_code(typed):
    assert check_name(extract_name(typed))[0] is None
