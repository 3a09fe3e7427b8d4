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


# --- classes named after the round-4 held-out half was read (its rows seen, none copied) ---------
# Each template below is written from how each language says the thing; a class is built from a
# product of slots (who x verb x object, verb x medium...), so a rule fitted to one sentence fails.
def _product(*parts: list[str]) -> list[str]:
    """Every sentence made of one choice per part, joined by a space."""
    import itertools

    return [" ".join(p for p in combo if p) for combo in itertools.product(*parts)]


# someone of theirs (a possessive, a role, maybe a name) handles it, or "talk to" that person; no
# address given
REFERRAL_ROLE: dict[str, Spec] = {
    "en": (
        "{open} {act} {close}",
        {
            "open": ["Not me, but", "Hi!", "Thanks for reaching out.", ""],
            "act": _product(
                [
                    "my business partner Jonah",
                    "our marketing manager",
                    "my agent Sue",
                    "my assistant",
                ],
                ["handles", "takes care of", "is in charge of", "looks after"],
                ["all of our brand collabs.", "partnerships.", "that side of things."],
            )
            + _product(
                ["Please talk to", "Best to speak with", "Reach out to"],
                ["my business partner Jonah,", "my manager,", "our partnerships lead Kim,"],
                ["he decides.", "she handles this.", "they run collabs."],
            ),
            "close": ["I'll cc him.", "", "Cheers"],
        },
    ),
    "es": (
        "{open} {act} {close}",
        {
            "open": ["Hola,", "Gracias por escribir.", ""],
            "act": _product(
                ["mi socio Javier", "mi representante", "nuestra agente Lucía", "mi asistente"],
                ["lleva", "se encarga de", "gestiona"],
                ["todas las colaboraciones.", "los acuerdos con marcas.", "ese tema."],
            )
            + _product(
                ["Habla con", "Mejor escríbele a", "Contacta con"],
                ["mi socio Javier,", "mi representante,", "nuestra agente Lucía,"],
                ["él decide.", "ella lo lleva.", "es quien lo gestiona."],
            ),
            "close": ["", "Saludos.", "Un abrazo"],
        },
    ),
    "pt": (
        "{open} {act} {close}",
        {
            "open": ["Oi,", "Obrigada pelo contato.", ""],
            "act": _product(
                ["meu sócio Rafael", "minha assessora", "minha empresária Carla", "nosso gerente"],
                ["cuida de", "é responsável por", "gerencia"],
                ["todas as parcerias.", "as publis.", "essa parte."],
            )
            + _product(
                ["Fala com", "Fale com", "Vê isso com"],
                ["meu sócio Rafael,", "minha assessora,", "minha empresária Carla,"],
                ["ele decide.", "ela cuida disso.", "é quem resolve."],
            ),
            "close": ["", "Abs", "Beijos"],
        },
    ),
    "fr": (
        "{open} {act} {close}",
        {
            "open": ["Salut,", "Merci pour le message.", ""],
            "act": _product(
                ["mon associé Paul", "mon agente Sophie", "notre responsable marketing"],
                ["s'occupe de", "gère", "est en charge de"],
                ["toutes les collaborations.", "nos partenariats.", "ce genre de demandes."],
            )
            + _product(
                ["Vois ça avec", "Voyez avec", "Adressez-vous à", "Parle à"],
                ["mon agente Sophie,", "mon associé Paul,", "notre responsable partenariats,"],
                ["elle décide.", "il gère ça.", "je te donne son mail en dm."],
            ),
            "close": ["", "Bonne journée", "Bises"],
        },
    ),
    "de": (
        "{open} {act} {close}",
        {
            "open": ["Hallo,", "Danke für die Nachricht.", ""],
            "act": _product(
                ["Mein Geschäftspartner Herr Huber", "Meine Managerin", "Unsere Agentur"],
                ["kümmert sich um", "ist zuständig für", "betreut"],
                ["alle Kooperationen.", "unsere Partnerschaften.", "solche Anfragen."],
            )
            + _product(
                ["Bitte wenden Sie sich an", "Sprechen Sie mit", "Wende dich an"],
                ["meinen Geschäftspartner Herrn Huber,", "meine Managerin,", "unsere Agentur,"],
                ["der kümmert sich um Kooperationen.", "sie entscheidet.", "die macht das."],
            ),
            "close": ["", "Viele Grüße", "LG"],
        },
    ),
}

# a decline by cessation or priority: they stopped doing it, it is not among their priorities
CESSATION_DECLINE: dict[str, Spec] = {
    "en": (
        "{open} {act} {close}",
        {
            "open": ["Hi,", "Thanks for thinking of us.", ""],
            "act": _product(
                ["We stopped doing", "We no longer do", "I quit doing", "We've stopped taking on"],
                ["affiliate deals", "partnerships", "brand collabs", "sponsored posts"],
                ["in 2025.", "a while ago.", "."],
            )
            + [
                "Partnerships aren't among our priorities.",
                "This isn't a priority for us.",
                "Affiliate programs are not a priority right now for the team.",
            ],
            "close": ["All the best.", "Too much admin for a team of two.", ""],
        },
    ),
    "es": (
        "{open} {act} {close}",
        {
            "open": ["Hola,", "Gracias por pensar en nosotros.", ""],
            "act": _product(
                ["Ya no hacemos", "Dejamos de hacer", "Ya no aceptamos", "Dejé de hacer"],
                ["colaboraciones", "acuerdos de afiliados", "patrocinios"],
                ["desde 2025.", "hace tiempo.", "."],
            )
            + ["No está entre nuestras prioridades.", "No es una prioridad para nosotros."],
            "close": ["Un saludo.", "Suerte con todo.", ""],
        },
    ),
    "pt": (
        "{open} {act} {close}",
        {
            "open": ["Oi,", "Obrigado pelo contato.", ""],
            "act": _product(
                ["Paramos de fazer", "Não fazemos mais", "Já não fazemos", "Deixei de fazer"],
                ["parcerias", "publis", "programas de afiliados"],
                ["desde 2025.", "há um tempo.", "."],
            )
            + ["Não está entre as nossas prioridades.", "Isso não é prioridade para nós."],
            "close": ["Abraço.", "Boa sorte.", ""],
        },
    ),
    "fr": (
        "{open} {act} {close}",
        {
            "open": ["Bonjour,", "Merci d'avoir pensé à nous.", ""],
            "act": _product(
                [
                    "On ne fait plus de",
                    "Nous ne faisons plus de",
                    "On a arrêté les",
                    "J'ai arrêté les",
                ],
                ["partenariats", "collaborations", "placements de produits"],
                ["depuis 2025.", "depuis un moment.", "."],
            )
            + ["Ce n'est pas dans nos priorités.", "Ce n'est pas une priorité pour nous."],
            "close": ["Bonne journée.", "Bonne continuation.", ""],
        },
    ),
    "de": (
        "{open} {act} {close}",
        {
            "open": ["Hallo,", "Danke, dass Sie an uns denken.", ""],
            "act": [
                "Wir machen keine Kooperationen mehr.",
                "Kooperationen machen wir nicht mehr.",
                "Wir haben mit Affiliate-Deals aufgehört.",
                "Ich habe aufgehört, Partnerschaften zu machen.",
                "Wir bieten keine Kooperationen mehr an.",
                "Das hat bei uns keine Priorität.",
                "Partnerschaften stehen nicht auf unserer Prioritätenliste.",
            ],
            "close": ["Viele Grüße.", "Alles Gute.", ""],
        },
    ),
}

# a call in other words: a talk verb with a medium (phone, zoom, meet, visio)
CALL_BY_MEDIUM: dict[str, Spec] = {
    "en": (
        "{open} {act}",
        {
            "open": ["Yes, I'm interested!", "Sounds good.", "Hi,"],
            "act": _product(
                ["Can we talk", "Happy to chat", "Let's catch up", "Could we speak"],
                ["on the phone", "over zoom", "on google meet", "by phone"],
                ["this week?", "tomorrow.", "sometime soon?"],
            ),
        },
    ),
    "es": (
        "{open} {act}",
        {
            "open": ["¡Sí, me interesa!", "Suena bien.", "Hola,"],
            "act": _product(
                ["¿Hablamos", "¿Charlamos", "Podemos hablar", "Prefiero conversar"],
                ["por teléfono", "por zoom", "por meet", "por videollamada"],
                ["esta semana?", "mañana.", "cuando puedas."],
            ),
        },
    ),
    "pt": (
        "{open} {act}",
        {
            "open": ["Sim, tenho interesse!", "Parece bom.", "Oi,"],
            "act": _product(
                ["Podemos falar", "Bora conversar", "Vamos bater um papo", "Prefiro falar"],
                ["por telefone", "pelo zoom", "no meet", "por videochamada"],
                ["essa semana?", "amanhã.", "quando der."],
            ),
        },
    ),
    "fr": (
        "{open} {act}",
        {
            "open": ["Ben oui, ça m'intéresse!", "Ça me va.", "Bonjour,"],
            "act": _product(
                ["On se jase", "On peut se parler", "On en discute", "On échange"],
                ["au téléphone", "par téléphone", "en visio", "sur zoom"],
                ["cette semaine?", "demain.", "quand tu veux."],
            ),
        },
    ),
    "de": (
        "{open} {act}",
        {
            "open": ["Ja, klingt spannend!", "Passt.", "Hallo,"],
            "act": _product(
                ["Können wir", "Lass uns", "Wollen wir"],
                ["kurz am Telefon sprechen", "per Zoom reden", "über Teams sprechen"],
                ["diese Woche?", "morgen.", ""],
            ),
        },
    ),
}

# a request for the details with "no need to call": a negated call is no decline of the program
NO_CALL_REQUEST: dict[str, Spec] = {
    "en": (
        "{ask} {nocall} {close}",
        {
            "ask": [
                "Could you send the full programme T&Cs and the media kit please?",
                "Please send me the terms.",
                "Can you email me the details?",
            ],
            "nocall": ["No need to call.", "No need for a call.", "No call needed.", "Don't call."],
            "close": ["Thanks", "", "Annie"],
        },
    ),
    "es": (
        "{ask} {nocall} {close}",
        {
            "ask": ["¿Me envías las condiciones?", "Mándame los detalles por correo, por favor."],
            "nocall": ["No hace falta llamar.", "No hace falta una llamada.", "Sin llamadas."],
            "close": ["Gracias", ""],
        },
    ),
    "pt": (
        "{ask} {nocall} {close}",
        {
            "ask": ["Pode me mandar os termos?", "Me manda os detalhes por email, por favor."],
            "nocall": ["Não precisa ligar.", "Não precisa de chamada.", "Sem call."],
            "close": ["Obrigada", ""],
        },
    ),
    "fr": (
        "{ask} {nocall} {close}",
        {
            "ask": ["Pouvez-vous m'envoyer les conditions ?", "Envoyez-moi les détails par mail."],
            "nocall": ["Pas besoin d'appeler.", "Pas besoin d'appel.", "Inutile de m'appeler."],
            "close": ["Merci", ""],
        },
    ),
    "de": (
        "{ask} {nocall} {close}",
        {
            "ask": ["Können Sie mir die Konditionen schicken?", "Schick mir bitte die Details."],
            "nocall": [
                "Kein Anruf nötig.",
                "Sie müssen nicht anrufen.",
                "Ein Telefonat braucht es nicht.",
            ],
            "close": ["Danke", ""],
        },
    ),
}

# a request for the information with a word of courtesy anywhere, enclitic pronouns included
SEND_COURTEOUS: dict[str, Spec] = {
    "en": (
        "{ask}",
        {
            "ask": _product(
                ["Send me the info", "Email me the details", "Please send over the terms"],
                ["by email", ""],
                ["please.", "if you'd be so kind.", "."],
            )
        },
    ),
    "es": (
        "{ask}",
        {
            "ask": _product(
                ["Mándame la información", "Envíame los detalles", "Pásame las condiciones"],
                ["por correo", ""],
                ["por favor.", "si eres tan amable.", "."],
            )
        },
    ),
    "pt": (
        "{ask}",
        {
            "ask": _product(
                ["Mande-me a informação", "Envie-me os detalhes", "Manda-me as condições"],
                ["por email", ""],
                ["se faz favor.", "por favor.", "."],
            )
        },
    ),
    "fr": (
        "{ask}",
        {
            "ask": _product(
                [
                    "Envoyez-moi les informations",
                    "Envoie-moi les détails",
                    "Transmettez-moi les conditions",
                ],
                ["par mail", ""],
                ["s'il vous plaît.", "svp.", "."],
            )
        },
    ),
    "de": (
        "{ask}",
        {
            "ask": _product(
                [
                    "Schicken Sie mir bitte die Infos",
                    "Senden Sie mir die Details",
                    "Schick mir die Konditionen",
                ],
                ["per Mail", ""],
                ["bitte.", "danke.", "."],
            )
        },
    ),
}

# thanks with a name and a device signature under it
THANKS_SIGNED: dict[str, Spec] = {
    "en": (
        "{thanks}\n\n{sig}",
        {
            "thanks": ["Thanks Maya, noted!", "Got it, thanks Leo.", "Noted, thanks Priya!"],
            "sig": ["Sent from my iPhone", "Sent from Outlook for Android", "Get Outlook for iOS"],
        },
    ),
    "es": (
        "{thanks}\n\n{sig}",
        {
            "thanks": ["Gracias Maya, entendido.", "Perfecto, gracias Leo."],
            "sig": ["Enviado desde mi iPhone", "Enviado desde Outlook para Android"],
        },
    ),
    "pt": (
        "{thanks}\n\n{sig}",
        {
            "thanks": ["Obrigada Maya, anotado!", "Beleza, valeu Leo."],
            "sig": ["Enviado do meu iPhone", "Enviado do Outlook para Android"],
        },
    ),
    "fr": (
        "{thanks}\n\n{sig}",
        {
            "thanks": ["Merci Maya, c'est noté !", "Parfait, merci Léo."],
            "sig": ["Envoyé de mon iPhone", "Envoyé à partir de Outlook pour Android"],
        },
    ),
    "de": (
        "{thanks}\n\n{sig}",
        {
            "thanks": ["Danke Maya, notiert!", "Alles klar, danke Leo."],
            "sig": ["Von meinem iPhone gesendet", "Gesendet von Outlook für Android"],
        },
    ),
}

# an ask to resume the conversation at a time: a deferral, not thanks
RESUME_DEFERRAL: dict[str, Spec] = {
    "en": (
        "{open} {act} {why}",
        {
            "open": ["Thanks.", "Appreciate it.", ""],
            "act": _product(
                ["Let's pick this up again", "Let's talk again", "Let's revisit this"],
                ["in mid-January.", "in February.", "after the holidays."],
            ),
            "why": ["", "Once budgets are set."],
        },
    ),
    "es": (
        "{open} {act} {why}",
        {
            "open": ["Gracias.", ""],
            "act": _product(
                ["Volvamos a hablar", "Retomemos el tema", "Lo retomamos"],
                ["a mediados de enero.", "en febrero.", "después de las fiestas."],
            ),
            "why": ["", "Cuando cerremos presupuestos."],
        },
    ),
    "pt": (
        "{open} {act} {why}",
        {
            "open": ["Obrigado.", ""],
            "act": _product(
                ["Voltamos a falar", "Retomamos o assunto", "Vamos retomar a conversa"],
                ["em meados de janeiro.", "em fevereiro.", "depois das festas."],
            ),
            "why": ["", "Quando fecharmos o orçamento."],
        },
    ),
    "fr": (
        "{open} {act} {why}",
        {
            "open": ["Merci.", ""],
            "act": _product(
                ["On en reparle", "Reprenons contact", "On se reparle"],
                ["mi-janvier.", "en février.", "après les fêtes."],
            ),
            "why": ["", "Quand les budgets seront bouclés."],
        },
    ),
    "de": (
        "{open} {act} {why}",
        {
            "open": ["Danke.", ""],
            "act": _product(
                ["Lassen Sie uns", "Lass uns"],
                ["Mitte Januar", "im Februar", "nach den Feiertagen"],
                ["wieder sprechen.", "das Thema wieder aufnehmen."],
            ),
            "why": ["", "Wenn das Budget steht."],
        },
    ),
}

# a counter-offer with a fixed fee (monthly, per post) besides or instead of the commission
FIXED_FEE: dict[str, Spec] = {
    "en": (
        "{act} {close}",
        {
            "act": _product(
                ["We accept with", "We'd do it for", "Happy to go ahead with"],
                ["a fixed monthly fee of 500€", "a flat fee of $400 per post"],
                ["plus commission.", "on top of the commission."],
            ),
            "close": ["Let me know if that's possible.", ""],
        },
    ),
    "es": (
        "{act} {close}",
        {
            "act": _product(
                ["Aceptamos con", "Lo haríamos con"],
                ["un fee fijo mensual de 500€", "una tarifa fija de 400 € por post"],
                ["más comisión.", "además de la comisión."],
            ),
            "close": ["Dime si es posible.", ""],
        },
    ),
    "pt": (
        "{act} {close}",
        {
            "act": _product(
                ["Aceitamos com", "Fazemos com"],
                ["uma fee fixa mensal de 500€", "um valor fixo de R$ 800 por post"],
                ["mais comissão.", "além da comissão."],
            ),
            "close": ["Diga-me se é possível.", ""],
        },
    ),
    "fr": (
        "{act} {close}",
        {
            "act": _product(
                ["On accepte avec", "Nous le ferions avec"],
                ["un fixe mensuel de 500€", "un forfait de 400 € par post"],
                ["plus la commission.", "en plus de la commission."],
            ),
            "close": ["Dites-moi si c'est possible.", ""],
        },
    ),
    "de": (
        "{act} {close}",
        {
            "act": _product(
                ["Wir machen mit bei", "Wir sind dabei mit"],
                ["einer monatlichen Fixgebühr von 500€", "einer Pauschale von 400 € pro Post"],
                ["plus Provision.", "zusätzlich zur Provision."],
            ),
            "close": ["Sagen Sie mir, ob das geht.", ""],
        },
    ),
}

# a question phrased as doubt about the fit (their audience, who buys)
FIT_QUESTION: dict[str, Spec] = {
    "en": (
        "{ask} {doubt}",
        {
            "ask": [
                "Do you have any data on who buys your collars?",
                "What age group are you targeting?",
                "Who is your typical customer?",
            ],
            "doubt": [
                "Most of my followers are in rural Ireland and I'm not sure it's relevant to them.",
                "My audience is mostly teens, not sure it fits.",
                "",
            ],
        },
    ),
    "es": (
        "{ask} {doubt}",
        {
            "ask": [
                "¿Qué edad tiene el público que os interesa?",
                "¿Quién compra vuestros productos?",
            ],
            "doubt": ["Mi comunidad es sobre todo adolescente.", "No sé si encaja.", ""],
        },
    ),
    "pt": (
        "{ask} {doubt}",
        {
            "ask": [
                "Qual a idade do público que vocês procuram?",
                "Quem compra os produtos de vocês?",
            ],
            "doubt": ["Meu público é mais adolescente.", "Não sei se combina.", ""],
        },
    ),
    "fr": (
        "{ask} {doubt}",
        {
            "ask": [
                "c'est quoi l'âge de ma commu qui vous intéresse?",
                "Quel public visez-vous ?",
                "Qui achète vos produits ?",
            ],
            "doubt": ["parce que moi c'est surtout des ados", "Je ne sais pas si ça colle.", ""],
        },
    ),
    "de": (
        "{ask} {doubt}",
        {
            "ask": ["Welche Zielgruppe sprechen Sie an?", "Wer kauft Ihre Produkte?"],
            "doubt": ["Meine Community ist eher jung.", "Ich weiß nicht, ob das passt.", ""],
        },
    ),
}

# sarcasm about the timing: a season or month word is no deferral
SEASON_SARCASM: dict[str, Spec] = {
    "en": (
        "{open} {thing} {mock}",
        {
            "open": ["lol", "haha", "wow"],
            "thing": ["sunscreen in december,", "swimwear in january,", "christmas mugs in july,"],
            "mock": ["bold move", "great timing", "nice one"],
        },
    ),
    "es": (
        "{open} {thing} {mock}",
        {
            "open": ["jaja", "jajaja"],
            "thing": ["¿protector solar en diciembre?", "bañadores en enero,"],
            "mock": ["qué valentía", "muy buen timing"],
        },
    ),
    "pt": (
        "{open} {thing} {mock}",
        {
            "open": ["kkkk", "haha"],
            "thing": ["protetor solar em dezembro?", "biquíni em julho,"],
            "mock": ["que coragem", "timing perfeito"],
        },
    ),
    "fr": (
        "{open} {thing} {mock}",
        {
            "open": ["mdr", "lol"],
            "thing": ["de la crème solaire en décembre ?", "des maillots en janvier,"],
            "mock": ["quel culot", "bien joué le timing"],
        },
    ),
    "de": (
        "{open} {thing} {mock}",
        {
            "open": ["haha", "lol"],
            "thing": ["Sonnencreme im Dezember?", "Bademode im Januar,"],
            "mock": ["mutig", "super Timing"],
        },
    ),
}

# the details asked for in a private channel (DMs, inbox, e-mail), slang included
DETAILS_IN_DMS: dict[str, Spec] = {
    "en": (
        "{act} {close}",
        {
            "act": _product(
                ["stop by my DMs with", "drop", "slide into my inbox with", "shoot"],
                ["the deets", "the details", "the info"],
                ["", "in my DMs", "to my inbox"],
            ),
            "close": ["👀", "", "pls"],
        },
    ),
    "es": (
        "{act} {close}",
        {
            "act": _product(
                ["pásame", "mándame", "escríbeme"],
                ["los detalles", "la info"],
                ["por dm", "al privado", "por md"],
            ),
            "close": ["👀", ""],
        },
    ),
    "pt": (
        "{act} {close}",
        {
            "act": _product(
                ["me passa", "manda", "me chama com"],
                ["os detalhes", "as infos"],
                ["no direct", "na dm", "no privado"],
            ),
            "close": ["👀", ""],
        },
    ),
    "fr": (
        "{act} {close}",
        {
            "act": _product(
                ["envoie-moi", "balance", "écris-moi avec"],
                ["les détails", "les infos"],
                ["en dm", "en mp", "en privé"],
            ),
            "close": ["👀", ""],
        },
    ),
    "de": (
        "{act} {close}",
        {
            "act": _product(
                ["schick mir", "sende mir", "gib mir"],
                ["die Details", "die Infos"],
                ["per DM", "per PN", "in die DMs"],
            ),
            "close": ["👀", ""],
        },
    ),
}
