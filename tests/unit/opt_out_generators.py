"""Opt-outs and their look-alikes generated per language: the sweep of issue 23.

Each language lists how people say "stop writing to me", "remove/delete me from your list",
"unsubscribe me", "I don't want to receive these", "do not message me again", "leave me alone"
and "this is spam" (imperatives familiar, polite and plural, infinitives, negated wishes,
passives), written here by hand from how the language says it, before the rules were read; and
the reverse class, replies that mention the same words without asking to stop (a broken
unsubscribe link, other brands' spam, a spam folder, "no need to remove me", a waitlist, "don't
stop", praise).

An act may hold ``{p}`` (a word of courtesy, or nothing) and ``{b}`` (our brand). A case is an act
with its variations: a greeting and a signature, the brand named, lower case without accents, a
typo of one letter in a long word, one letter from another script (``VARIANTS``). ``cases``
enumerates them for the sweep report (``bench/opt_out_sweep.py``); ``replies`` draws them for the
hypothesis properties.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from hypothesis import strategies as st

BRAND = "Northwind"


@dataclass(frozen=True)
class Language:
    """How one language writes opt-outs and the replies that only look like them."""

    greet: tuple[str, ...]
    sign: tuple[str, ...]
    please: tuple[str, ...]
    acts: tuple[str, ...]
    nots: tuple[str, ...]


def _lang(
    greet: list[str], sign: list[str], please: list[str], acts: list[str], nots: list[str]
) -> Language:
    return Language(tuple(greet), tuple(sign), tuple(please), tuple(acts), tuple(nots))


LANGUAGES: dict[str, Language] = {
    "en": _lang(
        ["Hi,", "Hello {b} team,", "Hey Dan,"],
        ["Thanks,\nAnna", "Best regards,\nTom Baker", "Cheers"],
        ["please", "kindly", "pls", "thanks"],
        [
            "Stop emailing me {p}.",
            "{p} stop contacting me.",
            "{p} stop writing to me.",
            "Remove me from your mailing list {p}.",
            "{p} delete me from your database.",
            "Take me off your list, {p}.",
            "Unsubscribe me {p}.",
            "{p} unsubscribe.",
            "I don't want to receive these emails anymore.",
            "I do not wish to be contacted again.",
            "Do not message me again.",
            "Don't email me again {p}.",
            "Leave me alone.",
            "This is spam.",
            "I'd like to be removed from your list.",
            "I want to unsubscribe from {b} emails.",
            "{p} stop sending me {b} emails.",
            "{p} remove my email address from your database.",
            "Never contact me again.",
            "I would like to opt out.",
            "Stop spamming me.",
            "Do not contact me anymore.",
        ],
        [
            "Your unsubscribe link seems broken, just FYI. Anyway, I'd love to hear more about "
            "the program.",
            "I get so much spam from other brands, but {b} is different: count me in.",
            "Your email landed in my spam folder, glad I found it. Tell me more!",
            "No need to remove me from the list, I'm interested.",
            "Please move me from the waitlist into the program.",
            "Don't stop sending these, I love them!",
            "Love your emails, keep them coming.",
        ],
    ),
    "es": _lang(
        ["Hola,", "Buenas tardes, equipo de {b}:", "Hola Dani,"],
        ["Gracias,\nLucía", "Saludos,\nJavier Gómez", "Un saludo"],
        ["por favor", "porfa", "porfavor"],
        [
            "Deja de escribirme {p}.",
            "{p} deje de enviarme correos.",
            "Dejen de contactarme.",
            "Bórrame de tu lista {p}.",
            "{p} elimínenme de su base de datos.",
            "Sáqueme de su lista de correo.",
            "Dame de baja {p}.",
            "Quiero darme de baja.",
            "Darme de baja de la lista, {p}.",
            "No quiero recibir más correos de {b}.",
            "No deseo ser contactado.",
            "No me escribas más.",
            "No me vuelvan a contactar.",
            "Déjame en paz.",
            "Dejadme en paz {p}.",
            "Esto es spam.",
            "Me gustaría que me eliminaran de su lista.",
            "Quisiera ser eliminado de la lista.",
            "{p} no me envíen más mensajes.",
        ],
        [
            "El enlace para darse de baja no funciona, pero me interesa el programa.",
            "Recibo mucho spam de otras marcas, pero lo de {b} me interesa.",
            "Tu correo llegó a la carpeta de spam, menos mal que lo vi. Cuéntame más.",
            "No hace falta que me borréis de la lista, me interesa.",
            "¿Me podéis pasar de la lista de espera al programa?",
            "¡No dejéis de escribirme, me encantan vuestros correos!",
            "Me encantan vuestros correos, seguid así.",
        ],
    ),
    "pt": _lang(
        ["Olá,", "Oi, pessoal da {b},", "Bom dia Dani,"],
        ["Obrigada,\nMariana", "Abraços,\nJoão Silva", "Att."],
        ["por favor", "pfv", "por gentileza"],
        [
            "Pare de me mandar e-mails {p}.",
            "{p} parem de me enviar mensagens.",
            "Para de me escrever.",
            "Me tire da sua lista {p}.",
            "{p} remova meu e-mail da sua base de dados.",
            "Tirem-me da lista de contatos.",
            "Quero cancelar a inscrição.",
            "Descadastrar, {p}.",
            "Me descadastre {p}.",
            "Não quero mais receber esses e-mails.",
            "Não desejo ser contatado.",
            "Não me mande mais mensagens.",
            "Não me contatem novamente.",
            "Me deixe em paz.",
            "Isso é spam.",
            "Gostaria de ser removido da lista.",
            "Cancelem minha inscrição nos e-mails da {b}.",
        ],
        [
            "O link de descadastro está quebrado, mas tenho interesse no programa.",
            "Recebo muito spam de outras marcas, mas a {b} me interessa.",
            "Seu e-mail caiu na pasta de spam, ainda bem que vi. Me conta mais!",
            "Não precisa me tirar da lista, tenho interesse.",
            "Podem me passar da lista de espera para o programa?",
            "Não parem de mandar, adoro esses e-mails!",
            "Adoro os e-mails de vocês, continuem assim.",
        ],
    ),
    "fr": _lang(
        ["Bonjour,", "Bonjour l'équipe {b},", "Salut Dan,"],
        ["Merci,\nCamille", "Cordialement,\nPierre Martin", "Bonne journée"],
        ["s'il vous plaît", "svp", "stp", "merci"],
        [
            "Arrête de m'écrire {p}.",
            "{p} arrêtez de m'envoyer des mails.",
            "Cessez de me contacter.",
            "Retirez-moi de votre liste {p}.",
            "{p} supprimez mon adresse de votre base de données.",
            "Enlève-moi de ta liste.",
            "Désinscrivez-moi {p}.",
            "Je souhaite me désabonner.",
            "Me désinscrire de la liste {p}.",
            "Je ne veux plus recevoir ces e-mails.",
            "Je ne souhaite pas être contacté.",
            "Ne m'écrivez plus.",
            "Ne me contactez plus jamais.",
            "Laissez-moi tranquille.",
            "Fous-moi la paix.",
            "C'est du spam.",
            "J'aimerais être retiré de votre liste.",
            "Merci de ne plus m'envoyer de messages de {b}.",
        ],
        [
            "Le lien de désinscription ne marche pas, mais le programme m'intéresse.",
            "Je reçois plein de spam d'autres marques, mais {b} m'intéresse.",
            "Votre mail était dans mes spams, heureusement que je l'ai vu. Dites-m'en plus !",
            "Pas besoin de me retirer de la liste, ça m'intéresse.",
            "Pouvez-vous me faire passer de la liste d'attente au programme ?",
            "N'arrêtez pas de m'écrire, j'adore vos mails !",
            "J'adore vos mails, continuez comme ça.",
        ],
    ),
    "de": _lang(
        ["Hallo,", "Liebes {b}-Team,", "Sehr geehrte Damen und Herren,"],
        ["Danke,\nJulia", "Mit freundlichen Grüßen\nStefan Müller", "Viele Grüße"],
        ["bitte", "bitteschön"],
        [
            "Hör auf, mir zu schreiben.",
            "Hören Sie {p} auf, mich zu kontaktieren.",
            "Hört auf, mir Mails zu schicken.",
            "Entfernen Sie mich {p} aus Ihrem Verteiler.",
            "{p} löschen Sie meine Daten aus Ihrer Datenbank.",
            "Nimm mich von deiner Liste.",
            "Melden Sie mich {p} ab.",
            "Ich möchte mich abmelden.",
            "Abmelden {p}.",
            "Ich will diese E-Mails nicht mehr erhalten.",
            "Ich möchte nicht kontaktiert werden.",
            "Schreiben Sie mir nicht mehr.",
            "Kontaktieren Sie mich nie wieder.",
            "Lass mich in Ruhe.",
            "Das ist Spam.",
            "Ich würde gern aus der Liste gestrichen werden.",
            "{p} keine weiteren Nachrichten von {b}.",
        ],
        [
            "Der Abmeldelink funktioniert nicht, aber das Programm interessiert mich.",
            "Ich bekomme viel Spam von anderen Marken, aber {b} finde ich spannend.",
            "Ihre Mail war im Spamordner, zum Glück habe ich sie gesehen. Erzählen Sie mehr!",
            "Sie müssen mich nicht von der Liste nehmen, ich bin interessiert.",
            "Können Sie mich von der Warteliste ins Programm übernehmen?",
            "Hören Sie nicht auf zu schreiben, ich liebe Ihre Mails!",
            "Ich liebe Ihre Mails, weiter so.",
        ],
    ),
    "it": _lang(
        ["Ciao,", "Gentile team {b},", "Buongiorno Dan,"],
        ["Grazie,\nGiulia", "Cordiali saluti,\nMarco Rossi", "Saluti"],
        ["per favore", "per piacere", "grazie"],
        [
            "Smettila di scrivermi.",
            "{p} smetta di contattarmi.",
            "Smettete di mandarmi email {p}.",
            "Toglietemi dalla vostra lista {p}.",
            "{p} cancellate i miei dati dal vostro database.",
            "Rimuovimi dalla lista.",
            "Disiscrivetemi {p}.",
            "Voglio disiscrivermi.",
            "Cancellare l'iscrizione, {p}.",
            "Non voglio più ricevere queste email.",
            "Non desidero essere contattato.",
            "Non scrivermi più.",
            "Non contattatemi mai più.",
            "Lasciami in pace.",
            "Questo è spam.",
            "Vorrei essere rimosso dalla vostra lista.",
            "Non mandatemi più messaggi di {b}.",
        ],
        [
            "Il link per disiscriversi non funziona, ma il programma mi interessa.",
            "Ricevo tanto spam da altri marchi, ma {b} mi interessa.",
            "La vostra email era finita nello spam, per fortuna l'ho vista. Ditemi di più!",
            "Non serve togliermi dalla lista, sono interessato.",
            "Potete spostarmi dalla lista d'attesa al programma?",
            "Non smettete di scrivermi, adoro le vostre email!",
            "Adoro le vostre email, continuate così.",
        ],
    ),
    "nl": _lang(
        ["Hoi,", "Beste {b},", "Goedemiddag Dan,"],
        ["Bedankt,\nSanne", "Met vriendelijke groet,\nJeroen de Vries", "Groetjes"],
        ["alsjeblieft", "alstublieft", "aub", "graag"],
        [
            "Stop met mailen {p}.",
            "Hou op met mij te mailen.",
            "{p} stuur me geen e-mails meer.",
            "Haal me {p} van jullie lijst.",
            "Verwijder mij uit uw database.",
            "Verwijder mijn gegevens {p}.",
            "Schrijf me uit.",
            "Ik wil me afmelden.",
            "Afmelden {p}.",
            "Ik wil deze e-mails niet meer ontvangen.",
            "Ik wens niet meer benaderd te worden.",
            "Neem geen contact meer met mij op.",
            "Mail me nooit meer.",
            "Laat me met rust.",
            "Dit is spam.",
            "Ik zou graag van de lijst verwijderd worden.",
            "Geen berichten meer van {b} {p}.",
        ],
        [
            "De afmeldlink werkt niet, maar ik heb interesse in het programma.",
            "Ik krijg veel spam van andere merken, maar {b} spreekt me aan.",
            "Jullie mail zat in mijn spammap, gelukkig zag ik hem. Vertel meer!",
            "Je hoeft me niet van de lijst te halen, ik ben geïnteresseerd.",
            "Kunnen jullie me van de wachtlijst naar het programma zetten?",
            "Stop niet met mailen, ik vind jullie mails geweldig!",
            "Ik vind jullie mails geweldig, ga zo door.",
        ],
    ),
    "pl": _lang(
        ["Dzień dobry,", "Cześć zespole {b},", "Witam,"],
        ["Dzięki,\nKasia", "Pozdrawiam,\nTomasz Nowak", "Z poważaniem"],
        ["proszę", "prosze", "pls"],
        [
            "Przestań do mnie pisać.",
            "{p} przestać do mnie pisać.",
            "Przestańcie wysyłać mi maile.",
            "Usuń mnie z listy {p}.",
            "{p} usuńcie moje dane z bazy.",
            "Proszę usunąć mój adres z bazy danych.",
            "Wypisz mnie {p}.",
            "Chcę się wypisać.",
            "Nie chcę otrzymywać tych wiadomości.",
            "Nie życzę sobie kontaktu.",
            "Nie piszcie do mnie więcej.",
            "Nie kontaktujcie się ze mną więcej.",
            "Zostawcie mnie w spokoju.",
            "To jest spam.",
            "Chciałbym zostać usunięty z listy.",
            "Nie wysyłajcie mi więcej wiadomości od {b}.",
        ],
        [
            "Link do wypisania się nie działa, ale program mnie interesuje.",
            "Dostaję dużo spamu od innych marek, ale {b} mnie interesuje.",
            "Wasz mail trafił do spamu, dobrze że go zobaczyłem. Napiszcie więcej!",
            "Nie musicie mnie usuwać z listy, jestem zainteresowany.",
            "Możecie przenieść mnie z listy oczekujących do programu?",
            "Nie przestawajcie pisać, uwielbiam wasze maile!",
            "Uwielbiam wasze maile, tak trzymać.",
        ],
    ),
    "sv": _lang(
        ["Hej,", "Hej {b},", "Hej Dan,"],
        ["Tack,\nEmma", "Med vänliga hälsningar,\nErik Lindström", "Mvh"],
        ["tack", "snälla", "vänligen"],
        [
            "Sluta skriva till mig.",
            "{p} sluta kontakta mig.",
            "Sluta skicka mejl till mig {p}.",
            "Ta bort mig från er lista {p}.",
            "{p} radera mina uppgifter ur er databas.",
            "Avregistrera mig {p}.",
            "Jag vill avsluta prenumerationen.",
            "Avanmäl mig.",
            "Jag vill inte få fler mejl.",
            "Jag önskar inte bli kontaktad.",
            "Skriv inte till mig igen.",
            "Kontakta mig aldrig mer.",
            "Lämna mig i fred.",
            "Det här är spam.",
            "Jag vill bli borttagen från listan.",
            "Inga fler mejl från {b}, {p}.",
        ],
        [
            "Avregistreringslänken fungerar inte, men programmet låter intressant.",
            "Jag får mycket spam från andra märken, men {b} intresserar mig.",
            "Ert mejl hamnade i skräpposten, tur att jag såg det. Berätta mer!",
            "Ni behöver inte ta bort mig från listan, jag är intresserad.",
            "Kan ni flytta mig från väntelistan till programmet?",
            "Sluta inte skriva, jag älskar era mejl!",
            "Jag älskar era mejl, fortsätt så.",
        ],
    ),
    "da": _lang(
        ["Hej,", "Kære {b},", "Hej Dan,"],
        ["Tak,\nMette", "Venlig hilsen\nLars Jensen", "Mvh"],
        ["venligst", "tak", "gerne"],
        [
            "Stop med at skrive til mig.",
            "{p} hold op med at kontakte mig.",
            "Stop med at sende mig mails {p}.",
            "Fjern mig fra jeres liste {p}.",
            "{p} slet mine oplysninger fra jeres database.",
            "Afmeld mig {p}.",
            "Jeg vil gerne afmelde mig.",
            "Jeg ønsker ikke at modtage flere mails.",
            "Jeg ønsker ikke at blive kontaktet.",
            "Skriv ikke til mig igen.",
            "Kontakt mig aldrig igen.",
            "Lad mig være i fred.",
            "Det her er spam.",
            "Jeg vil gerne fjernes fra listen.",
            "Ikke flere mails fra {b}, {p}.",
        ],
        [
            "Afmeldingslinket virker ikke, men programmet lyder spændende.",
            "Jeg får meget spam fra andre brands, men {b} interesserer mig.",
            "Jeres mail landede i mit spamfilter, godt jeg så den. Fortæl mere!",
            "I behøver ikke fjerne mig fra listen, jeg er interesseret.",
            "Kan I flytte mig fra ventelisten til programmet?",
            "Stop ikke med at skrive, jeg elsker jeres mails!",
            "Jeg elsker jeres mails, fortsæt sådan.",
        ],
    ),
    "no": _lang(
        ["Hei,", "Hei {b},", "Hei Dan,"],
        ["Takk,\nIngrid", "Med vennlig hilsen\nOla Hansen", "Mvh"],
        ["vennligst", "takk", "gjerne"],
        [
            "Slutt å skrive til meg.",
            "{p} slutt å kontakte meg.",
            "Fjern meg fra listen deres {p}.",
            "{p} slett opplysningene mine fra databasen.",
            "Meld meg av {p}.",
            "Jeg vil melde meg av nyhetsbrevet.",
            "Jeg vil ikke motta flere e-poster.",
            "Jeg ønsker ikke å bli kontaktet.",
            "Ikke skriv til meg igjen.",
            "Ikke kontakt meg mer.",
            "La meg være i fred.",
            "Dette er spam.",
            "Jeg vil gjerne bli fjernet fra listen.",
            "Ingen flere e-poster fra {b}, {p}.",
        ],
        [
            "Avmeldingslenken virker ikke, men programmet høres spennende ut.",
            "Jeg får mye spam fra andre merker, men {b} interesserer meg.",
            "E-posten deres havnet i søppelposten, godt jeg så den. Fortell mer!",
            "Dere trenger ikke fjerne meg fra listen, jeg er interessert.",
            "Kan dere flytte meg fra ventelisten til programmet?",
            "Ikke slutt å skrive, jeg elsker e-postene deres!",
            "Jeg elsker e-postene deres, fortsett sånn.",
        ],
    ),
    "fi": _lang(
        ["Hei,", "Hei {b},", "Moi Dan,"],
        ["Kiitos,\nAino", "Ystävällisin terveisin\nMikko Virtanen", "Terveisin"],
        ["kiitos", "ystävällisesti"],
        [
            "Lopeta viestien lähettäminen minulle.",
            "{p} lopettakaa yhteydenotot.",
            "Älä kirjoita minulle enää.",
            "Älkää ottako minuun enää yhteyttä.",
            "Poista minut listalta {p}.",
            "{p} poistakaa tietoni tietokannastanne.",
            "Haluan perua tilauksen.",
            "Peru tilaukseni {p}.",
            "En halua saada näitä viestejä.",
            "En halua, että minuun otetaan yhteyttä.",
            "Jättäkää minut rauhaan.",
            "Tämä on roskapostia.",
            "Haluaisin tulla poistetuksi listalta.",
            "Ei enää viestejä {b}:lta, {p}.",
        ],
        [
            "Tilauksen peruutuslinkki ei toimi, mutta ohjelma kiinnostaa.",
            "Saan paljon roskapostia muilta brändeiltä, mutta {b} kiinnostaa.",
            "Viestinne meni roskapostikansioon, onneksi huomasin sen. Kertokaa lisää!",
            "Minua ei tarvitse poistaa listalta, olen kiinnostunut.",
            "Voitteko siirtää minut jonotuslistalta ohjelmaan?",
            "Älkää lopettako, rakastan viestejänne!",
            "Rakastan viestejänne, jatkakaa samaan malliin.",
        ],
    ),
    "cs": _lang(
        ["Dobrý den,", "Ahoj týme {b},", "Ahoj,"],
        ["Díky,\nPetra", "S pozdravem\nJan Novák", "Zdravím"],
        ["prosím", "děkuji"],
        [
            "Přestaň mi psát.",
            "{p} přestaňte mě kontaktovat.",
            "Přestaňte mi posílat e-maily {p}.",
            "Odstraňte mě ze seznamu {p}.",
            "{p} smažte moje údaje z databáze.",
            "Vyřaďte mě z mailing listu.",
            "Odhlaste mě {p}.",
            "Chci se odhlásit.",
            "Nechci dostávat tyto e-maily.",
            "Nepřeji si být kontaktován.",
            "Už mi nepište.",
            "Nekontaktujte mě.",
            "Nechte mě na pokoji.",
            "Tohle je spam.",
            "Chtěl bych být odstraněn ze seznamu.",
            "Už žádné e-maily od {b}, {p}.",
        ],
        [
            "Odkaz pro odhlášení nefunguje, ale program mě zajímá.",
            "Dostávám hodně spamu od jiných značek, ale {b} mě zajímá.",
            "Váš e-mail skončil ve spamu, naštěstí jsem ho viděl. Povězte mi víc!",
            "Nemusíte mě odstraňovat ze seznamu, mám zájem.",
            "Můžete mě přesunout z čekací listiny do programu?",
            "Nepřestávejte psát, vaše e-maily miluju!",
            "Vaše e-maily miluju, jen tak dál.",
        ],
    ),
    "sk": _lang(
        ["Dobrý deň,", "Ahoj tím {b},", "Ahoj,"],
        ["Vďaka,\nZuzana", "S pozdravom\nPeter Horváth", "Zdravím"],
        ["prosím", "ďakujem"],
        [
            "Prestaň mi písať.",
            "{p} prestaňte ma kontaktovať.",
            "Prestaňte mi posielať e-maily {p}.",
            "Odstráňte ma zo zoznamu {p}.",
            "{p} vymažte moje údaje z databázy.",
            "Odhláste ma {p}.",
            "Chcem sa odhlásiť.",
            "Nechcem dostávať tieto e-maily.",
            "Neželám si byť kontaktovaný.",
            "Už mi nepíšte.",
            "Nekontaktujte ma.",
            "Nechajte ma na pokoji.",
            "Toto je spam.",
            "Chcel by som byť odstránený zo zoznamu.",
            "Už žiadne e-maily od {b}, {p}.",
        ],
        [
            "Odkaz na odhlásenie nefunguje, ale program ma zaujíma.",
            "Dostávam veľa spamu od iných značiek, ale {b} ma zaujíma.",
            "Váš e-mail skončil v spame, našťastie som ho videl. Povedzte mi viac!",
            "Nemusíte ma odstraňovať zo zoznamu, mám záujem.",
            "Môžete ma presunúť z čakacej listiny do programu?",
            "Neprestávajte písať, vaše e-maily milujem!",
            "Vaše e-maily milujem, len tak ďalej.",
        ],
    ),
    "sl": _lang(
        ["Pozdravljeni,", "Živijo ekipa {b},", "Živjo,"],
        ["Hvala,\nNina", "Lep pozdrav,\nMatej Kovač", "LP"],
        ["prosim", "hvala"],
        [
            "Nehaj mi pisati.",
            "{p} nehajte me kontaktirati.",
            "Prenehajte mi pošiljati e-pošto {p}.",
            "Odstranite me s seznama {p}.",
            "{p} izbrišite moje podatke iz baze.",
            "Odjavite me {p}.",
            "Želim se odjaviti.",
            "Ne želim prejemati teh sporočil.",
            "Ne želim, da me kontaktirate.",
            "Ne pišite mi več.",
            "Ne kontaktirajte me več.",
            "Pustite me pri miru.",
            "To je spam.",
            "Rad bi bil odstranjen s seznama.",
            "Nič več sporočil od {b}, {p}.",
        ],
        [
            "Povezava za odjavo ne deluje, ampak program me zanima.",
            "Dobivam veliko spama od drugih znamk, ampak {b} me zanima.",
            "Vaše sporočilo je pristalo med vsiljeno pošto, na srečo sem ga videl. Povejte več!",
            "Ni me treba odstraniti s seznama, zanima me.",
            "Me lahko premaknete s čakalnega seznama v program?",
            "Ne nehajte pisati, obožujem vaša sporočila!",
            "Obožujem vaša sporočila, kar tako naprej.",
        ],
    ),
    "hr": _lang(
        ["Pozdrav,", "Poštovani {b},", "Bok,"],
        ["Hvala,\nIva", "Lijep pozdrav,\nIvan Horvat", "LP"],
        ["molim", "molim vas", "hvala"],
        [
            "Prestani mi pisati.",
            "{p} prestanite me kontaktirati.",
            "Prestanite mi slati mailove {p}.",
            "Maknite me s popisa {p}.",
            "{p} izbrišite moje podatke iz baze.",
            "Uklonite me s liste.",
            "Odjavite me {p}.",
            "Želim se odjaviti.",
            "Ne želim primati ove poruke.",
            "Ne želim da me kontaktirate.",
            "Ne pišite mi više.",
            "Nemojte me više kontaktirati.",
            "Ostavite me na miru.",
            "Ovo je spam.",
            "Želio bih biti uklonjen s popisa.",
            "Nema više poruka od {b}, {p}.",
        ],
        [
            "Link za odjavu ne radi, ali program me zanima.",
            "Dobivam puno spama od drugih brendova, ali {b} me zanima.",
            "Vaš mail je završio u spamu, srećom sam ga vidio. Recite mi više!",
            "Ne morate me maknuti s popisa, zainteresiran sam.",
            "Možete li me prebaciti s liste čekanja u program?",
            "Nemojte prestati pisati, obožavam vaše mailove!",
            "Obožavam vaše mailove, samo tako nastavite.",
        ],
    ),
    "hu": _lang(
        ["Szia,", "Kedves {b} csapat!", "Üdv,"],
        ["Köszönöm,\nAnna", "Üdvözlettel:\nKovács Péter", "Üdv"],
        ["kérem", "kérlek", "légyszi"],
        [
            "Ne írj nekem többet.",
            "{p} ne írjon nekem többet.",
            "Ne keressetek többé.",
            "Töröljenek a listáról {p}.",
            "{p} töröljék az adataimat az adatbázisból.",
            "Vegyél le a listáról.",
            "Le szeretnék iratkozni.",
            "Leiratkozás {p}.",
            "Nem szeretnék több ilyen e-mailt kapni.",
            "Nem kívánom, hogy megkeressenek.",
            "Hagyjanak békén.",
            "Ez spam.",
            "Szeretném, ha törölnének a listáról.",
            "Ne küldjenek több e-mailt, {p}.",
            "Hagyd abba az írogatást.",
        ],
        [
            "A leiratkozási link nem működik, de a program érdekel.",
            "Sok spamet kapok más márkáktól, de a {b} érdekel.",
            "A leveletek a spam mappába került, szerencsére észrevettem. Meséljetek többet!",
            "Nem kell törölni a listáról, érdekel.",
            "Át tudnátok tenni a várólistáról a programba?",
            "Ne hagyjátok abba, imádom a leveleiteket!",
            "Imádom a leveleiteket, csak így tovább.",
        ],
    ),
    "ro": _lang(
        ["Bună ziua,", "Salut echipa {b},", "Bună,"],
        ["Mersi,\nIoana", "Cu stimă,\nAndrei Popescu", "O zi bună"],
        ["vă rog", "te rog", "mersi"],
        [
            "Nu-mi mai scrie.",
            "{p} nu-mi mai scrieți.",
            "Încetați să mă mai contactați {p}.",
            "Ștergeți-mă din lista voastră {p}.",
            "{p} eliminați datele mele din baza de date.",
            "Scoate-mă de pe listă.",
            "Dezabonați-mă {p}.",
            "Vreau să mă dezabonez.",
            "Nu mai vreau să primesc aceste e-mailuri.",
            "Nu doresc să fiu contactat.",
            "Nu mă mai contactați.",
            "Lăsați-mă în pace.",
            "Acesta este spam.",
            "Aș vrea să fiu scos de pe listă.",
            "Fără alte mesaje de la {b}, {p}.",
        ],
        [
            "Linkul de dezabonare nu funcționează, dar programul mă interesează.",
            "Primesc mult spam de la alte branduri, dar {b} mă interesează.",
            "E-mailul vostru a ajuns în spam, noroc că l-am văzut. Spuneți-mi mai multe!",
            "Nu e nevoie să mă scoateți de pe listă, sunt interesat.",
            "Mă puteți muta de pe lista de așteptare în program?",
            "Nu încetați să-mi scrieți, ador e-mailurile voastre!",
            "Ador e-mailurile voastre, tot așa.",
        ],
    ),
    "bg": _lang(
        ["Здравейте,", "Здравейте, екип на {b},", "Здрасти,"],
        ["Благодаря,\nМария", "Поздрави,\nГеорги Иванов", "Поздрави"],
        ["моля", "благодаря"],
        [
            "Спри да ми пишеш.",
            "{p} спрете да ме търсите.",
            "Спрете да ми изпращате имейли {p}.",
            "Махнете ме от списъка {p}.",
            "{p} изтрийте данните ми от базата.",
            "Премахнете ме от списъка.",
            "Отпишете ме {p}.",
            "Искам да се отпиша.",
            "Не искам да получавам тези имейли.",
            "Не желая да бъда търсен.",
            "Не ми пишете повече.",
            "Не се свързвайте с мен повече.",
            "Оставете ме на мира.",
            "Това е спам.",
            "Бих искал да бъда премахнат от списъка.",
            "Без повече съобщения от {b}, {p}.",
        ],
        [
            "Линкът за отписване не работи, но програмата ме интересува.",
            "Получавам много спам от други марки, но {b} ме интересува.",
            "Имейлът ви отиде в спама, добре че го видях. Разкажете ми повече!",
            "Не е нужно да ме махате от списъка, интересувам се.",
            "Може ли да ме преместите от списъка с чакащи в програмата?",
            "Не спирайте да пишете, обожавам имейлите ви!",
            "Обожавам имейлите ви, продължавайте така.",
        ],
    ),
    "el": _lang(
        ["Γεια σας,", "Καλησπέρα ομάδα {b},", "Γεια,"],
        ["Ευχαριστώ,\nΜαρία", "Με εκτίμηση,\nΓιώργος Παπαδόπουλος", "Φιλικά"],
        ["παρακαλώ", "ευχαριστώ"],
        [
            "Σταμάτα να μου γράφεις.",
            "{p} σταματήστε να επικοινωνείτε μαζί μου.",
            "Σταματήστε να μου στέλνετε email {p}.",
            "Αφαιρέστε με από τη λίστα σας {p}.",
            "{p} διαγράψτε τα στοιχεία μου από τη βάση δεδομένων.",
            "Βγάλτε με από τη λίστα.",
            "Διαγράψτε με από τη λίστα.",
            "Θέλω να απεγγραφώ.",
            "Απεγγραφή {p}.",
            "Δεν θέλω να λαμβάνω αυτά τα email.",
            "Δεν επιθυμώ να επικοινωνήσετε μαζί μου.",
            "Μη μου ξαναστείλετε μήνυμα.",
            "Μην επικοινωνήσετε ξανά μαζί μου.",
            "Αφήστε με ήσυχο.",
            "Αυτό είναι spam.",
            "Θα ήθελα να αφαιρεθώ από τη λίστα.",
            "Όχι άλλα μηνύματα από {b}, {p}.",
        ],
        [
            "Ο σύνδεσμος απεγγραφής δεν λειτουργεί, αλλά το πρόγραμμα με ενδιαφέρει.",
            "Λαμβάνω πολύ spam από άλλες εταιρείες, αλλά η {b} με ενδιαφέρει.",
            "Το email σας πήγε στα ανεπιθύμητα, ευτυχώς το είδα. Πείτε μου περισσότερα!",
            "Δεν χρειάζεται να με αφαιρέσετε από τη λίστα, ενδιαφέρομαι.",
            "Μπορείτε να με μεταφέρετε από τη λίστα αναμονής στο πρόγραμμα;",
            "Μη σταματήσετε να γράφετε, λατρεύω τα email σας!",
            "Λατρεύω τα email σας, συνεχίστε έτσι.",
        ],
    ),
    "et": _lang(
        ["Tere,", "Tere, {b} meeskond,", "Tsau,"],
        ["Aitäh,\nKadri", "Lugupidamisega\nMart Tamm", "Parimat"],
        ["palun", "aitäh"],
        [
            "Lõpeta mulle kirjutamine.",
            "{p} lõpetage minuga ühenduse võtmine.",
            "Ärge saatke mulle enam e-kirju {p}.",
            "Eemaldage mind oma nimekirjast {p}.",
            "{p} kustutage minu andmed andmebaasist.",
            "Võta mind listist maha.",
            "Tühistage minu tellimus {p}.",
            "Soovin tellimusest loobuda.",
            "Ma ei soovi neid kirju saada.",
            "Ma ei soovi, et minuga ühendust võetakse.",
            "Ärge kirjutage mulle enam.",
            "Ärge võtke minuga enam ühendust.",
            "Jätke mind rahule.",
            "See on spämm.",
            "Sooviksin nimekirjast eemaldatud saada.",
        ],
        [
            "Tellimuse tühistamise link ei tööta, aga programm huvitab mind.",
            "Saan palju rämpsposti teistelt brändidelt, aga {b} huvitab mind.",
            "Teie kiri läks rämpsposti, õnneks nägin seda. Rääkige lähemalt!",
            "Mind pole vaja nimekirjast eemaldada, olen huvitatud.",
            "Kas saate mind ootenimekirjast programmi tõsta?",
            "Ärge lõpetage kirjutamist, armastan teie kirju!",
            "Armastan teie kirju, jätkake samas vaimus.",
        ],
    ),
    "lv": _lang(
        ["Labdien,", "Sveiki, {b} komanda,", "Čau,"],
        ["Paldies,\nLiene", "Ar cieņu,\nJānis Bērziņš", "Visu labu"],
        ["lūdzu", "paldies"],
        [
            "Beidz man rakstīt.",
            "{p} beidziet ar mani sazināties.",
            "Pārtrauciet sūtīt man e-pastus {p}.",
            "Izņemiet mani no saraksta {p}.",
            "{p} izdzēsiet manus datus no datubāzes.",
            "Noņemiet mani no saraksta.",
            "Atrakstiet mani {p}.",
            "Vēlos atrakstīties.",
            "Es nevēlos saņemt šos e-pastus.",
            "Nevēlos, lai ar mani sazinās.",
            "Nerakstiet man vairs.",
            "Nesazinieties ar mani vairs.",
            "Lieciet mani mierā.",
            "Tas ir spams.",
            "Es vēlētos tikt izņemts no saraksta.",
            "Vairs nekādu ziņu no {b}, {p}.",
        ],
        [
            "Atrakstīšanās saite nedarbojas, bet programma mani interesē.",
            "Saņemu daudz spama no citiem zīmoliem, bet {b} mani interesē.",
            "Jūsu e-pasts nonāca surogātpastā, labi, ka pamanīju. Pastāstiet vairāk!",
            "Nevajag mani izņemt no saraksta, esmu ieinteresēts.",
            "Vai varat mani pārcelt no gaidīšanas saraksta uz programmu?",
            "Nebeidziet rakstīt, man patīk jūsu e-pasti!",
            "Man ļoti patīk jūsu e-pasti, turpiniet tāpat.",
        ],
    ),
    "lt": _lang(
        ["Laba diena,", "Sveiki, {b} komanda,", "Labas,"],
        ["Ačiū,\nRūta", "Pagarbiai,\nTomas Kazlauskas", "Geros dienos"],
        ["prašau", "ačiū"],
        [
            "Liaukis man rašyti.",
            "{p} nustokite su manimi susisiekti.",
            "Nustokite siųsti man laiškus {p}.",
            "Išbraukite mane iš sąrašo {p}.",
            "{p} ištrinkite mano duomenis iš duomenų bazės.",
            "Pašalinkite mane iš sąrašo.",
            "Atsisakau prenumeratos.",
            "Noriu atsisakyti prenumeratos.",
            "Nenoriu gauti šių laiškų.",
            "Nepageidauju, kad su manimi būtų susisiekta.",
            "Daugiau man nerašykite.",
            "Nebesikreipkite į mane.",
            "Palikite mane ramybėje.",
            "Tai šlamštas.",
            "Norėčiau būti pašalintas iš sąrašo.",
            "Daugiau jokių laiškų iš {b}, {p}.",
        ],
        [
            "Prenumeratos atsisakymo nuoroda neveikia, bet programa mane domina.",
            "Gaunu daug šlamšto iš kitų prekių ženklų, bet {b} mane domina.",
            "Jūsų laiškas pateko į šlamšto aplanką, gerai, kad pamačiau. Papasakokite daugiau!",
            "Nereikia manęs išbraukti iš sąrašo, esu suinteresuotas.",
            "Ar galite perkelti mane iš laukiančiųjų sąrašo į programą?",
            "Nenustokite rašyti, dievinu jūsų laiškus!",
            "Dievinu jūsų laiškus, taip ir toliau.",
        ],
    ),
    "ga": _lang(
        ["Dia dhuit,", "A fhoireann {b},", "Haigh,"],
        ["Go raibh maith agat,\nAoife", "Le meas,\nSeán Ó Briain", "Slán"],
        ["le do thoil", "le bhur dtoil"],
        [
            "Stop ag scríobh chugam.",
            "{p} stopaigí ag cur ríomhphost chugam.",
            "Bain den liosta mé {p}.",
            "{p} bainigí mo shonraí den bhunachar sonraí.",
            "Díliostáil mé {p}.",
            "Ba mhaith liom díliostáil.",
            "Níl mé ag iarraidh na ríomhphoist seo a fháil.",
            "Ná scríobh chugam arís.",
            "Ná déan teagmháil liom arís.",
            "Fág i m'aonar mé.",
            "Is turscar é seo.",
            "Ba mhaith liom go mbainfí den liosta mé.",
        ],
        [
            "Níl an nasc díliostála ag obair, ach tá suim agam sa chlár.",
            "Faighim a lán turscair ó bhrandaí eile, ach tá suim agam i {b}.",
            "Chuaigh do ríomhphost isteach sa bhosca turscair, ach tá suim agam. "
            "Inis dom tuilleadh!",
            "Níl gá mé a bhaint den liosta, tá suim agam.",
            "An féidir libh mé a bhogadh ón liosta feithimh isteach sa chlár?",
            "Ná stop ag scríobh, is breá liom do ríomhphoist!",
            "Is breá liom do ríomhphoist, lean ort.",
        ],
    ),
    "mt": _lang(
        ["Bonġu,", "Għażiż tim ta' {b},", "Ċaw,"],
        ["Grazzi,\nMaria", "Dejjem tagħkom,\nJoseph Borg", "Saħħa"],
        ["jekk jogħġbok", "jekk jogħġbkom", "grazzi"],
        [
            "Ieqaf ikkuntattjani.",
            "{p} tibagħtulix aktar emails.",
            "Neħħuni mil-lista tagħkom {p}.",
            "{p} ħassru d-dettalji tiegħi mid-database.",
            "Ħassruni mil-lista.",
            "Irrid inħassar l-abbonament tiegħi.",
            "Ma rridx nirċievi dawn l-emails.",
            "Tikkuntattjawnix aktar.",
            "Tiktbulix aktar.",
            "Ħalluni bi kwieti.",
            "Dan huwa spam.",
            "Nixtieq nitneħħa mil-lista.",
        ],
        [
            "Il-link biex tneħħi l-abbonament ma jaħdimx, imma l-programm jinteressani.",
            "Nirċievi ħafna spam minn brands oħra, imma {b} jinteressani.",
            "L-email tagħkom spiċċat fl-ispam, imma jinteressani. Għidli aktar!",
            "M'hemmx bżonn tneħħuni mil-lista, jinteressani.",
            "Tistgħu tgħadduni mil-lista ta' stennija għall-programm?",
            "Tieqfux tiktbu, inħobb l-emails tagħkom!",
            "Inħobb l-emails tagħkom, kompli hekk.",
        ],
    ),
    "ru": _lang(
        ["Здравствуйте,", "Добрый день, команда {b},", "Привет,"],
        ["Спасибо,\nОльга", "С уважением,\nИван Петров", "Всего доброго"],
        ["пожалуйста", "плиз", "спасибо"],
        [
            "Перестань мне писать.",
            "{p} перестаньте мне писать.",
            "Прекратите присылать мне письма {p}.",
            "Удалите меня из списка рассылки {p}.",
            "{p} удалите мои данные из вашей базы.",
            "Уберите меня из базы.",
            "Отпишите меня {p}.",
            "Хочу отписаться.",
            "Отписаться от рассылки.",
            "Не хочу получать эти письма.",
            "Не желаю, чтобы со мной связывались.",
            "Больше мне не пишите.",
            "Не пишите мне больше.",
            "Не связывайтесь со мной.",
            "Оставьте меня в покое.",
            "Отстаньте от меня.",
            "Это спам.",
            "Хотел бы, чтобы меня удалили из списка.",
            "Больше никаких писем от {b}, {p}.",
        ],
        [
            "Ссылка для отписки не работает, но программа мне интересна.",
            "Получаю много спама от других брендов, но {b} мне интересен.",
            "Ваше письмо попало в спам, хорошо, что я его заметил. Расскажите подробнее!",
            "Не нужно удалять меня из списка, мне интересно.",
            "Можете перевести меня из листа ожидания в программу?",
            "Не переставайте писать, обожаю ваши письма!",
            "Обожаю ваши письма, так держать.",
        ],
    ),
    "uk": _lang(
        ["Добрий день,", "Вітаю, команда {b},", "Привіт,"],
        ["Дякую,\nОксана", "З повагою,\nАндрій Шевченко", "Гарного дня"],
        ["будь ласка", "дякую"],
        [
            "Перестань мені писати.",
            "{p} припиніть мені писати.",
            "Припиніть надсилати мені листи {p}.",
            "Видаліть мене зі списку розсилки {p}.",
            "{p} видаліть мої дані з вашої бази.",
            "Приберіть мене з бази.",
            "Відпишіть мене {p}.",
            "Хочу відписатися.",
            "Не хочу отримувати ці листи.",
            "Не бажаю, щоб зі мною зв'язувалися.",
            "Більше мені не пишіть.",
            "Не пишіть мені більше.",
            "Не зв'язуйтеся зі мною.",
            "Дайте мені спокій.",
            "Це спам.",
            "Хотів би, щоб мене видалили зі списку.",
            "Більше жодних листів від {b}, {p}.",
        ],
        [
            "Посилання для відписки не працює, але програма мене цікавить.",
            "Отримую багато спаму від інших брендів, але {b} мене цікавить.",
            "Ваш лист потрапив у спам, добре, що я його помітив. Розкажіть більше!",
            "Не треба видаляти мене зі списку, мені цікаво.",
            "Можете перевести мене зі списку очікування в програму?",
            "Не припиняйте писати, обожнюю ваші листи!",
            "Обожнюю ваші листи, так тримати.",
        ],
    ),
    "tr": _lang(
        ["Merhaba,", "Merhaba {b} ekibi,", "Selam,"],
        ["Teşekkürler,\nAyşe", "Saygılarımla,\nMehmet Yılmaz", "İyi günler"],
        ["lütfen"],
        [
            "Bana yazmayı bırak.",
            "{p} bana yazmayı bırakın.",
            "Bana e-posta göndermeyi kesin {p}.",
            "Beni listenizden çıkarın {p}.",
            "{p} bilgilerimi veritabanınızdan silin.",
            "Beni listeden sil.",
            "Aboneliğimi iptal edin {p}.",
            "Abonelikten çıkmak istiyorum.",
            "Bu e-postaları almak istemiyorum.",
            "Benimle iletişime geçilmesini istemiyorum.",
            "Bana bir daha yazmayın.",
            "Benimle bir daha iletişime geçmeyin.",
            "Beni rahat bırakın.",
            "Bu spam.",
            "Listeden çıkarılmak istiyorum.",
            "{b}'dan artık mesaj istemiyorum.",
        ],
        [
            "Abonelikten çıkma linki çalışmıyor, ama program ilgimi çekiyor.",
            "Başka markalardan çok spam alıyorum, ama {b} ilgimi çekiyor.",
            "E-postanız spam klasörüne düşmüş, iyi ki gördüm. Daha fazla anlatın!",
            "Beni listeden çıkarmanıza gerek yok, ilgileniyorum.",
            "Beni bekleme listesinden programa alabilir misiniz?",
            "Yazmayı bırakmayın, e-postalarınıza bayılıyorum!",
            "E-postalarınıza bayılıyorum, böyle devam edin.",
        ],
    ),
    "ar": _lang(
        ["مرحبا،", "أهلا فريق {b}،", "السلام عليكم،"],
        ["شكرا،\nسارة", "مع التحية،\nأحمد علي", "تحياتي"],
        ["من فضلك", "رجاء", "لو سمحت"],
        [
            "توقف عن مراسلتي.",
            "{p} توقفوا عن إرسال الرسائل إلي.",
            "احذفني من القائمة {p}.",
            "{p} احذفوا بياناتي من قاعدة البيانات.",
            "أزيلوني من قائمتكم.",
            "ألغوا اشتراكي {p}.",
            "أريد إلغاء الاشتراك.",
            "لا أريد استلام هذه الرسائل.",
            "لا أرغب في أن يتم التواصل معي.",
            "لا تراسلني مرة أخرى.",
            "لا تتواصلوا معي مجددا.",
            "اتركوني وشأني.",
            "هذه رسائل مزعجة.",
            "هذا سبام.",
            "أود أن تتم إزالتي من القائمة.",
        ],
        [
            "رابط إلغاء الاشتراك لا يعمل، لكن البرنامج يهمني.",
            "أتلقى الكثير من الرسائل المزعجة من علامات أخرى، لكن {b} تهمني.",
            "وصلت رسالتكم إلى مجلد الرسائل المزعجة، لحسن الحظ رأيتها. أخبروني المزيد!",
            "لا داعي لحذفي من القائمة، أنا مهتم.",
            "هل يمكنكم نقلي من قائمة الانتظار إلى البرنامج؟",
            "لا تتوقفوا عن الكتابة، أحب رسائلكم!",
            "أحب رسائلكم، استمروا.",
        ],
    ),
    "he": _lang(
        ["שלום,", "היי צוות {b},", "היי,"],
        ["תודה,\nנועה", "בברכה,\nיוסי כהן", "יום טוב"],
        ["בבקשה"],
        [
            "תפסיק לכתוב לי.",
            "{p} תפסיקו לשלוח לי מיילים.",
            "תסירו אותי מהרשימה {p}.",
            "{p} תמחקו את הפרטים שלי מהמאגר.",
            "הסר אותי מרשימת התפוצה.",
            "אני רוצה להסיר את עצמי מהרשימה.",
            "בטלו את המנוי שלי {p}.",
            "אני לא רוצה לקבל את המיילים האלה.",
            "אני לא מעוניין שיפנו אליי.",
            "אל תכתבו לי שוב.",
            "אל תפנו אליי יותר.",
            "עזבו אותי בשקט.",
            "זה ספאם.",
            "הייתי רוצה שיסירו אותי מהרשימה.",
        ],
        [
            "הקישור להסרה מהרשימה לא עובד, אבל התוכנית מעניינת אותי.",
            "אני מקבל הרבה ספאם ממותגים אחרים, אבל {b} מעניין אותי.",
            "המייל שלכם נפל לתיקיית הספאם, טוב שראיתי. ספרו לי עוד!",
            "אין צורך להסיר אותי מהרשימה, אני מעוניין.",
            "אפשר להעביר אותי מרשימת ההמתנה לתוכנית?",
            "אל תפסיקו לכתוב, אני אוהב את המיילים שלכם!",
            "אני אוהב את המיילים שלכם, תמשיכו ככה.",
        ],
    ),
    "hi": _lang(
        ["नमस्ते,", "नमस्ते {b} टीम,", "हाय,"],
        ["धन्यवाद,\nप्रिया", "सादर,\nराहुल शर्मा", "शुभकामनाएँ"],
        ["कृपया", "प्लीज़"],
        [
            "मुझे लिखना बंद करो।",
            "{p} मुझे ईमेल भेजना बंद करें।",
            "मुझसे संपर्क करना बंद कीजिए {p}।",
            "मुझे अपनी सूची से हटा दें {p}।",
            "{p} मेरा डेटा अपने डेटाबेस से हटा दीजिए।",
            "मुझे लिस्ट से निकाल दो।",
            "मुझे अनसब्सक्राइब कर दें।",
            "मैं सदस्यता रद्द करना चाहता हूँ।",
            "मुझे ये ईमेल नहीं चाहिए।",
            "मैं नहीं चाहता कि मुझसे संपर्क किया जाए।",
            "मुझे दोबारा मैसेज मत करना।",
            "मुझसे फिर से संपर्क न करें।",
            "मुझे अकेला छोड़ दो।",
            "यह स्पैम है।",
        ],
        [
            "अनसब्सक्राइब लिंक काम नहीं कर रहा, लेकिन प्रोग्राम में मेरी रुचि है।",
            "मुझे दूसरे ब्रांड्स से बहुत स्पैम आता है, लेकिन {b} में मेरी रुचि है।",
            "आपका ईमेल स्पैम फ़ोल्डर में चला गया था, अच्छा हुआ मैंने देख लिया। और बताइए!",
            "मुझे सूची से हटाने की ज़रूरत नहीं है, मेरी रुचि है।",
            "क्या आप मुझे वेटलिस्ट से प्रोग्राम में ले सकते हैं?",
            "लिखना बंद मत करो, मुझे आपके ईमेल बहुत पसंद हैं!",
            "मुझे आपके ईमेल बहुत पसंद हैं, ऐसे ही जारी रखें।",
        ],
    ),
    "zh": _lang(
        ["你好，", "{b}团队你好，", "您好："],
        ["谢谢\n王芳", "此致\n李明", "祝好"],
        ["请", "麻烦"],
        [
            "别再给我发邮件了。",
            "{p}不要再联系我。",
            "{p}停止给我发消息。",
            "把我从你们的名单里删除。",
            "{p}从数据库中删除我的信息。",
            "取消订阅。",
            "我要退订。",
            "我不想再收到这些邮件。",
            "我不希望被联系。",
            "不要再给我发信息了。",
            "别烦我。",
            "这是垃圾邮件。",
            "希望把我从列表中移除。",
            "不要再发{b}的邮件给我了。",
            "別再給我發郵件了。",
            "{p}將我從名單中移除。",
        ],
        [
            "退订链接打不开，不过我对这个项目很感兴趣。",
            "我收到很多其他品牌的垃圾邮件，但{b}我很感兴趣。",
            "你们的邮件进了垃圾邮件箱，还好我看到了。请多介绍一下！",
            "不用把我从名单里删除，我有兴趣。",
            "能把我从候补名单转到项目里吗？",
            "别停，我很喜欢你们的邮件！",
            "很喜欢你们的邮件，继续加油。",
        ],
    ),
    "ja": _lang(
        ["こんにちは。", "{b}ご担当者様", "お世話になっております。"],
        ["よろしくお願いします。\n田中", "山田太郎", "以上"],
        ["どうか"],
        [
            "もうメールを送らないでください。",
            "{p}連絡しないでください。",
            "配信を停止してください。",
            "配信停止をお願いします。",
            "リストから削除してください。",
            "私の情報をデータベースから削除してください。",
            "登録を解除してください。",
            "購読を解除したいです。",
            "このようなメールは受け取りたくありません。",
            "今後連絡してほしくありません。",
            "二度と連絡しないで。",
            "放っておいてください。",
            "これはスパムです。",
            "迷惑メールです。",
            "メーリングリストから外してください。",
        ],
        [
            "配信停止のリンクが機能していませんが、プログラムには興味があります。",
            "他社からのスパムが多いですが、{b}には興味があります。",
            "メールが迷惑メールフォルダに入っていましたが、気づいてよかったです。詳しく教えてください！",
            "リストから削除する必要はありません、興味があります。",
            "ウェイティングリストからプログラムに移してもらえますか？",
            "いつもメールを楽しみにしています。これからもよろしく。",
        ],
    ),
    "ko": _lang(
        ["안녕하세요,", "{b} 팀 안녕하세요,", "안녕하세요 담당자님,"],
        ["감사합니다.\n김민지", "이준호 드림", "수고하세요"],
        ["제발"],
        [
            "그만 연락하세요.",
            "{p} 저에게 메일 보내지 마세요.",
            "더 이상 연락하지 마세요.",
            "명단에서 저를 삭제해 주세요.",
            "제 정보를 데이터베이스에서 지워 주세요.",
            "수신 거부합니다.",
            "구독 취소해 주세요.",
            "구독을 해지하고 싶어요.",
            "이런 메일 받고 싶지 않습니다.",
            "연락받고 싶지 않아요.",
            "다시는 메시지 보내지 마.",
            "저 좀 내버려 두세요.",
            "이건 스팸입니다.",
            "목록에서 빼 주세요.",
        ],
        [
            "구독 취소 링크가 작동하지 않던데, 프로그램에는 관심 있어요.",
            "다른 브랜드에서 스팸을 많이 받지만 {b}는 관심 있어요.",
            "메일이 스팸함에 들어가 있었는데 다행히 봤어요. 더 알려 주세요!",
            "명단에서 빼실 필요 없어요, 관심 있습니다.",
            "대기자 명단에서 프로그램으로 옮겨 주실 수 있나요?",
            "메일 정말 좋아요, 계속 보내 주세요.",
        ],
    ),
    "id": _lang(
        ["Halo,", "Halo tim {b},", "Selamat siang,"],
        ["Terima kasih,\nDewi", "Salam,\nBudi Santoso", "Salam"],
        ["tolong", "mohon"],
        [
            "Berhenti mengirimi saya email.",
            "{p} jangan hubungi saya lagi.",
            "Stop kirim pesan ke saya {p}.",
            "Hapus saya dari daftar Anda {p}.",
            "{p} hapus data saya dari database kalian.",
            "Keluarkan saya dari milis.",
            "Batalkan langganan saya {p}.",
            "Saya ingin berhenti berlangganan.",
            "Saya tidak mau menerima email ini lagi.",
            "Saya tidak ingin dihubungi.",
            "Jangan kirimi saya pesan lagi.",
            "Jangan ganggu saya.",
            "Ini spam.",
            "Saya ingin dihapus dari daftar.",
            "{p} jangan kirim email dari {b} lagi.",
        ],
        [
            "Link berhenti berlangganan tidak berfungsi, tapi saya tertarik dengan programnya.",
            "Saya dapat banyak spam dari merek lain, tapi {b} menarik buat saya.",
            "Email kalian masuk folder spam, untung saya lihat. Ceritakan lebih lanjut!",
            "Tidak perlu menghapus saya dari daftar, saya tertarik.",
            "Bisakah saya dipindahkan dari daftar tunggu ke program?",
            "Jangan berhenti menulis, saya suka email kalian!",
            "Saya suka email kalian, teruskan.",
        ],
    ),
    "ms": _lang(
        ["Hai,", "Salam pasukan {b},", "Selamat pagi,"],
        ["Terima kasih,\nAisyah", "Yang benar,\nAhmad Ismail", "Salam"],
        ["tolong", "sila"],
        [
            "Berhenti hantar emel kepada saya.",
            "{p} jangan hubungi saya lagi.",
            "Keluarkan saya daripada senarai anda {p}.",
            "{p} padam data saya daripada pangkalan data anda.",
            "Buang saya dari senarai mel.",
            "Saya mahu berhenti melanggan.",
            "Batalkan langganan saya.",
            "Saya tidak mahu menerima emel ini lagi.",
            "Saya tidak mahu dihubungi.",
            "Jangan mesej saya lagi.",
            "Jangan ganggu saya.",
            "Ini spam.",
            "Saya ingin dikeluarkan daripada senarai.",
        ],
        [
            "Pautan berhenti melanggan tidak berfungsi, tetapi saya berminat dengan program ini.",
            "Saya terima banyak spam daripada jenama lain, tetapi {b} menarik minat saya.",
            "Emel anda masuk ke folder spam, nasib baik saya nampak. Ceritakan lagi!",
            "Tak perlu keluarkan saya daripada senarai, saya berminat.",
            "Boleh pindahkan saya dari senarai menunggu ke program?",
            "Jangan berhenti menulis, saya suka emel anda!",
            "Saya suka emel anda, teruskan.",
        ],
    ),
    "vi": _lang(
        ["Chào bạn,", "Chào đội ngũ {b},", "Xin chào,"],
        ["Cảm ơn,\nLan", "Trân trọng,\nNguyễn Văn Minh", "Thân"],
        ["vui lòng", "làm ơn"],
        [
            "Đừng gửi email cho tôi nữa.",
            "{p} ngừng liên lạc với tôi.",
            "Dừng gửi tin nhắn cho tôi {p}.",
            "Xóa tôi khỏi danh sách của bạn {p}.",
            "{p} xóa dữ liệu của tôi khỏi cơ sở dữ liệu.",
            "Hủy đăng ký cho tôi.",
            "Tôi muốn hủy đăng ký.",
            "Tôi không muốn nhận những email này nữa.",
            "Tôi không muốn được liên hệ.",
            "Đừng nhắn tin cho tôi nữa.",
            "Đừng liên hệ với tôi nữa.",
            "Để tôi yên.",
            "Đây là thư rác.",
            "Tôi muốn được xóa khỏi danh sách.",
        ],
        [
            "Liên kết hủy đăng ký bị lỗi, nhưng tôi quan tâm đến chương trình.",
            "Tôi nhận nhiều thư rác từ các thương hiệu khác, nhưng {b} thì tôi quan tâm.",
            "Email của bạn rơi vào thư mục thư rác, may mà tôi thấy. Kể thêm đi!",
            "Không cần xóa tôi khỏi danh sách, tôi quan tâm.",
            "Bạn có thể chuyển tôi từ danh sách chờ vào chương trình không?",
            "Tôi rất thích email của bạn, cứ tiếp tục nhé.",
        ],
    ),
    "th": _lang(
        ["สวัสดีครับ", "สวัสดีทีม {b}", "เรียนผู้เกี่ยวข้อง"],
        ["ขอบคุณครับ\nสมชาย", "ด้วยความเคารพ\nวิภา", "ขอบคุณค่ะ"],
        ["กรุณา", "โปรด"],
        [
            "หยุดส่งอีเมลมาหาฉัน",
            "{p}อย่าติดต่อฉันอีก",
            "เลิกส่งข้อความมาได้แล้ว",
            "ลบฉันออกจากรายชื่อ",
            "{p}ลบข้อมูลของฉันออกจากฐานข้อมูล",
            "ยกเลิกการสมัครรับข่าวสาร",
            "ฉันต้องการยกเลิกการรับอีเมล",
            "ฉันไม่อยากได้รับอีเมลเหล่านี้",
            "ไม่ต้องการให้ติดต่อมาอีก",
            "อย่าส่งข้อความมาอีก",
            "อย่ายุ่งกับฉัน",
            "นี่คือสแปม",
            "ผมอยากให้ลบชื่อออกจากรายชื่อ",
        ],
        [
            "ลิงก์ยกเลิกการรับข่าวสารใช้ไม่ได้ แต่ฉันสนใจโปรแกรมนี้",
            "ฉันได้รับสแปมจากแบรนด์อื่นเยอะ แต่ {b} น่าสนใจ",
            "อีเมลของคุณไปอยู่ในโฟลเดอร์สแปม โชคดีที่เห็น เล่าเพิ่มเติมได้ไหม",
            "ไม่ต้องลบฉันออกจากรายชื่อ ฉันสนใจ",
            "ย้ายฉันจากรายชื่อรอไปเข้าโปรแกรมได้ไหม",
            "ชอบอีเมลของคุณมาก ส่งมาเรื่อย ๆ นะ",
        ],
    ),
    "tl": _lang(
        ["Hi,", "Kumusta, {b} team,", "Magandang araw,"],
        ["Salamat,\nMaria", "Lubos na gumagalang,\nJose Santos", "Ingat"],
        ["pakiusap", "po"],
        [
            "Tigilan mo na ang pag-email sa akin.",
            "{p} huwag na ninyo akong kontakin.",
            "Tumigil na kayo sa pagpapadala ng mensahe sa akin.",
            "Alisin ninyo ako sa listahan {p}.",
            "Burahin ninyo ang data ko sa database ninyo.",
            "Pakitanggal ako sa listahan.",
            "I-unsubscribe mo ako.",
            "Gusto kong mag-unsubscribe.",
            "Ayoko nang makatanggap ng mga email na ito.",
            "Ayaw kong makontak.",
            "Huwag mo na akong i-message ulit.",
            "Huwag na kayong mag-email sa akin.",
            "Tantanan ninyo ako.",
            "Spam ito.",
            "Gusto kong matanggal sa listahan.",
        ],
        [
            "Sira ang unsubscribe link, pero interesado ako sa programa.",
            "Ang dami kong spam mula sa ibang brand, pero interesado ako sa {b}.",
            "Napunta sa spam folder ang email ninyo, buti nakita ko. Kuwentuhan mo pa ako!",
            "Hindi na kailangang alisin ako sa listahan, interesado ako.",
            "Puwede ba akong ilipat mula sa waitlist papunta sa programa?",
            "Gustong-gusto ko ang mga email ninyo, ituloy ninyo.",
        ],
    ),
    "sw": _lang(
        ["Habari,", "Habari timu ya {b},", "Salamu,"],
        ["Asante,\nAmina", "Wako,\nJuma Mwangi", "Kila la heri"],
        ["tafadhali"],
        [
            "Acha kuniandikia.",
            "{p} acheni kunitumia barua pepe.",
            "Nitoe kwenye orodha yenu {p}.",
            "{p} futeni taarifa zangu kwenye hifadhidata yenu.",
            "Niondoe kwenye orodha.",
            "Nataka kujiondoa kwenye orodha.",
            "Sitaki kupokea barua pepe hizi.",
            "Sitaki kuwasiliana nanyi tena.",
            "Usinitumie ujumbe tena.",
            "Msiniwasiliane tena.",
            "Niacheni kwa amani.",
            "Hii ni spam.",
            "Ningependa kuondolewa kwenye orodha.",
        ],
        [
            "Kiungo cha kujiondoa hakifanyi kazi, lakini nina nia na programu.",
            "Napata spam nyingi kutoka chapa nyingine, lakini {b} inanivutia.",
            "Barua pepe yenu iliingia kwenye folda ya spam, bahati nzuri nimeiona. Nieleze zaidi!",
            "Hakuna haja ya kuniondoa kwenye orodha, nina nia.",
            "Mnaweza kunihamisha kutoka orodha ya kusubiri hadi kwenye programu?",
            "Napenda barua pepe zenu, endeleeni hivyo.",
        ],
    ),
    "fa": _lang(
        ["سلام،", "سلام تیم {b}،", "وقت بخیر،"],
        ["ممنون،\nسارا", "با احترام،\nعلی رضایی", "موفق باشید"],
        ["لطفا", "لطفاً"],
        [
            "دیگر به من ایمیل نزنید.",
            "{p} دیگر با من تماس نگیرید.",
            "ارسال پیام به من را متوقف کنید {p}.",
            "مرا از لیست خود حذف کنید {p}.",
            "{p} اطلاعات من را از پایگاه داده حذف کنید.",
            "اسمم را از فهرست پاک کنید.",
            "اشتراک من را لغو کنید.",
            "می‌خواهم اشتراکم را لغو کنم.",
            "نمی‌خواهم این ایمیل‌ها را دریافت کنم.",
            "نمی‌خواهم با من تماس گرفته شود.",
            "دیگر به من پیام ندهید.",
            "دست از سرم بردارید.",
            "این اسپم است.",
        ],
        [
            "لینک لغو اشتراک کار نمی‌کند، ولی به برنامه علاقه دارم.",
            "از برندهای دیگر اسپم زیادی می‌گیرم، ولی {b} برایم جالب است.",
            "ایمیل شما به پوشه اسپم رفته بود، خوشبختانه دیدمش. بیشتر توضیح دهید!",
            "لازم نیست مرا از لیست حذف کنید، علاقه‌مندم.",
            "می‌توانید مرا از لیست انتظار به برنامه منتقل کنید؟",
            "ایمیل‌هایتان را دوست دارم، ادامه دهید.",
        ],
    ),
    "bn": _lang(
        ["নমস্কার,", "হ্যালো {b} টিম,", "হাই,"],
        ["ধন্যবাদ,\nঅনিতা", "শুভেচ্ছান্তে,\nরাহুল দাস", "ভালো থাকবেন"],
        ["দয়া করে", "অনুগ্রহ করে"],
        [
            "আমাকে ইমেইল পাঠানো বন্ধ করুন।",
            "{p} আমার সাথে আর যোগাযোগ করবেন না।",
            "আমাকে লেখা বন্ধ করো।",
            "আমাকে আপনাদের তালিকা থেকে বাদ দিন {p}।",
            "{p} ডাটাবেস থেকে আমার তথ্য মুছে ফেলুন।",
            "আমাকে লিস্ট থেকে সরিয়ে দিন।",
            "আমি আনসাবস্ক্রাইব করতে চাই।",
            "আমার সাবস্ক্রিপশন বাতিল করুন।",
            "আমি এই ইমেইলগুলো পেতে চাই না।",
            "আমি চাই না আমার সাথে যোগাযোগ করা হোক।",
            "আমাকে আর মেসেজ করবেন না।",
            "আমাকে একা থাকতে দিন।",
            "এটা স্প্যাম।",
        ],
        [
            "আনসাবস্ক্রাইব লিংকটা কাজ করছে না, তবে প্রোগ্রামে আমার আগ্রহ আছে।",
            "অন্য ব্র্যান্ড থেকে অনেক স্প্যাম পাই, কিন্তু {b} নিয়ে আমার আগ্রহ আছে।",
            "আপনার ইমেইল স্প্যাম ফোল্ডারে গিয়েছিল, ভাগ্যিস দেখেছি। আরও বলুন!",
            "আমাকে তালিকা থেকে বাদ দেওয়ার দরকার নেই, আমি আগ্রহী।",
            "আমাকে ওয়েটলিস্ট থেকে প্রোগ্রামে নেওয়া যাবে?",
            "আপনার ইমেইলগুলো খুব ভালো লাগে, চালিয়ে যান।",
        ],
    ),
}

# --- the variations ------------------------------------------------------------------------------

VARIANTS = ("plain", "please", "framed", "branded", "bare", "typo", "mixed")
"""plain: the act alone; please: every ``{p}`` filled; framed: a greeting and a signature;
branded: the greeting names the brand; bare: lower case without accents; typo: one letter
dropped, doubled, swapped or changed in a word of six letters or more; mixed: one letter from
another script that looks the same."""

_TO_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
_TO_LATIN = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i"}
_GREEK_TO_LATIN = {"ο": "o", "α": "a", "ι": "i", "κ": "k", "ν": "v", "τ": "t"}
TYPO_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
"""Scripts whose words get a typo (an alphabet, words split by spaces)."""


def _script(text: str) -> str:
    for char in text:
        if char.isalpha():
            return unicodedata.name(char, "").split(" ")[0]
    return ""


def _fill(act: str, please: str) -> str:
    text = act.replace("{b}", BRAND).replace("{p}", please)
    text = " ".join(text.split(" ")).replace(" ,", ",").replace(" .", ".").replace(",.", ".")
    return "  ".join(part.strip() for part in text.split("  ")).strip(" ,")


def bare(text: str) -> str:
    """Lower case without accents (the marks of Latin, Cyrillic and Greek letters dropped)."""
    out = []
    for char in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(char) and _script(text) in TYPO_SCRIPTS:
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def typo(text: str, rng: random.Random) -> str:
    """``text`` with one letter dropped, doubled, swapped or changed in a long word."""
    words = [i for i, w in enumerate(text.split(" ")) if sum(c.isalpha() for c in w) >= 6]
    if not words or _script(text) not in TYPO_SCRIPTS:
        return text
    parts = text.split(" ")
    index = rng.choice(words)
    word = parts[index]
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    at = rng.choice(letters[1:-1])
    kind = rng.choice(("drop", "double", "swap", "change"))
    if kind == "drop":
        word = word[:at] + word[at + 1 :]
    elif kind == "double":
        word = word[:at] + word[at] + word[at:]
    elif kind == "swap" and word[at + 1 : at + 2].isalpha():
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    else:
        near = [c for c in word if c.isalpha() and c != word[at]] or [word[at]]
        word = word[:at] + rng.choice(near) + word[at + 1 :]
    parts[index] = word
    return " ".join(parts)


def mixed(text: str, rng: random.Random) -> str:
    """``text`` with one letter swapped for a look-alike from another script."""
    table = {"LATIN": _TO_CYRILLIC, "CYRILLIC": _TO_LATIN, "GREEK": _GREEK_TO_LATIN}.get(
        _script(text), {}
    )
    spots = [i for i, c in enumerate(text) if c in table]
    if not spots:
        return text
    at = rng.choice(spots)
    return text[:at] + table[text[at]] + text[at + 1 :]


def render(code: str, act: str, variant: str, seed: int) -> str:
    """One reply: ``act`` of language ``code`` in the ``variant`` (``VARIANTS``), seeded."""
    lang = LANGUAGES[code]
    rng = random.Random(f"{code}|{act}|{variant}|{seed}")
    please = rng.choice(lang.please) if variant == "please" else ""
    text = _fill(act, please)
    if variant == "framed":
        greet = rng.choice(lang.greet).replace("{b}", BRAND)
        return f"{greet}\n\n{text}\n\n{rng.choice(lang.sign)}"
    if variant == "branded":
        greet = next((g for g in lang.greet if "{b}" in g), lang.greet[0]).replace("{b}", BRAND)
        return f"{greet} {text}"
    if variant == "bare":
        return bare(text)
    if variant == "typo":
        return typo(text, rng)
    if variant == "mixed":
        return mixed(text, rng)
    return text


@dataclass(frozen=True)
class Case:
    """One generated reply and whether it asks to stop."""

    code: str
    variant: str
    text: str
    opt_out: bool


def cases(code: str, seeds: int = 2) -> list[Case]:
    """Every act and look-alike of language ``code`` in every variant (``seeds`` draws each)."""
    lang = LANGUAGES[code]
    found: dict[tuple[str, bool], Case] = {}
    for opt_out, acts in ((True, lang.acts), (False, lang.nots)):
        for act in acts:
            for variant in VARIANTS:
                for seed in range(seeds if variant in {"please", "typo", "mixed"} else 1):
                    text = render(code, act, variant, seed)
                    found.setdefault((text, opt_out), Case(code, variant, text, opt_out))
    return list(found.values())


def replies(*, opt_out: bool) -> st.SearchStrategy[tuple[str, str]]:
    """``(language, reply)`` drawn from every language: opt-outs or their look-alikes."""

    def draw(code: str) -> st.SearchStrategy[tuple[str, str]]:
        lang = LANGUAGES[code]
        acts = lang.acts if opt_out else lang.nots
        return st.builds(
            lambda act, variant, seed: (code, render(code, act, variant, seed)),
            st.sampled_from(acts),
            st.sampled_from(VARIANTS),
            st.integers(0, 1000),
        )

    return st.sampled_from(sorted(LANGUAGES)).flatmap(draw)
