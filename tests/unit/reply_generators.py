"""Sentences generated per class and language: templates x slots, written before failures were read.

Each class is a way people write a reply (a sentence structure, a speech act), not a phrase taken
from a set. A generator builds replies of the class in en, es, pt, fr and de from small slot lists
(openers, the act itself, what follows), so a property test checks the class, not one wording.

``CLASSES`` maps a class name to ``(expected intent, {language: (template, slots)})``; ``render``
fills a template. The templates are written here by hand, from how each language says the thing;
none is copied from the evaluation sets.
"""

from __future__ import annotations

from hypothesis import strategies as st

Slots = dict[str, list[str]]
Spec = tuple[str, Slots]

# --- a call asked for, with "so you can tell me how it works": the call dominates the details ---
CALL_WITH_DETAILS: dict[str, Spec] = {
    "en": (
        "{open} {call} {details}",
        {
            "open": ["Sounds interesting.", "I'm interested.", "Hi Dan,", "Could be a fit."],
            "call": [
                "Can we have a call on Thursday?",
                "Could we set up a quick call next week?",
                "Let's jump on a call tomorrow morning.",
                "Are you free for a 15 minute call on Monday?",
            ],
            "details": [
                "You can explain how the program works then.",
                "That way you can walk me through the details.",
                "You can tell me more about the terms on the call.",
                "I'd like to understand how it works.",
            ],
        },
    ),
    "es": (
        "{open} {call} {details}",
        {
            "open": ["Me interesa.", "Hola Dani,", "Suena bien.", "Puede encajar."],
            "call": [
                "¿Podemos tener una llamada el martes?",
                "¿Hacemos una videollamada la semana que viene?",
                "¿Te va bien una llamada mañana por la tarde?",
                "Agendemos una llamada corta.",
            ],
            "details": [
                "Así me explicas cómo funciona el programa.",
                "Y me cuentas los detalles.",
                "Me gustaría saber cómo funciona.",
                "Así me cuentas las condiciones.",
            ],
        },
    ),
    "pt": (
        "{open} {call} {details}",
        {
            "open": ["Tenho interesse.", "Oi Dani,", "Parece legal.", "Pode ser uma boa."],
            "call": [
                "Podemos marcar uma chamada na quinta?",
                "Bora fazer uma call semana que vem?",
                "Dá pra gente fazer uma ligação amanhã?",
                "Vamos agendar uma reunião rápida?",
            ],
            "details": [
                "Aí você me explica como funciona o programa.",
                "Assim você me conta os detalhes.",
                "Quero entender como funciona.",
                "E me passa as condições.",
            ],
        },
    ),
    "fr": (
        "{open} {call} {details}",
        {
            "open": ["Ça m'intéresse.", "Bonjour Dan,", "Pourquoi pas.", "Ça peut coller."],
            "call": [
                "On peut s'appeler jeudi ?",
                "Pouvons-nous caler un appel la semaine prochaine ?",
                "Un appel demain matin, ça vous va ?",
                "Je vous propose un rendez-vous téléphonique lundi.",
            ],
            "details": [
                "Vous m'expliquerez comment fonctionne le programme.",
                "Vous pourrez me détailler les conditions.",
                "J'aimerais comprendre comment ça marche.",
                "Vous m'en direz plus à ce moment-là.",
            ],
        },
    ),
    "de": (
        "{open} {call} {details}",
        {
            "open": ["Klingt interessant.", "Hallo Dan,", "Grundsätzlich gern.", "Könnte passen."],
            "call": [
                "Können wir am Donnerstag telefonieren?",
                "Lass uns nächste Woche kurz einen Call machen.",
                "Hätten Sie morgen Zeit für ein kurzes Telefonat?",
                "Gerne ein kurzes Gespräch am Montag.",
            ],
            "details": [
                "Dann erklären Sie mir, wie das Programm funktioniert.",
                "Dann können Sie mir die Details erzählen.",
                "Ich möchte verstehen, wie es funktioniert.",
                "Dabei können wir die Konditionen durchgehen.",
            ],
        },
    ),
}

# --- asking for a booking (a link, a slot, a video call) is asking for a call --------------------
BOOKING: dict[str, Spec] = {
    "en": (
        "{open} {ask} {rest}",
        {
            "open": ["Sounds interesting.", "Sure!", "Hi,", "Ok, I'm curious."],
            "ask": [
                "Can you send me a calendar link?",
                "Send me your booking link and I'll pick a slot.",
                "Happy to hop on zoom.",
                "Could you share your calendly?",
                "Drop me a scheduling link?",
            ],
            "rest": ["", "I'd rather talk it through.", "Whatever works for you.", "Thanks!"],
        },
    ),
    "es": (
        "{open} {ask} {rest}",
        {
            "open": ["Suena bien.", "¡Claro!", "Hola,", "Me interesa."],
            "ask": [
                "¿Me mandas un enlace para agendar?",
                "Pásame tu calendario y reservo un hueco.",
                "Encantada de hacer un zoom.",
                "¿Me compartes tu calendly?",
            ],
            "rest": ["", "Prefiero hablarlo.", "Lo que te venga mejor.", "¡Gracias!"],
        },
    ),
    "pt": (
        "{open} {ask} {rest}",
        {
            "open": ["Parece ótimo.", "Claro!", "Oi,", "Tenho interesse."],
            "ask": [
                "Me manda o link da sua agenda?",
                "Me passa um link pra agendar um horário.",
                "Topo fazer um zoom.",
                "Pode me mandar seu calendly?",
            ],
            "rest": ["", "Prefiro conversar.", "O que for melhor pra você.", "Valeu!"],
        },
    ),
    "fr": (
        "{open} {ask} {rest}",
        {
            "open": ["Ça me parle.", "Avec plaisir !", "Bonjour,", "Ça m'intéresse."],
            "ask": [
                "Vous pouvez m'envoyer un lien pour réserver un créneau ?",
                "Envoyez-moi votre calendly.",
                "Partant pour un zoom.",
                "Vous avez un lien de prise de rendez-vous ?",
            ],
            "rest": ["", "Je préfère en parler de vive voix.", "Comme vous voulez.", "Merci !"],
        },
    ),
    "de": (
        "{open} {ask} {rest}",
        {
            "open": ["Klingt gut.", "Gerne!", "Hallo,", "Interessant."],
            "ask": [
                "Schicken Sie mir einen Kalenderlink?",
                "Schick mir deinen Buchungslink, dann suche ich mir einen Termin aus.",
                "Gerne per Zoom.",
                "Haben Sie einen Link zur Terminbuchung?",
            ],
            "rest": ["", "Ich spreche lieber kurz darüber.", "Wie es Ihnen passt.", "Danke!"],
        },
    ),
}

# --- a decline softened by a time word, with no invitation to come back, is still a decline ------
SOFT_DECLINE: dict[str, Spec] = {
    "en": (
        "{praise} {but} {time} {core}. {close}",
        {
            "praise": ["Thanks for thinking of me!", "Love what you do.", "Kind of you to write."],
            "but": ["But", "That said,", "Honestly,"],
            "time": ["for now", "right now", "at the moment", "this year"],
            "core": [
                "I'm not doing collaborations",
                "we're not taking on any partnerships",
                "I won't be doing brand deals",
                "I'm not doing affiliate programs",
            ],
            "close": ["Best of luck!", "All the best.", "Good luck with the launch."],
        },
    ),
    "es": (
        "{praise} {but} {time} {core}. {close}",
        {
            "praise": [
                "¡Qué lindo que me escribieran!",
                "Gracias por pensar en mí.",
                "Me encanta su marca.",
            ],
            "but": ["Pero", "La verdad,", "Eso sí,"],
            "time": ["por ahora", "de momento", "este año", "ahora mismo"],
            "core": [
                "no voy a hacer colaboraciones",
                "no estoy haciendo colaboraciones",
                "no trabajo con marcas",
                "no acepto programas de afiliados",
            ],
            "close": ["¡Mucho éxito!", "Un abrazo.", "Suerte con todo."],
        },
    ),
    "pt": (
        "{praise} {but} {time} {core}. {close}",
        {
            "praise": [
                "Que fofo vocês me escreverem!",
                "Obrigada pelo contato.",
                "Amo a marca de vocês.",
            ],
            "but": ["Mas", "Sinceramente,", "Só que"],
            "time": ["por enquanto", "no momento", "este ano", "agora"],
            "core": [
                "não vou fazer parcerias",
                "não estou fazendo publis",
                "não trabalho com marcas",
                "não aceito programas de afiliados",
            ],
            "close": ["Sucesso!", "Um abraço.", "Boa sorte com tudo."],
        },
    ),
    "fr": (
        "{praise} {but} {time} {core}. {close}",
        {
            "praise": [
                "Merci d'avoir pensé à moi !",
                "J'adore votre marque.",
                "C'est gentil de m'écrire.",
            ],
            "but": ["Mais", "Honnêtement,", "Cela dit,"],
            "time": ["pour l'instant", "en ce moment", "cette année", "pour le moment"],
            "core": [
                "je ne fais pas de collaborations",
                "je ne prends pas de partenariats",
                "je ne fais pas d'affiliation",
                "nous n'acceptons pas de partenariats",
            ],
            "close": ["Bonne continuation !", "Belle journée.", "Bon courage pour la suite."],
        },
    ),
    "de": (
        "{praise} {but} {time} {core}. {close}",
        {
            "praise": [
                "Danke, dass ihr an mich gedacht habt!",
                "Ich mag eure Marke.",
                "Nett, dass Sie schreiben.",
            ],
            "but": ["Aber", "Ehrlich gesagt", "Allerdings"],
            "time": ["aktuell", "momentan", "dieses Jahr", "derzeit"],
            "core": [
                "mache ich keine Kooperationen",
                "nehme ich keine Partnerschaften an",
                "mache ich keine Affiliate-Programme",
                "arbeite ich mit keinen Marken zusammen",
            ],
            "close": ["Viel Erfolg!", "Alles Gute.", "Viel Glück weiterhin."],
        },
    ),
}

# --- the same decline with an invitation to come back later: a deferral -------------------------
SOFT_DECLINE_INVITE: dict[str, str] = {
    "en": "Feel free to reach out again next year.",
    "es": "Escríbeme de nuevo el año que viene.",
    "pt": "Me procura de novo no ano que vem.",
    "fr": "Recontactez-moi l'année prochaine.",
    "de": "Meldet euch gerne nächstes Jahr wieder.",
}

# --- thanks or okay with no request: acknowledged ----------------------------------------------
THANKS: dict[str, Spec] = {
    "en": (
        "{ok} {thanks} {what}{end}",
        {
            "ok": ["Ok", "Ok great", "Great", "Perfect", "Cool", "Alright", "Got it,"],
            "thanks": ["thanks", "thank you", "thanks a lot", "many thanks"],
            "what": ["", " for letting me know", " for the update", " for the heads up"],
            "end": ["", " 👍", "!", " 🙂", "."],
        },
    ),
    "es": (
        "{ok} {thanks} {what}{end}",
        {
            "ok": ["Ok", "Vale", "Perfecto", "Genial", "Estupendo,"],
            "thanks": ["gracias", "muchas gracias", "mil gracias"],
            "what": ["", " por avisar", " por avisarme", " por el aviso"],
            "end": ["", " 👍", "!", " 🙂", "."],
        },
    ),
    "pt": (
        "{ok} {thanks} {what}{end}",
        {
            "ok": ["Ok", "Beleza", "Perfeito", "Ótimo", "Show,"],
            "thanks": ["obrigado", "obrigada", "valeu", "muito obrigada"],
            "what": ["", " por avisar", " pelo aviso", " pelo retorno"],
            "end": ["", " 👍", "!", " 🙂", "."],
        },
    ),
    "fr": (
        "{ok} {thanks} {what}{end}",
        {
            "ok": ["Ok", "Parfait", "Super", "Très bien", "D'accord,"],
            "thanks": ["merci", "merci beaucoup", "merci bien"],
            "what": ["", " de m'avoir prévenu", " pour le retour", " pour l'info"],
            "end": ["", " 👍", "!", " 🙂", "."],
        },
    ),
    "de": (
        "{ok} {thanks} {what}{end}",
        {
            "ok": ["Ok", "Alles klar,", "Super", "Perfekt", "Prima,"],
            "thanks": ["danke", "vielen Dank", "danke schön"],
            "what": ["", " für die Info", " für den Hinweis", " für die Rückmeldung"],
            "end": ["", " 👍", "!", " 🙂", "."],
        },
    ),
}

# --- replies in languages the rules do not read: a person, never a sendable answer --------------
UNREAD_LANGUAGES: dict[str, Spec] = {
    "it": (
        "{open} {body}",
        {
            "open": ["Ciao!", "Buongiorno,", "Salve,"],
            "body": [
                "Possiamo fare una chiamata giovedì?",
                "Mi mandi i dettagli del programma?",
                "Quanto pagate di commissione?",
                "Grazie, ma per ora non mi interessa.",
                "Ne parliamo dopo le feste.",
            ],
        },
    ),
    "nl": (
        "{open} {body}",
        {
            "open": ["Hoi!", "Goedemiddag,", "Hallo,"],
            "body": [
                "Kunnen we donderdag even bellen?",
                "Kun je me de details van het programma sturen?",
                "Hoeveel commissie betalen jullie?",
                "Bedankt, maar ik heb geen interesse.",
                "Neem na de feestdagen nog eens contact op.",
            ],
        },
    ),
    "pl": (
        "{open} {body}",
        {
            "open": ["Cześć!", "Dzień dobry,", "Witam,"],
            "body": [
                "Możemy porozmawiać w czwartek?",
                "Czy możesz przesłać mi szczegóły programu?",
                "Jaką prowizję płacicie?",
                "Dziękuję, ale nie jestem zainteresowana.",
                "Odezwij się po świętach.",
            ],
        },
    ),
    "sv": (
        "{open} {body}",
        {
            "open": ["Hej!", "Hej hej,", "God morgon,"],
            "body": [
                "Kan vi ta ett samtal på torsdag?",
                "Kan du skicka detaljerna om programmet?",
                "Hur mycket provision betalar ni?",
                "Tack, men jag är inte intresserad.",
                "Hör av dig efter helgerna.",
            ],
        },
    ),
}


# --- opt-outs in many languages, inside ordinary replies: always heard ---------------------------
def _stops(opens: list[str], stops: list[str], closes: list[str]) -> Spec:
    """An opt-out template: an opener, the request to stop, a closing."""
    return "{open} {stop} {close}", {"open": opens, "stop": stops, "close": closes}


OPT_OUTS: dict[str, Spec] = {
    "en": _stops(
        ["Hi.", "Hello,", ""],
        ["Please stop emailing me.", "Remove me from your list.", "Don't contact me again."],
        ["", "Thanks.", "Regards"],
    ),
    "es": _stops(
        ["Hola.", ""],
        ["No me escribas más.", "Bórrame de vuestra lista.", "Dejad de contactarme."],
        ["", "Gracias.", "Saludos"],
    ),
    "pt": _stops(
        ["Oi.", ""],
        ["Não me mande mais mensagens.", "Me tira da lista.", "Parem de me contatar."],
        ["", "Obrigado.", "Abs"],
    ),
    "fr": _stops(
        ["Bonjour.", ""],
        ["Ne me contactez plus.", "Retirez-moi de votre liste.", "Arrêtez de m'écrire."],
        ["", "Merci.", "Cordialement"],
    ),
    "de": _stops(
        ["Hallo.", ""],
        [
            "Bitte kontaktieren Sie mich nicht mehr.",
            "Nehmen Sie mich aus dem Verteiler.",
            "Hört auf, mir zu schreiben.",
        ],
        ["", "Danke.", "Gruß"],
    ),
    "it": _stops(
        ["Ciao.", ""],
        ["Non contattatemi più.", "Toglietemi dalla lista.", "Smettete di scrivermi."],
        ["", "Grazie.", "Saluti"],
    ),
    "nl": _stops(
        ["Hoi.", ""],
        ["Neem geen contact meer met mij op.", "Haal me van de lijst.", "Stop met mailen."],
        ["", "Bedankt.", "Groet"],
    ),
    "pl": _stops(
        ["Cześć.", ""],
        [
            "Proszę więcej do mnie nie pisać.",
            "Usuńcie mnie z listy.",
            "Nie kontaktujcie się ze mną.",
        ],
        ["", "Dzięki.", "Pozdrawiam"],
    ),
}


def render(spec: Spec, pick: dict[str, int]) -> str:
    """The template of ``spec`` with each slot filled by its ``pick``-th value (modulo its size)."""
    template, slots = spec
    values = {name: options[pick.get(name, 0) % len(options)] for name, options in slots.items()}
    return " ".join(template.format(**values).split())


def sentences(classes: dict[str, Spec]) -> st.SearchStrategy[tuple[str, str]]:
    """A strategy of ``(language, sentence)`` drawn from one class's templates."""

    def build(lang: str, picks: list[int]) -> tuple[str, str]:
        names = list(classes[lang][1])
        return lang, render(classes[lang], dict(zip(names, picks, strict=False)))

    return st.builds(
        build,
        st.sampled_from(sorted(classes)),
        st.lists(st.integers(0, 30), min_size=5, max_size=5),
    )


def every_sentence(classes: dict[str, Spec]) -> list[tuple[str, str]]:
    """Every sentence a class's templates make (the full product), for a measure."""
    import itertools

    out = []
    for lang, (template, slots) in classes.items():
        names = list(slots)
        for combo in itertools.product(*(range(len(slots[n])) for n in names)):
            out.append((lang, render((template, slots), dict(zip(names, combo, strict=True)))))
    return out


# --- dates: a wait named by the end of a month, later this month, a holiday, a period closing ----
# (Written after the round-4 dev half was read.) Each kind is a list of (language, phrase, expected
# date for a reply written WED 9 Dec 2026); the
# generator puts the phrase in a refusal with an ask to come back, in that language.
DATE_FRAMES: dict[str, list[str]] = {
    "en": [
        "Not right now. Write me {p}.",
        "Busy at the moment, try me again {p}.",
        "Can you get back to me {p}?",
    ],
    "es": ["Ahora no puedo. Escríbeme {p}.", "De momento no, vuelve a escribirme {p}."],
    "pt": ["Agora não dá. Me chama {p}.", "No momento não, fala comigo {p}."],
    "fr": ["Pas maintenant. Recontactez-moi {p}.", "Pas pour le moment, écrivez-moi {p}."],
    "de": [
        "Gerade nicht. Melde dich {p} nochmal.",
        "Momentan nicht, schreiben Sie mir {p} wieder.",
    ],
}
DATE_PHRASES: list[tuple[str, str, str]] = [
    # the end of a month is over when the next month starts
    ("en", "at the end of January", "2027-02-01"),
    ("en", "at the end of the month", "2027-01-01"),
    ("en", "later this month", "2026-12-16"),
    ("en", "after Memorial Day", "2027-06-01"),
    ("en", "after the school holidays", "2027-01-04"),
    ("en", "after Easter", "2027-03-29"),
    ("en", "once Q1 closes", "2027-04-01"),
    ("es", "a finales de enero", "2027-02-01"),
    ("es", "a fin de mes", "2027-01-01"),
    ("es", "después de Semana Santa", "2027-03-29"),
    ("es", "cuando cierre el Q1", "2027-04-01"),
    ("pt", "no fim de janeiro", "2027-02-01"),
    ("pt", "no fim do mês", "2027-01-01"),
    ("pt", "depois do Carnaval", "2027-02-10"),
    ("fr", "fin janvier", "2027-02-01"),
    ("fr", "à la fin du mois", "2027-01-01"),
    ("fr", "après les vacances de Pâques", "2027-04-05"),
    ("de", "Ende Januar", "2027-02-01"),
    ("de", "Ende des Monats", "2027-01-01"),
    ("de", "nach den Osterferien", "2027-04-05"),
]


def dated_sentences() -> st.SearchStrategy[tuple[str, str, str]]:
    """A strategy of ``(language, sentence, expected ISO date)`` for a reply written 9 Dec 2026."""

    def build(row: tuple[str, str, str], pick: int) -> tuple[str, str, str]:
        lang, phrase, expected = row
        frames = DATE_FRAMES[lang]
        return lang, frames[pick % len(frames)].format(p=phrase), expected

    return st.builds(build, st.sampled_from(DATE_PHRASES), st.integers(0, 10))
