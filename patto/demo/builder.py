"""Demo content, built from the two seed documents: Regione Piemonte's *Patto di sviluppo di
comunità solidali* (seed 000) and the Città Metropolitana di Torino's *Piano Sociale
Metropolitano* (seed 002), plus the 2017 meetings of ``data/incontri_2017.csv``.

What the seeds say is used as they say it. Everything the seeds do not say (the Piano's actions,
most tools and targets, every contribution, the table members other than the Regione) is
illustrative and says so in its own text, so nobody mistakes it for the real plan.

``load_demo()`` is idempotent: every row is looked up by a natural key (slug, code, e-mail,
title) and created only when missing; a plan version is built only if it does not exist yet.
Version changes go through the services (``patto.programme.services``,
``patto.validation.services``), as everywhere else.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from incontri.models import Meeting, MeetingKind, MeetingStatus, Registration, RegistrationStatus
from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.cache.pages import content_changed
from patto.models import (
    REDAZIONE_GROUP,
    ActorCategory,
    Decision,
    Follow,
    ItemKind,
    Phase,
    PlanVersion,
    Programme,
    ProgrammeKind,
    User,
    Validation,
    VersionStatus,
)
from patto.programme.services import create_version, publish_version, submit_version
from patto.validation.services import Remark, decide_validation
from tavoli.models import (
    ANSWERED_STATUSES,
    Body,
    Comment,
    Contribution,
    ContributionChannel,
    ContributionKind,
    ContributionStatus,
    Moderation,
    TableMembership,
    ThematicTable,
)
from zone.models import Municipality, Province, SpokespersonAssignment, Zone
from zone.reference_data import load_reference_data

MEETINGS_FILE = "incontri_2017.csv"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    name: str
    superuser: bool = False
    redazione: bool = False
    zone: int | None = None


# The passwords are public (printed by the command, listed in the README): these accounts exist
# only in demo databases, which is why ``load_demo`` refuses to run in production.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "Amministratore",
        "admin@demo.patto.localhost",
        "patto-admin-2018",
        "Amministratore demo",
        superuser=True,
    ),
    DemoAccount(
        "Redazione regionale",
        "redazione@demo.patto.localhost",
        "patto-redazione-2018",
        "Redazione demo",
        redazione=True,
    ),
    DemoAccount(
        "Portavoce della Zona 1",
        "portavoce.zona1@demo.patto.localhost",
        "patto-zona1-2018",
        "Portavoce demo della Zona 1",
        zone=1,
    ),
    DemoAccount(
        "Portavoce della Zona 5",
        "portavoce.zona5@demo.patto.localhost",
        "patto-zona5-2018",
        "Portavoce demo della Zona 5",
        zone=5,
    ),
    DemoAccount(
        "Cittadino registrato",
        "cittadino@demo.patto.localhost",
        "patto-cittadino-2018",
        "Cittadino demo",
    ),
)

# What the demo citizen says they speak for (illustrative).
CITIZEN_BODY = "Comitato di quartiere Borgo San Paolo (illustrativo)"

SPOKESPERSON_EMAIL = "portavoce.zona{number}@demo.patto.localhost"

SPOKESPERSON_NAME = "Portavoce demo della Zona {number}"

SPOKESPERSON_ROLE = "Portavoce (account dimostrativo)"

SPOKESPERSON_SINCE = datetime.date(2016, 1, 1)

ILLUSTRATIVE_ACTION = (
    "_Azione illustrativa: il documento del Piano non descrive le singole azioni; questa è un "
    "esempio costruito sulle politiche e sugli ambiti d'azione che il documento elenca._"
)

ILLUSTRATIVE_AREA = (
    "_Collocazione nella politica a titolo illustrativo: il documento elenca gli ambiti "
    "d'azione senza dire a quale politica appartiene ciascuno._"
)

ILLUSTRATIVE_CATALOGUE = (
    "_Voce illustrativa: il documento non la nomina e indica l'incrocio tra strumenti e target "
    "come «da completare»._"
)

ILLUSTRATIVE_CONTRIBUTION = "_Contributo illustrativo._"

ILLUSTRATIVE_MEETING = (
    "_Incontro illustrativo: i documenti non fissano incontri futuri; data, luogo e posti sono "
    "inventati per provare le iscrizioni._"
)

ILLUSTRATIVE_RESPONSE = "_Risposta illustrativa._"

ILLUSTRATIVE_REMARK = "_Osservazione illustrativa._"

PATTO_SLUG = "patto-sviluppo-comunita-solidali"

PATTO = {
    "kind": ProgrammeKind.PATTO,
    "title": "Patto di sviluppo di comunità solidali",
    "subtitle": "Dal Patto per il sociale al Patto di sviluppo di comunità solidali",
    "promoter": "Regione Piemonte",
    "promoter_office": "Assessorato alle Politiche sociali, della famiglia e della casa",
    "summary": (
        "La programmazione strategica delle Politiche sociali 2018-2019 della Regione Piemonte, "
        "costruita in modo condiviso e partecipato con i territori."
    ),
    "description": """\
Costruire un rapporto diffuso di fiducia e di cooperazione tra l'istituzione regionale e la \
realtà complessa e articolata dei territori e delle istituzioni locali che li rappresentano.

È questo l'obiettivo del Patto per lo sviluppo di comunità solidali, che costituisce la \
programmazione strategica delle Politiche sociali 2018-2019, attuata in modo condiviso e \
partecipato con i territori dall'Assessorato alle Politiche sociali, della famiglia e della casa.

Tra i temi più importanti ci sono la lotta alla povertà, l'inclusione, il sostegno alle \
responsabilità familiari, la casa, il servizio civile, l'integrazione socio-sanitaria, le \
politiche per non auto-sufficienze e disabilità.

**Durata progetto:** dicembre 2019.""",
    "audience": "Cittadini, Enti pubblici, Imprese e liberi professionisti, Terzo settore",
    "start_date": None,  # the sources give only the year (2015) the path began
    "end_date": datetime.date(2019, 12, 31),  # "Durata progetto: dicembre 2019"
    "position": 0,
}

PATTO_PHASES = (
    {
        "position": 1,
        "title": "Patto per il sociale",
        "start_date": None,  # "prende avvio nel 2015": no day in the sources
        "description": """\
Il Patto per il Sociale prende avvio nel 2015 con l'intento di avviare un percorso partecipato \
con i territori, al fine di costruire, tramite le necessità da loro esposte, un programma delle \
politiche sociali che partisse dalle comunità stesse, per coinvolgere una pluralità di attori \
territoriali, in una logica di reciprocità e di corresponsabilità.

In questa prima fase vengono avviati così degli incontri in ogni Provincia, con l'obiettivo di \
costituire dei tavoli di lavoro in merito a 4 ambiti delle Politiche Sociali.

Raccolte le numerose sollecitazioni e criticità da tutti i soggetti coinvolti, l'Assessore alle \
Politiche Sociali Augusto Ferrari ha delineato la programmazione delle politiche sociali.""",
    },
    {
        "position": 2,
        "title": "Un nuovo Patto per il sociale",
        "start_date": datetime.date(2017, 7, 5),
        "description": """\
Con l'incontro del 5 luglio 2017 al Campus Einaudi, per condividere e valutare gli esiti della \
prima fase, si costituiscono cinque nuovi tavoli di lavoro, includendo a pieno titolo nella \
strategia di welfare le politiche per l'abitare ed il servizio civile.""",
    },
    {
        "position": 3,
        "title": "Patto di sviluppo di comunità solidali",
        # "nei mesi di ottobre e novembre 2017": the month is what the seed gives.
        "start_date": datetime.date(2017, 10, 1),
        "end_date": datetime.date(2019, 12, 31),
        "description": """\
Con un ciclo di 9 incontri, nei mesi di ottobre e novembre 2017, uno per provincia e due sulla \
Città Metropolitana di Torino, l'Assessorato alle politiche sociali sottopone la bozza \
programmatica delle politiche sociali 2018-2019, con l'obiettivo di raccogliere spunti e \
sollecitazioni e di discuterla con i territori.

Gli incontri sono rivolti agli amministratori locali, agli enti gestori, al mondo del \
volontariato e del terzo settore, alle cooperative, agli assistenti sociali e agli operatori \
socio-sanitari, alle Asl, ai Centri per le famiglie e antiviolenza, agli enti del servizio \
civile, alle Atc e alle imprese di edilizia sociale.""",
    },
)

# (phase position, slug, title): the titles as the seed lists them.
PATTO_TABLES = (
    (1, "2015-integrazione-socio-sanitaria", "Integrazione socio-sanitaria"),
    (1, "2015-poverta-inclusione-sociale", "Contrasto alla povertà e inclusione sociale"),
    (1, "2015-responsabilita-familiari", "Politiche di sostegno alle responsabilità familiari"),
    (1, "2015-sportelli-accesso", "Sportelli di accesso alla rete dei servizi territoriali"),
    (
        2,
        "2017-poverta-inclusione-sociale",
        "Lotta alla povertà e politiche per l'inclusione sociale",
    ),
    (2, "2017-responsabilita-familiari", "Politiche di sostegno alle responsabilità familiari"),
    (2, "2017-politiche-abitare", "Dalla politica della casa alle politiche per l'abitare"),
    (2, "2017-servizio-civile-universale", "Servizio civile universale"),
    (
        2,
        "2017-non-autosufficienze-disabilita",
        "Integrazione socio-sanitaria: politiche per non auto-sufficienze e disabilità",
    ),
)

PATTO_TABLE_DESCRIPTIONS = {
    1: (
        "Uno dei quattro tavoli di lavoro della prima fase del Patto per il sociale (2015), "
        "costituiti negli incontri avviati in ogni Provincia."
    ),
    2: (
        "Uno dei cinque tavoli di lavoro costituiti con l'incontro del 5 luglio 2017 al Campus "
        "Einaudi."
    ),
}

# "Gli incontri sono rivolti agli amministratori locali, agli enti gestori, …" (seed 000).
MEETING_AUDIENCES = [
    ActorCategory.LOCAL_ADMINISTRATOR.value,
    ActorCategory.MANAGING_BODY.value,
    ActorCategory.THIRD_SECTOR.value,
    ActorCategory.COOPERATIVE.value,
    ActorCategory.SOCIAL_WORKER.value,
    ActorCategory.HEALTH_AUTHORITY.value,
    ActorCategory.FAMILY_CENTRE.value,
    ActorCategory.CIVIL_SERVICE.value,
    ActorCategory.HOUSING.value,
]

MEETING_DATE_TBC = "ottobre–novembre 2017, data da confermare"

PLENARY_TITLE = "Un nuovo Patto per il sociale: incontro plenario"

PLENARY_AGENDA = (
    "Condivisione e valutazione degli esiti della prima fase del Patto per il sociale; "
    "costituzione dei cinque nuovi tavoli di lavoro, con le politiche per l'abitare e il "
    "servizio civile."
)

PROVINCIAL_AGENDA = """\
Presentazione della bozza programmatica delle politiche sociali 2018-2019 da parte \
dell'Assessorato alle politiche sociali, per raccogliere spunti e sollecitazioni e discuterla \
con il territorio.

Temi: la lotta alla povertà, l'inclusione, il sostegno alle responsabilità familiari, la casa, \
il servizio civile, l'integrazione socio-sanitaria, le politiche per non auto-sufficienze e \
disabilità."""

PIANO_SLUG = "piano-sociale-metropolitano"

PIANO = {
    "kind": ProgrammeKind.PIANO,
    "title": "Piano Sociale Metropolitano",
    "subtitle": (
        "Un «cantiere aperto» con tutti gli attori del welfare e del sistema economico, nelle 11 "
        "zone omogenee"
    ),
    "promoter": "Città Metropolitana di Torino",
    "promoter_office": "",
    "summary": (
        "Un processo con tutti gli attori: sistema pubblico, società civile, parti sociali, "
        "imprese, università, nelle 11 aree omogenee del territorio metropolitano."
    ),
    "description": """\
Il Piano Sociale Metropolitano è:

- un **processo** con tutti gli attori: sistema pubblico, società civile, parti sociali, \
imprese, università, nelle 11 aree omogenee del territorio metropolitano;
- un «**cantiere aperto**» che oggi ha inizio con tutti gli attori del welfare e del sistema \
economico;
- una **proposta** di Vision, di Politiche e di Ambiti d'Azione che inquadrano il presente e \
costruiscono il futuro del welfare metropolitano, costruita attraverso un Patto con le persone \
protagoniste.

Il Piano promuove lo **sviluppo locale** anche in termini di politiche di sviluppo economico, \
occupazionale e dell'istruzione, e propone un **punto di vista** che abbraccia tutte le \
Politiche e che rimette al «core» i **bisogni** delle persone, riparte dalle **ricchezze** \
nascoste e dalle **povertà** evidenti, ha il **coraggio** di guardare ad un solo obiettivo \
finale: il **Ben-essere** della Comunità.

- Le diseguaglianze sociali si combattono con il **lavoro**.
- I bisogni riguardano la **comunità** e non solo l'individuo.
- I bisogni non sono una vergogna ma un'**opportunità** di crescita.
- La Comunità possiede molte ricchezze nascoste che le permettono di autorigenerarsi: le sue \
**relazioni**.
- I **diritti** si costruiscono attraverso una «**cultura di cittadinanza**».

Le **politiche sociali** non sono più da intendersi come misure **risarcitorie** e \
**riparative** rispetto alle distorsioni e ai guasti del mercato. La dimensione del welfare è \
invece un inseparabile composto di visioni ed **azioni** convergenti verso il **Benessere di \
Comunità**: azioni convergenti **collettive** che puntano al bene **individuale** delle \
persone; azioni che possano essere assunte come **motore di sviluppo economico** e \
occupazionale all'interno di una nuova **Etica dello sviluppo**.

## La sfida culturale

La gestione partecipata del **sistema welfare** che da redistributivo e riparativo diviene \
**rigenerativo**, dove ciascuno si sente realmente corresponsabile e con pari dignità.

## Il gruppo di lavoro

Si ringrazia per il lavoro svolto: Elena Di Bella, Antonella Ferrero, Giulio Fornero, \
Raffaella Fornero, Monica Locascio, Giorgio Risso, Cristina Romagnolli, Antonio Russo, Giovanni \
Maria Soro, Maria Tricarico, Monica Vietti.""",
    "audience": "Sistema pubblico, società civile, parti sociali, imprese, università",
    "start_date": None,
    "end_date": None,
    "position": 1,
}

PIANO_PHASES = (
    {
        "position": 1,
        "title": "Incontri con il territorio",
        "description": (
            "Condivisione delle linee strategiche e attivazione del processo di partecipazione "
            "nelle 11 zone omogenee."
        ),
    },
    {
        "position": 2,
        "title": "Prima bozza condivisa con il territorio",
        "end_date": datetime.date(2016, 7, 31),
        "description": (
            "Si prevede di arrivare entro il 31.07.2016 (termine per l'approvazione del bilancio "
            "della Città Metropolitana) alla stesura di una prima bozza condivisa con il "
            "territorio."
        ),
    },
    {
        "position": 3,
        "title": "Validazione delle zone omogenee",
        "description": (
            "Il documento bozza (policy, azioni e strumenti) è validato dalle zone omogenee "
            "attraverso i loro portavoce."
        ),
    },
    {
        "position": 4,
        "title": "Pubblicazione della proposta",
        "description": (
            "La Proposta di Piano Sociale Metropolitano è consultabile sul sito web della Città "
            "Metropolitana."
        ),
    },
)

# (code, title, description): the five policies with the seed's words.
POLICIES = (
    (
        "1",
        "Sostegno alle Famiglie, ai Minori e alla Genitorialità",
        """\
Sostenere le famiglie, con tutti gli aiuti necessari – sociali, psicologici, scolastici, \
educativi, economici – significa sostenere i minori, dare fiducia e confronto ai modelli \
genitoriali e laddove è necessario **prendere in carico** i genitori per sostenerli nelle \
competenze genitoriali.

La **cultura della “mediazione” familiare** può rappresentare la vera sfida della comunità.""",
    ),
    (
        "2",
        "Inclusione sociale e Contrasto alla povertà",
        """\
Superare la logica dell'emergenza e assumere con determinazione **la lotta alle povertà**, in \
tutte le forme, attraverso:

- sperimentazione della nuova misura governativa introdotta dalla Legge di stabilità 2016 – \
**SIA**, il Sostegno per l'inclusione attiva;
- promozione “in modo omogeneo” di misure di sostegno alle locazioni e alle politiche attive \
per favorire l'incontro tra domanda e offerta nel mercato privato a canone sostenibile.""",
    ),
    (
        "3",
        "Integrazione socio-sanitaria",
        """\
Mettere al centro la Persona e la possibilità di rispondere ai suoi bisogni, attraverso la \
costruzione di **un sistema integrato** di servizi sociali e sanitari, permettendo alle \
famiglie e alle persone di scegliere le cure più adeguate, nel pieno rispetto \
dell'esigibilità dei diritti e dei doveri.""",
    ),
    (
        "4",
        "Sostegno alla cultura della cittadinanza e delle pari opportunità",
        """\
La cultura della cittadinanza significa promuovere e riconoscere a tutti e a tutte le medesime \
**opportunità**, indipendentemente da genere, religione, orientamento sessuale, razza, età, \
disabilità.

Affrontare la questione stringente ed emergente della **violenza** sulle donne, così come \
previsto dalla Convenzione di Istanbul del 2011.

Favorire, in tutte le fasi del processo migratorio, l'integrazione dei cittadini e delle \
cittadine stranieri/e.""",
    ),
    (
        "5",
        "Pubbliche Tutele",
        """\
Puntare su un servizio diffuso e di prossimità: consolidare il sistema dell'informazione \
diffusa e coordinata sul territorio provinciale, rafforzare e semplificare i rapporti con gli \
Uffici Giudiziari del territorio, promuovere e sostenere la formazione di volontari e \
professionisti disponibili a ricoprire **il ruolo di tutori e tutrici**.""",
    ),
)

# (code, title): the twelve ambiti d'azione of the seed, each under the policy it fits best
# (our choice: the seed does not say). Listed policy by policy.
ACTION_AREAS = (
    (
        "1.1",
        "Promuovere e incentivare lo sviluppo di politiche per le famiglie finalizzate a "
        "sostenere ed accompagnare il nucleo familiare",
    ),
    (
        "1.2",
        "Promuovere l'istruzione e la formazione, incentivare l'adesione al percorso scolastico "
        "per ridurre il tasso di abbandono di minori",
    ),
    (
        "2.1",
        "Promuovere la coesione sociale riattivando le relazioni tra persone ed accrescere il "
        "capitale sociale e di comunità",
    ),
    ("2.2", "Sostenere percorsi di contrasto alla vulnerabilità sociale ed alle povertà"),
    (
        "2.3",
        "Promuovere il lavoro e i percorsi occupazionali quale strumento di coesione ed "
        "inclusione sociale, centrale nelle politiche di contrasto alla povertà",
    ),
    (
        "3.1",
        "Mettere in rete le diverse istituzioni, soggetti ed attori del sistema di welfare "
        "rafforzando le connessioni tra i diversi livelli, l'interdisciplinarietà e "
        "l'intersettorialità",
    ),
    (
        "3.2",
        "Rafforzare e connettere i diversi Sistemi Informativi attualmente esistenti anche per "
        "favorire una più confrontabile programmazione degli interventi a scala vasta",
    ),
    (
        "3.3",
        "Promuovere una evoluzione del modello del ruolo di cura nell'ottica del miglioramento "
        "della rete dei servizi socio-sanitari e del sostegno dell'individualizzazione dei "
        "percorsi di care giver",
    ),
    (
        "3.4",
        "Promuovere la salute ed il benessere della persona e della comunità mediante una "
        "migliore accessibilità agli ambiti culturali, sportivi e del tempo libero",
    ),
    (
        "4.1",
        "Promuovere la cultura della cittadinanza attraverso le pari opportunità di tutte e di "
        "tutti e il contrasto ad ogni forma di discriminazione",
    ),
    (
        "4.2",
        "Promuovere una nuova etica dello sviluppo basata sulla cultura dei Beni Comuni "
        "attraverso le risorse umane e finanziarie: informazione ed educazione a nuove visioni "
        "dello sviluppo e del fundraising, formazione degli operatori e dei professionisti, "
        "comunicazione sociale",
    ),
    (
        "5.1",
        "Garantire informazione, sostegno, orientamento e integrazione dei soggetti che "
        "intervengono a vario titolo nella gestione dei servizi alla persona",
    ),
)

# (code, name, what the seed says about it, or None when the item is illustrative).
TOOLS = (
    ("S1", "Sportelli di accesso e di orientamento", None),
    ("S2", "Voucher e buoni servizio", None),
    ("S3", "Contributi economici", None),
    ("S4", "Progetti personalizzati di presa in carico", None),
    (
        "S5",
        "SIA – Sostegno per l'inclusione attiva",
        "sperimentazione della nuova misura governativa introdotta dalla Legge di stabilità "
        "2016 – SIA",
    ),
    ("S6", "Sostegno alle locazioni", "misure di sostegno alle locazioni"),
    ("S7", "Mediazione familiare", "La cultura della “mediazione” familiare"),
    (
        "S8",
        "Tirocini e percorsi di inserimento lavorativo",
        "Promuovere il lavoro e i percorsi occupazionali",
    ),
    (
        "S9",
        "Formazione di operatori, professionisti e volontari",
        "formazione degli operatori e dei professionisti",
    ),
    (
        "S10",
        "Reti territoriali e accordi di collaborazione",
        "Mettere in rete le diverse istituzioni, soggetti ed attori del sistema di welfare",
    ),
    (
        "S11",
        "Sistemi informativi",
        "Rafforzare e connettere i diversi Sistemi Informativi attualmente esistenti",
    ),
    ("S12", "Comunicazione sociale e fundraising", "del fundraising […] comunicazione sociale"),
)

TARGETS = (
    (
        "D1",
        "Famiglie con minori",
        "Sostenere le famiglie […] significa sostenere i minori",
    ),
    ("D2", "Persone e nuclei in condizione di povertà", "la lotta alle povertà, in tutte le forme"),
    ("D3", "Persone con disabilità", None),
    ("D4", "Anziani non autosufficienti", None),
    (
        "D5",
        "Donne vittime di violenza",
        "la questione stringente ed emergente della violenza sulle donne",
    ),
    (
        "D6",
        "Cittadine e cittadini stranieri",
        "l'integrazione dei cittadini e delle cittadine stranieri/e",
    ),
    (
        "D7",
        "Minori a rischio di abbandono scolastico",
        "ridurre il tasso di abbandono di minori",
    ),
    ("D8", "Caregiver familiari", "percorsi di care giver"),
    ("D9", "Persone in cerca di occupazione", None),
    ("D10", "Nuclei con difficoltà abitative", None),
    (
        "D11",
        "Operatori e professionisti dei servizi",
        "formazione degli operatori e dei professionisti",
    ),
    (
        "D12",
        "Volontari, tutori e tutrici",
        "volontari e professionisti disponibili a ricoprire il ruolo di tutori e tutrici",
    ),
)

METROPOLITAN_CITY = "Città Metropolitana di Torino"

MANAGING_BODIES = "Enti gestori dei servizi socio-assistenziali delle zone (illustrativo)"

ZONE_CONSORTIUM = "Consorzio socio-assistenziale di zona (illustrativo)"

HEALTH_AUTHORITIES = "ASL del territorio metropolitano (illustrativo)"


@dataclass(frozen=True)
class ActionSpec:
    code: str
    title: str
    text: str
    tools: Sequence[str]
    targets: Sequence[str]
    zones: Sequence[int] = ()  # none: the whole territory
    lead_body: str = METROPOLITAN_CITY
    partners: str = ""
    indicators: str = ""

    @property
    def area_code(self) -> str:
        return self.code.rsplit(".", 1)[0]

    @property
    def description(self) -> str:
        return f"{self.text}\n\n{ILLUSTRATIVE_ACTION}"


# Version 1 of the Piano. None of these is in the seed: all are illustrative.
ACTIONS = (
    ActionSpec(
        "1.1.1",
        "Centri per le famiglie in ogni zona omogenea",
        "Un centro per le famiglie in ciascuna zona omogenea, con consulenza educativa, "
        "gruppi di genitori e informazione sui servizi per l'infanzia.",
        ["S1", "S7"],
        ["D1"],
        partners=MANAGING_BODIES,
        indicators="Zone con un centro per le famiglie attivo; famiglie accolte in un anno.",
    ),
    ActionSpec(
        "1.1.2",
        "Servizio di mediazione familiare diffuso",
        "Mediazione familiare gratuita per le coppie in separazione, con mediatori formati e "
        "sedi di prossimità nei comuni capofila.",
        ["S7", "S9"],
        ["D1"],
        lead_body=ZONE_CONSORTIUM,
        indicators="Percorsi di mediazione avviati e conclusi.",
    ),
    ActionSpec(
        "1.1.3",
        "Sostegno educativo domiciliare alla genitorialità",
        "Educatori a domicilio per accompagnare i genitori presi in carico dai servizi nelle "
        "competenze genitoriali, con un progetto personalizzato per ogni nucleo.",
        ["S4", "S2"],
        ["D1"],
        lead_body=ZONE_CONSORTIUM,
    ),
    ActionSpec(
        "1.1.4",
        "Voucher di conciliazione nei territori montani",
        "Buoni servizio per nidi, centri estivi e assistenza domiciliare, dove la distanza dai "
        "servizi rende più difficile conciliare lavoro e cura.",
        ["S2", "S3"],
        ["D1"],
        zones=[6, 7],
        lead_body=ZONE_CONSORTIUM,
    ),
    ActionSpec(
        "1.2.1",
        "Patti educativi di comunità contro l'abbandono scolastico",
        "Accordi tra scuole, comuni, enti gestori e terzo settore per intercettare presto i "
        "segnali di abbandono e costruire percorsi di rientro.",
        ["S10", "S4"],
        ["D7", "D1"],
        partners="Istituti scolastici; terzo settore (illustrativo)",
        indicators="Patti sottoscritti; tasso di abbandono nelle scuole coinvolte.",
    ),
    ActionSpec(
        "1.2.2",
        "Tutor educativi nelle scuole secondarie di primo grado",
        "Tutor che affiancano gli studenti a rischio di abbandono e tengono il contatto con le "
        "famiglie e i servizi sociali.",
        ["S4"],
        ["D7"],
        zones=[1, 2, 4],
        lead_body=ZONE_CONSORTIUM,
    ),
    ActionSpec(
        "1.2.3",
        "Orientamento scolastico per minori stranieri neo-arrivati",
        "Accoglienza e orientamento per i minori appena arrivati in Italia e per le loro "
        "famiglie, con mediatori linguistico-culturali.",
        ["S1", "S4"],
        ["D7", "D6"],
    ),
    ActionSpec(
        "2.1.1",
        "Laboratori di comunità nei quartieri e nei piccoli comuni",
        "Spazi e occasioni di incontro gestiti con le associazioni locali per riattivare le "
        "relazioni di vicinato e il mutuo aiuto.",
        ["S10", "S12"],
        ["D2", "D6"],
        lead_body=MANAGING_BODIES,
    ),
    ActionSpec(
        "2.1.2",
        "Banca del tempo e reti di mutuo aiuto",
        "Una rete di banche del tempo tra comuni vicini, per scambiare piccoli aiuti quotidiani "
        "tra famiglie, anziani e volontari.",
        ["S10"],
        ["D4", "D8"],
        zones=[8, 9, 10],
        lead_body=ZONE_CONSORTIUM,
    ),
    ActionSpec(
        "2.2.1",
        "Attuazione coordinata del SIA negli ambiti territoriali",
        "Regole e strumenti comuni tra gli ambiti per la presa in carico dei beneficiari del "
        "Sostegno per l'inclusione attiva.",
        ["S5", "S4"],
        ["D2", "D1"],
        partners=MANAGING_BODIES,
        indicators="Nuclei beneficiari con un progetto personalizzato attivo.",
    ),
    ActionSpec(
        "2.2.2",
        "Fondo metropolitano per le locazioni a canone sostenibile",
        "Contributi per l'affitto e garanzie per i proprietari che affittano a canone "
        "sostenibile, con gli stessi criteri in tutte le zone.",
        ["S6", "S3"],
        ["D10", "D2"],
    ),
    ActionSpec(
        "2.2.3",
        "Agenzie sociali per la locazione",
        "Sportelli che fanno incontrare domanda e offerta di case in affitto nel mercato "
        "privato a canone sostenibile.",
        ["S1", "S6"],
        ["D10"],
        lead_body=MANAGING_BODIES,
    ),
    ActionSpec(
        "2.2.4",
        "Empori solidali e recupero delle eccedenze alimentari",
        "Empori dove le famiglie in difficoltà fanno la spesa con una tessera a punti, "
        "riforniti con le eccedenze della distribuzione.",
        ["S10", "S2"],
        ["D2"],
        zones=[1, 3, 11],
        lead_body=ZONE_CONSORTIUM,
    ),
    ActionSpec(
        "2.3.1",
        "Tirocini di inclusione per le persone prese in carico",
        "Tirocini in aziende e cooperative per le persone seguite dai servizi sociali, con un "
        "tutor e un'indennità di partecipazione.",
        ["S8", "S4"],
        ["D9", "D2"],
        partners="Centri per l'impiego (illustrativo)",
        indicators="Tirocini avviati; assunzioni entro sei mesi dalla fine del tirocinio.",
    ),
    ActionSpec(
        "2.3.2",
        "Clausole sociali negli appalti dei comuni",
        "Modelli comuni di clausole sociali e di appalti riservati per favorire l'inserimento "
        "lavorativo delle persone svantaggiate.",
        ["S10"],
        ["D9"],
    ),
    ActionSpec(
        "2.3.3",
        "Sportelli lavoro di prossimità nelle valli",
        "Sportelli itineranti di orientamento al lavoro nei comuni montani, in raccordo con i "
        "centri per l'impiego.",
        ["S1", "S8"],
        ["D9"],
        zones=[5, 6, 7],
        lead_body=ZONE_CONSORTIUM,
    ),
    ActionSpec(
        "3.1.1",
        "Punti unici di accesso socio-sanitari",
        "Un unico punto di accesso per i servizi sociali e sanitari in ogni distretto, con "
        "personale dei comuni e dell'ASL.",
        ["S1", "S10"],
        ["D3", "D4"],
        lead_body=HEALTH_AUTHORITIES,
        partners=MANAGING_BODIES,
    ),
    ActionSpec(
        "3.1.2",
        "Protocolli tra enti gestori e ASL per la valutazione multidimensionale",
        "Procedure condivise e tempi certi per la valutazione dei bisogni delle persone non "
        "autosufficienti e con disabilità.",
        ["S10"],
        ["D3", "D4", "D11"],
        lead_body=MANAGING_BODIES,
        partners=HEALTH_AUTHORITIES,
    ),
    ActionSpec(
        "3.2.1",
        "Cartella sociale informatizzata condivisa",
        "Una cartella sociale informatizzata che gli enti gestori possano consultare e "
        "alimentare con regole comuni.",
        ["S11"],
        ["D11"],
        indicators="Enti gestori collegati; quota di prese in carico registrate.",
    ),
    ActionSpec(
        "3.2.2",
        "Osservatorio metropolitano sui bisogni sociali",
        "Dati confrontabili tra le zone sui bisogni e sugli interventi, pubblicati ogni anno "
        "per la programmazione a scala vasta.",
        ["S11", "S12"],
        ["D11"],
    ),
    ActionSpec(
        "3.3.1",
        "Sostegno ai caregiver familiari: sollievo e formazione",
        "Ricoveri di sollievo, gruppi di auto-aiuto e brevi corsi per chi assiste un familiare "
        "non autosufficiente.",
        ["S9", "S2"],
        ["D8", "D4"],
        lead_body=ZONE_CONSORTIUM,
    ),
    ActionSpec(
        "3.3.2",
        "Progetti di vita indipendente per persone con disabilità",
        "Progetti personalizzati e contributi per l'assistenza personale e l'abitare autonomo.",
        ["S4", "S3"],
        ["D3"],
        lead_body=MANAGING_BODIES,
    ),
    ActionSpec(
        "3.4.1",
        "Cultura e sport accessibili",
        "Accordi con musei, biblioteche e impianti sportivi per tariffe agevolate e percorsi "
        "accessibili alle persone con disabilità e agli anziani.",
        ["S2", "S12"],
        ["D3", "D4"],
    ),
    ActionSpec(
        "3.4.2",
        "Promozione della salute nei luoghi di aggregazione",
        "Incontri sulla salute e sui corretti stili di vita nei centri anziani, negli oratori e "
        "nelle società sportive.",
        ["S12"],
        ["D4", "D1"],
        lead_body=HEALTH_AUTHORITIES,
    ),
    ActionSpec(
        "4.1.1",
        "Rete metropolitana dei centri antiviolenza",
        "Un coordinamento dei centri antiviolenza e delle case rifugio, con un numero unico e "
        "procedure comuni di accoglienza.",
        ["S10", "S1"],
        ["D5"],
        indicators="Donne accolte; tempi di attesa per la prima accoglienza.",
    ),
    ActionSpec(
        "4.1.2",
        "Formazione degli operatori sulla Convenzione di Istanbul",
        "Formazione congiunta di assistenti sociali, personale sanitario e forze dell'ordine "
        "per riconoscere e gestire i casi di violenza.",
        ["S9"],
        ["D11", "D5"],
    ),
    ActionSpec(
        "4.1.3",
        "Mediazione interculturale negli sportelli dei servizi",
        "Mediatori interculturali presenti a turno negli sportelli sociali e sanitari.",
        ["S1", "S9"],
        ["D6"],
        lead_body=MANAGING_BODIES,
    ),
    ActionSpec(
        "4.2.1",
        "Scuola metropolitana di fundraising per il terzo settore",
        "Corsi di progettazione e raccolta fondi per associazioni, cooperative e uffici dei "
        "comuni.",
        ["S9", "S12"],
        ["D11"],
    ),
    ActionSpec(
        "4.2.2",
        "Campagna di comunicazione sociale sui beni comuni",
        "Una campagna sui beni comuni e sul volontariato, costruita con le scuole e le "
        "associazioni del territorio.",
        ["S12"],
        ["D12"],
    ),
    ActionSpec(
        "5.1.1",
        "Elenco metropolitano dei tutori e delle tutrici volontari",
        "Selezione, formazione e accompagnamento di volontari disponibili a ricoprire il ruolo "
        "di tutori e tutrici, con un elenco a disposizione degli Uffici Giudiziari.",
        ["S9", "S11"],
        ["D12"],
        indicators="Tutori volontari formati; nomine effettuate.",
    ),
    ActionSpec(
        "5.1.2",
        "Sportelli di prossimità per amministratori di sostegno",
        "Informazione e supporto a chi è o vuole diventare amministratore di sostegno, negli "
        "stessi sportelli dei servizi sociali.",
        ["S1"],
        ["D12", "D3", "D4"],
        lead_body=MANAGING_BODIES,
    ),
    ActionSpec(
        "5.1.3",
        "Protocollo con gli Uffici Giudiziari sulle tutele",
        "Un protocollo per semplificare i rapporti tra servizi e Uffici Giudiziari del "
        "territorio: modulistica comune, referenti, tempi.",
        ["S10"],
        ["D11", "D12"],
    ),
)

# Version 2: what changes, and the zones' decisions so far.
V2_CHANGE_NOTE = (
    "Aggiunte le azioni 1.2.4 (spazi compiti nei piccoli comuni), 2.2.5 (abitare temporaneo "
    "per nuclei sotto sfratto) e 3.3.3 (assistenti familiari qualificati), nate dai contributi "
    "degli incontri con il territorio; riformulata l'azione 2.2.1 per includere il Reddito di "
    "inclusione; eliminata l'azione 3.4.2, i cui contenuti sono ricompresi nella 3.4.1."
)

V1_CHANGE_NOTE = "Prima bozza condivisa con il territorio."

V2_NEW_ACTIONS = (
    ActionSpec(
        "1.2.4",
        "Spazi compiti e doposcuola nei piccoli comuni",
        "Doposcuola gestiti con le associazioni e i volontari nei comuni senza servizi "
        "educativi pomeridiani, con il trasporto dove serve.",
        ["S10", "S4"],
        ["D7", "D1"],
        zones=[8, 9],
        lead_body=ZONE_CONSORTIUM,
    ),
    ActionSpec(
        "2.2.5",
        "Abitare temporaneo per nuclei sotto sfratto",
        "Alloggi di transizione e accompagnamento sociale per le famiglie con uno sfratto "
        "esecutivo, in attesa di una soluzione stabile.",
        ["S6", "S4"],
        ["D10", "D1"],
        partners="ATC; comuni ad alta tensione abitativa (illustrativo)",
    ),
    ActionSpec(
        "3.3.3",
        "Assistenti familiari qualificati: elenco territoriale",
        "Corsi per assistenti familiari e un elenco di zona a cui le famiglie possano rivolgersi, "
        "con un servizio di incontro tra domanda e offerta.",
        ["S9", "S1"],
        ["D8", "D4"],
        lead_body=MANAGING_BODIES,
    ),
)

V2_EDITED_ACTION = "2.2.1"

V2_EDITED_TITLE = "Attuazione coordinata del SIA e del REI negli ambiti territoriali"

V2_EDITED_TEXT = (
    "Regole e strumenti comuni tra gli ambiti per la presa in carico dei beneficiari del "
    "Sostegno per l'inclusione attiva e, dal 2018, del Reddito di inclusione (REI): un unico "
    "modello di progetto personalizzato e di patto con il nucleo."
)

V2_REMOVED_ACTION = "3.4.2"

V2_APPROVING_ZONES = (2, 3, 4, 6)

V2_REMARKING_ZONE = 7

V2_REMARK_ACTION = "2.3.3"

V2_REMARK = (
    "Nelle Valli di Lanzo chiediamo che gli sportelli abbiano almeno un'apertura settimanale "
    f"in ogni unione montana.\n\n{ILLUSTRATIVE_REMARK}"
)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# Back-dated timestamps of the versions and of the zones' decisions (plausible, not sourced).
V1_DATES = {
    "created_at": _at(datetime.date(2016, 6, 20)),
    "submitted_at": _at(datetime.date(2016, 7, 29), hour=12),
    "first_decision": _at(datetime.date(2016, 9, 5)),
    "published_at": _at(datetime.date(2016, 10, 28), hour=11),
}

V2_DATES = {
    "created_at": _at(datetime.date(2017, 1, 16)),
    "submitted_at": _at(datetime.date(2017, 2, 20), hour=12),
    "first_decision": _at(datetime.date(2017, 3, 1)),
}

# (name, category, website): three real public bodies and four illustrative ones.
BODIES = (
    ("Regione Piemonte", ActorCategory.PUBLIC_BODY, "https://www.regione.piemonte.it"),
    (METROPOLITAN_CITY, ActorCategory.PUBLIC_BODY, "https://www.cittametropolitana.torino.it"),
    ("ASL Città di Torino", ActorCategory.HEALTH_AUTHORITY, ""),
    ("Cooperativa sociale (esempio)", ActorCategory.COOPERATIVE, ""),
    ("Associazione di volontariato (esempio)", ActorCategory.THIRD_SECTOR, ""),
    ("Consorzio socio-assistenziale (esempio)", ActorCategory.MANAGING_BODY, ""),
    ("Ente di servizio civile (esempio)", ActorCategory.CIVIL_SERVICE, ""),
)

# (table slug, body name, role, joined on)
MEMBERSHIPS = (
    *(
        (
            slug,
            "Regione Piemonte",
            "Coordinamento",
            datetime.date(2017, 7, 5) if phase == 2 else None,
        )
        for phase, slug, _title in PATTO_TABLES
    ),
    (
        "2017-poverta-inclusione-sociale",
        "Associazione di volontariato (esempio)",
        "Componente",
        None,
    ),
    (
        "2017-poverta-inclusione-sociale",
        "Consorzio socio-assistenziale (esempio)",
        "Componente",
        None,
    ),
    (
        "2017-responsabilita-familiari",
        "Consorzio socio-assistenziale (esempio)",
        "Componente",
        None,
    ),
    ("2017-politiche-abitare", "Cooperativa sociale (esempio)", "Componente", None),
    ("2017-servizio-civile-universale", "Ente di servizio civile (esempio)", "Componente", None),
    ("2017-non-autosufficienze-disabilita", "Cooperativa sociale (esempio)", "Componente", None),
)

TABLE_AUTHOR = "Partecipante al tavolo (esempio)"

MEETING_AUTHOR = "Partecipante all'incontro (esempio)"

ZONE_AUTHOR = "Partecipante all'incontro di zona (esempio)"


@dataclass(frozen=True)
class ContributionSpec:
    programme: str  # slug
    title: str
    kind: str
    text: str
    actor_category: str
    status: str = ContributionStatus.RECEIVED
    response: str = ""
    table: str | None = None  # slug
    meeting: str | None = None  # title
    body: str | None = None  # name
    author_name: str = TABLE_AUTHOR
    submitted_on: datetime.date | None = None
    answered_on: datetime.date | None = None
    led_to: Sequence[tuple[int, str]] = field(default=())  # (version number, action code)


def _provincial_title(province_name: str) -> str:
    preposition = "del" if province_name == "Verbano-Cusio-Ossola" else "di"
    return f"Incontro provinciale {preposition} {province_name}"


CONTRIBUTIONS = (
    # The regional Patto: at the 2017 tables and meetings.
    ContributionSpec(
        PATTO_SLUG,
        "Integrare le misure contro la povertà con i servizi per il lavoro",
        ContributionKind.PROPOSAL,
        "Chiediamo che le misure di contrasto alla povertà siano accompagnate sempre da un "
        "percorso con i centri per l'impiego, con un referente unico per la persona.",
        ActorCategory.THIRD_SECTOR,
        ContributionStatus.ACCEPTED,
        "Accolto: la bozza programmatica prevede la presa in carico congiunta tra servizi "
        "sociali e servizi per il lavoro.",
        table="2017-poverta-inclusione-sociale",
        meeting=_provincial_title("Cuneo"),
        body="Associazione di volontariato (esempio)",
        author_name=MEETING_AUTHOR,
        submitted_on=datetime.date(2017, 10, 19),
        answered_on=datetime.date(2017, 12, 15),
    ),
    ContributionSpec(
        PATTO_SLUG,
        "Poche risposte per chi perde la casa in affitto",
        ContributionKind.CRITICAL_ISSUE,
        "Gli sfratti per morosità incolpevole crescono e i fondi arrivano tardi rispetto ai "
        "tempi delle procedure.",
        ActorCategory.HOUSING,
        ContributionStatus.PARTLY_ACCEPTED,
        "Accolto in parte: si chiede di anticipare l'erogazione dei fondi; l'aumento delle "
        "risorse dipende dal riparto nazionale.",
        table="2017-politiche-abitare",
        meeting=_provincial_title("Asti"),
        author_name=MEETING_AUTHOR,
        submitted_on=datetime.date(2017, 10, 26),
        answered_on=datetime.date(2017, 12, 15),
    ),
    ContributionSpec(
        PATTO_SLUG,
        "Un contributo regionale per ogni posto di servizio civile",
        ContributionKind.REQUEST,
        "Gli enti piccoli non riescono a sostenere i costi di formazione dei volontari del "
        "servizio civile: chiediamo un contributo per ogni posto.",
        ActorCategory.CIVIL_SERVICE,
        ContributionStatus.NOT_ACCEPTED,
        "Non accolto: il servizio civile universale è finanziato dallo Stato; la Regione "
        "sostiene la formazione con corsi comuni aperti a tutti gli enti.",
        table="2017-servizio-civile-universale",
        meeting=_provincial_title("Alessandria"),
        body="Ente di servizio civile (esempio)",
        author_name=MEETING_AUTHOR,
        submitted_on=datetime.date(2017, 11, 6),
        answered_on=datetime.date(2017, 12, 15),
    ),
    ContributionSpec(
        PATTO_SLUG,
        "Liste d'attesa lunghe per la valutazione della non autosufficienza",
        ContributionKind.CRITICAL_ISSUE,
        "I tempi delle commissioni di valutazione sono diversi da un distretto all'altro e in "
        "alcuni casi superano i sei mesi.",
        ActorCategory.HEALTH_AUTHORITY,
        ContributionStatus.UNDER_REVIEW,
        table="2017-non-autosufficienze-disabilita",
        meeting=_provincial_title("Biella"),
        author_name=MEETING_AUTHOR,
        submitted_on=datetime.date(2017, 11, 16),
    ),
    ContributionSpec(
        PATTO_SLUG,
        "Centri per le famiglie aperti anche il sabato",
        ContributionKind.PROPOSAL,
        "Per i genitori che lavorano, i centri per le famiglie dovrebbero avere aperture nel "
        "fine settimana.",
        ActorCategory.FAMILY_CENTRE,
        ContributionStatus.RECEIVED,
        table="2017-responsabilita-familiari",
        meeting=_provincial_title("Novara"),
        author_name=MEETING_AUTHOR,
        submitted_on=datetime.date(2017, 11, 22),
    ),
    ContributionSpec(
        PATTO_SLUG,
        "Un unico modulo di domanda per le misure di sostegno al reddito",
        ContributionKind.REQUEST,
        "Chiediamo un modulo unico regionale, in modo che le persone non debbano presentare la "
        "stessa documentazione a più uffici.",
        ActorCategory.MANAGING_BODY,
        ContributionStatus.UNDER_REVIEW,
        table="2017-poverta-inclusione-sociale",
        meeting=_provincial_title("Torino (1 di 2)"),
        body="Consorzio socio-assistenziale (esempio)",
        author_name=MEETING_AUTHOR,
    ),
    ContributionSpec(
        PATTO_SLUG,
        "Coinvolgere le cooperative nella co-progettazione dei servizi",
        ContributionKind.PROPOSAL,
        "Proponiamo tavoli di co-progettazione tra enti gestori e cooperative prima delle "
        "gare, per definire insieme i bisogni.",
        ActorCategory.COOPERATIVE,
        ContributionStatus.RECEIVED,
        meeting=_provincial_title("Vercelli"),
        body="Cooperativa sociale (esempio)",
        author_name=MEETING_AUTHOR,
    ),
    ContributionSpec(
        PATTO_SLUG,
        "Servizio civile nei servizi sociali dei piccoli comuni",
        ContributionKind.PROPOSAL,
        "I piccoli comuni potrebbero ospitare volontari del servizio civile in convenzione, "
        "per aiutare gli anziani soli.",
        ActorCategory.LOCAL_ADMINISTRATOR,
        ContributionStatus.ACCEPTED,
        "Accolto: il tavolo sul servizio civile universale ha inserito i progetti in rete tra "
        "piccoli comuni tra le priorità.",
        table="2017-servizio-civile-universale",
        meeting=PLENARY_TITLE,
        author_name=MEETING_AUTHOR,
        submitted_on=datetime.date(2017, 7, 5),
        answered_on=datetime.date(2017, 9, 29),
    ),
    ContributionSpec(
        PATTO_SLUG,
        "Assistenti sociali troppo pochi nelle zone montane",
        ContributionKind.CRITICAL_ISSUE,
        "Nelle valli un'assistente sociale copre molti comuni e passa gran parte del tempo in "
        "viaggio.",
        ActorCategory.SOCIAL_WORKER,
        ContributionStatus.PARTLY_ACCEPTED,
        "Accolto in parte: la programmazione riconosce un parametro aggiuntivo per i territori "
        "montani; il numero di operatori resta deciso dagli enti gestori.",
        meeting=_provincial_title("Verbano-Cusio-Ossola"),
        author_name=MEETING_AUTHOR,
        answered_on=datetime.date(2017, 12, 15),
    ),
    # The Piano: at the meetings with the territory in the zones (2016).
    ContributionSpec(
        PIANO_SLUG,
        "Doposcuola per i ragazzi dei piccoli comuni",
        ContributionKind.PROPOSAL,
        "Nei comuni più piccoli non ci sono servizi pomeridiani per i ragazzi: molti "
        "abbandonano la scuola dopo la terza media.",
        ActorCategory.LOCAL_ADMINISTRATOR,
        ContributionStatus.ACCEPTED,
        "Accolto: ne è nata l'azione 1.2.4 della versione 2.",
        author_name=ZONE_AUTHOR,
        submitted_on=datetime.date(2016, 5, 10),
        answered_on=datetime.date(2017, 2, 10),
        led_to=[(2, "1.2.4")],
    ),
    ContributionSpec(
        PIANO_SLUG,
        "Famiglie sotto sfratto senza soluzioni ponte",
        ContributionKind.CRITICAL_ISSUE,
        "Tra lo sfratto e l'assegnazione di una casa popolare passano mesi, e le famiglie non "
        "hanno dove andare.",
        ActorCategory.HOUSING,
        ContributionStatus.ACCEPTED,
        "Accolto: il fondo per le locazioni (azione 2.2.2) e, nella versione 2, l'abitare "
        "temporaneo (azione 2.2.5).",
        author_name=ZONE_AUTHOR,
        submitted_on=datetime.date(2016, 5, 24),
        answered_on=datetime.date(2017, 2, 10),
        led_to=[(1, "2.2.2"), (2, "2.2.5")],
    ),
    ContributionSpec(
        PIANO_SLUG,
        "Sostenere chi assiste un familiare a casa",
        ContributionKind.PROPOSAL,
        "Chi assiste un familiare non autosufficiente ha bisogno di momenti di sollievo e di "
        "assistenti familiari preparati.",
        ActorCategory.THIRD_SECTOR,
        ContributionStatus.PARTLY_ACCEPTED,
        "Accolto in parte: sollievo e formazione nell'azione 3.3.1, un elenco di assistenti "
        "familiari nell'azione 3.3.3; non è previsto un assegno di cura metropolitano.",
        body="Associazione di volontariato (esempio)",
        author_name=ZONE_AUTHOR,
        submitted_on=datetime.date(2016, 4, 19),
        answered_on=datetime.date(2017, 2, 10),
        led_to=[(1, "3.3.1"), (2, "3.3.3")],
    ),
    ContributionSpec(
        PIANO_SLUG,
        "Formare volontari per le tutele dei minori",
        ContributionKind.PROPOSAL,
        "Mancano persone disponibili a fare da tutori ai minori: servono formazione e un "
        "accompagnamento nel tempo.",
        ActorCategory.THIRD_SECTOR,
        ContributionStatus.ACCEPTED,
        "Accolto: azione 5.1.1.",
        author_name=ZONE_AUTHOR,
        submitted_on=datetime.date(2016, 4, 12),
        answered_on=datetime.date(2016, 7, 15),
        led_to=[(1, "5.1.1")],
    ),
    ContributionSpec(
        PIANO_SLUG,
        "Orientamento al lavoro vicino a casa nelle valli",
        ContributionKind.REQUEST,
        "Per chi abita in montagna il centro per l'impiego è lontano: chiediamo sportelli "
        "itineranti.",
        ActorCategory.LOCAL_ADMINISTRATOR,
        ContributionStatus.ACCEPTED,
        "Accolto: azione 2.3.3, nelle zone 5, 6 e 7.",
        author_name=ZONE_AUTHOR,
        submitted_on=datetime.date(2016, 5, 3),
        answered_on=datetime.date(2016, 7, 15),
        led_to=[(1, "2.3.3")],
    ),
    ContributionSpec(
        PIANO_SLUG,
        "I sistemi informativi degli enti non dialogano",
        ContributionKind.CRITICAL_ISSUE,
        "Ogni ente gestore usa un programma diverso e i dati non si possono confrontare.",
        ActorCategory.MANAGING_BODY,
        ContributionStatus.PARTLY_ACCEPTED,
        "Accolto in parte: una cartella sociale condivisa (azione 3.2.1); la sostituzione dei "
        "programmi resta una scelta dei singoli enti.",
        body="Consorzio socio-assistenziale (esempio)",
        author_name=ZONE_AUTHOR,
        submitted_on=datetime.date(2016, 4, 26),
        answered_on=datetime.date(2016, 7, 15),
        led_to=[(1, "3.2.1")],
    ),
    ContributionSpec(
        PIANO_SLUG,
        "Un reddito minimo metropolitano",
        ContributionKind.PROPOSAL,
        "Proponiamo un reddito minimo finanziato dalla Città Metropolitana per chi resta "
        "escluso dal SIA.",
        ActorCategory.CITIZEN,
        ContributionStatus.NOT_ACCEPTED,
        "Non accolto: le misure di sostegno al reddito sono di competenza statale e regionale; "
        "il Piano coordina la presa in carico (azione 2.2.1).",
        author_name=ZONE_AUTHOR,
        submitted_on=datetime.date(2016, 5, 17),
        answered_on=datetime.date(2016, 7, 15),
    ),
    ContributionSpec(
        PIANO_SLUG,
        "Mediatori culturali anche negli ambulatori",
        ContributionKind.REQUEST,
        "La mediazione interculturale serve anche negli ambulatori e nei consultori, non solo "
        "negli sportelli sociali.",
        ActorCategory.HEALTH_AUTHORITY,
        ContributionStatus.UNDER_REVIEW,
        author_name=ZONE_AUTHOR,
        submitted_on=datetime.date(2016, 6, 7),
    ),
    ContributionSpec(
        PIANO_SLUG,
        "Trasporto sociale per le visite mediche",
        ContributionKind.REQUEST,
        "Gli anziani soli dei comuni collinari non hanno modo di raggiungere gli ospedali per "
        "visite ed esami.",
        ActorCategory.CITIZEN,
        ContributionStatus.RECEIVED,
        author_name=ZONE_AUTHOR,
        submitted_on=datetime.date(2016, 6, 14),
    ),
)

# Upcoming meetings to try registrations: none is in the seeds (illustrative). The second has
# few places, all taken, so its page shows the waiting list.
UPCOMING_MEETINGS = (
    {
        "title": "Zona 1 – Presentazione della proposta di Piano (illustrativo)",
        "zone": 1,
        "in_days": 21,
        "venue": "Sala riunioni della Città Metropolitana, Torino (illustrativo)",
        "capacity": 40,
        "agenda": "- Presentazione della proposta di Piano sociale metropolitano\n"
        "- Domande e contributi dei partecipanti",
        "citizen": True,
        "spokespersons": (1,),
    },
    {
        "title": "Zona 5 – Laboratorio sugli strumenti del Piano (illustrativo)",
        "zone": 5,
        "in_days": 35,
        "venue": "Sala consiliare, Pinerolo (illustrativo)",
        "capacity": 2,
        "agenda": "- Gli strumenti del Piano nella zona\n- Lavoro in piccoli gruppi",
        "citizen": False,
        "spokespersons": (5, 1),
    },
)


@dataclass
class DemoReport:
    """What ``load_demo`` did: rows created per model (label, verbose name plural, count)."""

    created: list[tuple[str, str, int]]
    accounts: tuple[DemoAccount, ...] = DEMO_ACCOUNTS

    @property
    def nothing_created(self) -> bool:
        return not self.created


def _row_counts() -> dict:
    return {model: model._default_manager.count() for model in apps.get_models()}


@transaction.atomic
def load_demo(*, data_dir: Path | str | None = None) -> DemoReport:
    """Build the demo content (reference data first). Idempotent; one transaction."""
    # bulk writes send no model signals: the cached public pages go out of date here
    content_changed()
    data_dir = Path(data_dir or settings.REFERENCE_DATA_DIR)
    before = _row_counts()
    load_reference_data(data_dir=data_dir)
    builder = _Builder(data_dir)
    builder.build()
    after = _row_counts()
    created = [
        (model._meta.label, str(model._meta.verbose_name_plural), after[model] - before[model])
        for model in after
        if after[model] > before[model]
    ]
    return DemoReport(created=created)


class _Builder:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.zones = {zone.number: zone for zone in Zone.objects.all()}
        if len(self.zones) != 11:
            raise RuntimeError(
                f"Attese 11 zone omogenee, trovate {len(self.zones)}: controllate i dati di "
                "riferimento."
            )

    def build(self) -> None:
        self.users = self._accounts()
        self.staff = self.users["redazione@demo.patto.localhost"]
        self.spokespersons = self._spokespersons()
        self.patto = self._programme(PATTO_SLUG, PATTO, PATTO_PHASES)
        self.piano = self._programme(PIANO_SLUG, PIANO, PIANO_PHASES)
        missing = set(self.zones.values()) - set(self.piano.validating_zones.all())
        if missing:  # adding nothing would still write a history record
            self.piano.validating_zones.add(*missing)
        self.tables = self._tables()
        self.meetings = self._meetings()
        self.bodies = self._bodies()
        self._memberships()
        self._version_1()
        self._version_2()
        self._contributions()
        self._consultation()
        self._upcoming_meetings()
        self._citizen_follows()

    # Accounts.

    def _citizen_follows(self) -> None:
        """The demo citizen states a body (illustrative) and follows the Piano, so their profile
        shows a programme they follow and the Piano's page shows «Non seguire più»."""
        citizen = self.users["cittadino@demo.patto.localhost"]
        if not citizen.body_name:
            citizen.body_name = CITIZEN_BODY
            citizen.actor_category = ActorCategory.CITIZEN
            citizen.save(update_fields=["body_name", "actor_category"])
        Follow.objects.get_or_create(user=citizen, programme=self.piano)

    def _user(self, *, email, name, password=None, superuser=False, category=""):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            create = User.objects.create_superuser if superuser else User.objects.create_user
            user = create(
                username=email,
                email=email,
                password=password,
                first_name=name,
                actor_category=category,
            )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _accounts(self) -> dict[str, User]:
        users = {}
        redazione = Group.objects.get_or_create(name=REDAZIONE_GROUP)[0]
        for account in DEMO_ACCOUNTS:
            user = self._user(
                email=account.email,
                name=account.name,
                password=account.password,
                superuser=account.superuser,
                category=ActorCategory.CITIZEN if account.email.startswith("cittadino") else "",
            )
            if account.redazione:
                if not user.is_staff:
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
                user.groups.add(redazione)
            users[account.email] = user
        return users

    def _spokespersons(self) -> dict[int, User]:
        spokespersons = {}
        for number, zone in self.zones.items():
            email = SPOKESPERSON_EMAIL.format(number=number)
            user = self.users.get(email) or self._user(
                email=email,
                name=SPOKESPERSON_NAME.format(number=number),
                category=ActorCategory.LOCAL_ADMINISTRATOR,
            )
            SpokespersonAssignment.objects.get_or_create(
                zone=zone,
                user=user,
                start_date=SPOKESPERSON_SINCE,
                defaults={"role": SPOKESPERSON_ROLE},
            )
            spokespersons[number] = user
        return spokespersons

    # Programmes, tables, meetings.

    def _programme(self, slug, values, phases) -> Programme:
        programme, _created = Programme.objects.get_or_create(slug=slug, defaults=values)
        for phase in phases:
            Phase.objects.get_or_create(
                programme=programme,
                position=phase["position"],
                defaults={k: v for k, v in phase.items() if k != "position"},
            )
        return programme

    def _tables(self) -> dict[str, ThematicTable]:
        phases = {phase.position: phase for phase in self.patto.phases.all()}
        tables = {}
        for position, (phase, slug, title) in enumerate(PATTO_TABLES, start=1):
            tables[slug], _created = ThematicTable.objects.get_or_create(
                programme=self.patto,
                slug=slug,
                defaults={
                    "phase": phases[phase],
                    "title": title,
                    "position": position,
                    "description": PATTO_TABLE_DESCRIPTIONS[phase],
                },
            )
        return tables

    def _meetings(self) -> dict[str, Meeting]:
        """The plenary and the nine provincial meetings, read from incontri_2017.csv."""
        path = self.data_dir / MEETINGS_FILE
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        phases = {phase.position: phase for phase in self.patto.phases.all()}
        tables_2017 = [t for t in self.tables.values() if t.slug.startswith("2017-")]
        meetings = {}
        for row in rows:
            date = datetime.date.fromisoformat(row["data"]) if row["data"].strip() else None
            town = row["luogo"].split(",")[0].strip()
            if row["tipo"] == "plenaria":
                kind, title, phase, province = MeetingKind.PLENARY, PLENARY_TITLE, 2, None
                agenda = PLENARY_AGENDA
            else:
                province_name = re.sub(r"\s*\(.*\)\s*$", "", row["ambito"]).strip()
                province = Province.objects.get(name__iexact=province_name)
                kind, phase, agenda = MeetingKind.PROVINCIAL, 3, PROVINCIAL_AGENDA
                title = _provincial_title(row["ambito"].strip())
            municipality = Municipality.objects.filter(
                name__iexact=town, **({"province": province} if province else {})
            ).first()
            meeting, created = Meeting.objects.get_or_create(
                programme=self.patto,
                title=title,
                defaults={
                    "phase": phases[phase],
                    "kind": kind,
                    "date": date,
                    "date_note": "" if date else MEETING_DATE_TBC,
                    "venue": row["luogo"].strip(),
                    "municipality": municipality,
                    "province": province,
                    "audiences": MEETING_AUDIENCES,
                    "agenda": agenda,
                    "status": MeetingStatus.HELD if date else MeetingStatus.SCHEDULED,
                    "source": row["fonte"].strip(),
                },
            )
            if created:
                meeting.tables.set(tables_2017)
            meetings[title] = meeting
        return meetings

    def _bodies(self) -> dict[str, Body]:
        bodies = {}
        for name, category, website in BODIES:
            bodies[name], _created = Body.objects.get_or_create(
                name=name, defaults={"category": category, "website": website}
            )
        return bodies

    def _memberships(self) -> None:
        for slug, body, role, joined_on in MEMBERSHIPS:
            TableMembership.objects.get_or_create(
                table=self.tables[slug],
                body=self.bodies[body],
                defaults={"role": role, "joined_on": joined_on},
            )

    # The Piano's versions.

    def _add_actions(self, version: PlanVersion, specs, start_position: int) -> None:
        areas = {a.code: a for a in ActionArea.objects.filter(version=version)}
        tools = {t.code: t for t in Tool.objects.filter(version=version)}
        targets = {t.code: t for t in Target.objects.filter(version=version)}
        for position, spec in enumerate(specs, start=start_position):
            action = Action.objects.create(
                version=version,
                area=areas[spec.area_code],
                code=spec.code,
                title=spec.title,
                description=spec.description,
                lead_body=spec.lead_body,
                partners=spec.partners,
                indicators=spec.indicators,
                position=position,
            )
            action.tools.set([tools[code] for code in spec.tools])
            action.targets.set([targets[code] for code in spec.targets])
            if spec.zones:
                action.zones.set([self.zones[number] for number in spec.zones])

    def _fill_version_1(self, version: PlanVersion) -> None:
        for model, items in ((Tool, TOOLS), (Target, TARGETS)):
            # a list, not a generator: VersionContentQuerySet.bulk_create iterates it twice
            model.objects.bulk_create(
                [
                    model(
                        version=version,
                        code=code,
                        name=name,
                        position=position,
                        description=(
                            f"Dal documento del Piano: «{quote}»."
                            if quote
                            else ILLUSTRATIVE_CATALOGUE
                        ),
                    )
                    for position, (code, name, quote) in enumerate(items, start=1)
                ]
            )
        policies = {}
        for position, (code, title, description) in enumerate(POLICIES, start=1):
            policies[code] = Policy.objects.create(
                version=version,
                code=code,
                title=title,
                description=description,
                position=position,
            )
        ActionArea.objects.bulk_create(
            [
                ActionArea(
                    version=version,
                    policy=policies[code.split(".")[0]],
                    code=code,
                    title=title,
                    description=ILLUSTRATIVE_AREA,
                    position=position,
                )
                for position, (code, title) in enumerate(ACTION_AREAS, start=1)
            ]
        )
        self._add_actions(version, ACTIONS, start_position=1)

    def _version_1(self) -> None:
        if self.piano.versions.filter(number=1).exists():
            return
        version = create_version(programme=self.piano, by=self.staff, change_note=V1_CHANGE_NOTE)
        self._fill_version_1(version)
        submit_version(version=version, by=self.staff)
        decided = V1_DATES["first_decision"]  # the last approval validates the version
        for number, zone in sorted(self.zones.items()):
            validation = decide_validation(
                version=version,
                zone=zone,
                by=self.spokespersons[number],
                decision=Decision.APPROVED,
            )
            decided = V1_DATES["first_decision"] + datetime.timedelta(days=3 * (number - 1))
            Validation.objects.filter(pk=validation.pk).update(decided_at=decided)
        publish_version(version=version, by=self.staff)
        PlanVersion.objects.filter(pk=version.pk).update(
            created_at=V1_DATES["created_at"],
            submitted_at=V1_DATES["submitted_at"],
            validated_at=decided,
            published_at=V1_DATES["published_at"],
        )

    def _version_2(self) -> None:
        if self.piano.versions.filter(number=2).exists():
            return
        v1 = self.piano.versions.filter(number=1, status=VersionStatus.PUBLISHED).first()
        if v1 is None:
            return
        version = create_version(
            programme=self.piano, by=self.staff, change_note=V2_CHANGE_NOTE, based_on=v1
        )
        self._add_actions(version, V2_NEW_ACTIONS, start_position=len(ACTIONS) + 1)
        edited = Action.objects.get(version=version, code=V2_EDITED_ACTION)
        edited.title = V2_EDITED_TITLE
        edited.description = f"{V2_EDITED_TEXT}\n\n{ILLUSTRATIVE_ACTION}"
        edited.save(update_fields=["title", "description"])
        Action.objects.get(version=version, code=V2_REMOVED_ACTION).delete()
        submit_version(version=version, by=self.staff)

        remarked = Action.objects.get(version=version, code=V2_REMARK_ACTION)
        deciding = (*V2_APPROVING_ZONES, V2_REMARKING_ZONE)
        for day, number in enumerate(deciding):
            remarks = ()
            if number == V2_REMARKING_ZONE:
                remarks = [
                    Remark(
                        item_kind=ItemKind.ACTION,
                        item_key=str(remarked.key),
                        item_label=str(remarked),
                        text=V2_REMARK,
                    )
                ]
            validation = decide_validation(
                version=version,
                zone=self.zones[number],
                by=self.spokespersons[number],
                decision=Decision.APPROVED,
                remarks=remarks,
            )
            Validation.objects.filter(pk=validation.pk).update(
                decided_at=V2_DATES["first_decision"] + datetime.timedelta(days=4 * day)
            )
        PlanVersion.objects.filter(pk=version.pk).update(
            created_at=V2_DATES["created_at"], submitted_at=V2_DATES["submitted_at"]
        )

    # Contributions.

    def _contributions(self) -> None:
        programmes = {PATTO_SLUG: self.patto, PIANO_SLUG: self.piano}
        for spec in CONTRIBUTIONS:
            answered = spec.status in ANSWERED_STATUSES
            contribution, created = Contribution.objects.get_or_create(
                programme=programmes[spec.programme],
                title=spec.title,
                defaults={
                    "kind": spec.kind,
                    "text": f"{spec.text}\n\n{ILLUSTRATIVE_CONTRIBUTION}",
                    "actor_category": spec.actor_category,
                    "author_name": spec.author_name,
                    "body": self.bodies[spec.body] if spec.body else None,
                    "table": self.tables[spec.table] if spec.table else None,
                    "meeting": self.meetings[spec.meeting] if spec.meeting else None,
                    "submitted_on": spec.submitted_on,
                    "status": spec.status,
                    "response": (
                        f"{spec.response}\n\n{ILLUSTRATIVE_RESPONSE}" if spec.response else ""
                    ),
                    "answered_at": (
                        _at(spec.answered_on, hour=12) if answered and spec.answered_on else None
                    ),
                    "answered_by": self.staff if answered else None,
                },
            )
            if created and spec.led_to:
                actions = [
                    action
                    for number, code in spec.led_to
                    for action in Action.objects.filter(
                        version__programme=contribution.programme,
                        version__number=number,
                        code=code,
                    )
                ]
                contribution.led_to.set(actions)

    # The consultation (issue 9): an illustrative phase of the Piano, open around the day the
    # demo is loaded, on the proposal in validation (version 2), with three online
    # contributions of the demo citizen: one answered, one waiting for moderation, one hidden.

    def _consultation(self) -> None:
        proposal = self.piano.versions.filter(status=VersionStatus.IN_VALIDATION).first()
        if proposal is None:
            return
        today = timezone.localdate()
        Phase.objects.get_or_create(
            programme=self.piano,
            position=CONSULTATION_PHASE["position"],
            defaults={
                **{k: v for k, v in CONSULTATION_PHASE.items() if k != "position"},
                "start_date": today - datetime.timedelta(days=7),
                "is_consultation": True,
                "consultation_opens_at": _at(today - datetime.timedelta(days=7), hour=9),
                "consultation_closes_at": _at(today + datetime.timedelta(days=90), hour=18),
            },
        )
        citizen = self.users["cittadino@demo.patto.localhost"]
        for spec in ONLINE_CONTRIBUTIONS:
            policy_key = action_key = None
            if spec["about"] == "action":
                action_key = Action.objects.get(version=proposal, code=spec["code"]).key
            elif spec["about"] == "policy":
                policy_key = Policy.objects.get(version=proposal, code=spec["code"]).key
            answered = spec["status"] in ANSWERED_STATUSES
            contribution, created = Contribution.objects.get_or_create(
                programme=self.piano,
                title=spec["title"],
                defaults={
                    "channel": ContributionChannel.ONLINE,
                    "version": proposal,
                    "policy_key": policy_key,
                    "action_key": action_key,
                    "kind": spec["kind"],
                    "text": f"{spec['text']}\n\n{ILLUSTRATIVE_CONTRIBUTION}",
                    "author": citizen,
                    "author_name": "Cittadina del Pinerolese (esempio)",
                    "actor_category": ActorCategory.CITIZEN,
                    "submitted_on": today - datetime.timedelta(days=spec["days_ago"]),
                    "moderation": spec["moderation"],
                    "hidden_reason": spec.get("hidden_reason", ""),
                    "moderated_at": (
                        None
                        if spec["moderation"] == Moderation.PENDING
                        else _at(today - datetime.timedelta(days=spec["days_ago"] - 1))
                    ),
                    "moderated_by": (
                        None if spec["moderation"] == Moderation.PENDING else self.staff
                    ),
                    "status": spec["status"],
                    "response": (
                        f"{spec['response']}\n\n{ILLUSTRATIVE_RESPONSE}" if answered else ""
                    ),
                    "answered_at": _at(today - datetime.timedelta(days=1)) if answered else None,
                    "answered_by": self.staff if answered else None,
                },
            )
            if created and spec.get("comment"):
                Comment.objects.create(
                    contribution=contribution,
                    author=self.spokespersons[5],
                    author_name="Portavoce della zona 5 (esempio)",
                    text=f"{spec['comment']} (Commento illustrativo.)",
                    moderation=Moderation.APPROVED,
                )

    def _upcoming_meetings(self) -> None:
        """Two meetings of the Piano a few weeks after the demo is loaded, so that registering
        can be tried: the seeds' meetings are all in 2017. Dates, places, capacities and
        registrations are illustrative. The registrations are written directly (a loader, not a
        person: no e-mails) and stay within the capacity."""
        today = timezone.localdate()
        phase = self.piano.phases.filter(position=1).first()
        citizen = self.users["cittadino@demo.patto.localhost"]
        for spec in UPCOMING_MEETINGS:
            zone = self.zones[spec["zone"]]
            meeting, created = Meeting.objects.get_or_create(
                programme=self.piano,
                title=spec["title"],
                defaults={
                    "phase": phase,
                    "kind": MeetingKind.ZONE,
                    "date": today + datetime.timedelta(days=spec["in_days"]),
                    "start_time": datetime.time(17, 30),
                    "end_time": datetime.time(19, 30),
                    "venue": spec["venue"],
                    "zone": zone,
                    "province": zone.province,
                    "audiences": MEETING_AUDIENCES,
                    "agenda": f"{spec['agenda']}\n\n{ILLUSTRATIVE_MEETING}",
                    "capacity": spec["capacity"],
                    "status": MeetingStatus.SCHEDULED,
                },
            )
            if not created:
                continue
            people = [self.spokespersons[number] for number in spec["spokespersons"]]
            if spec["citizen"]:
                people.insert(0, citizen)
            for person in people[: spec["capacity"]]:
                Registration.objects.get_or_create(
                    meeting=meeting,
                    user=person,
                    defaults={
                        "body_name": (
                            "" if person == citizen else f"Zona {zone.number} (illustrativo)"
                        ),
                        "actor_category": person.actor_category,
                        "status": RegistrationStatus.CONFIRMED,
                    },
                )


CONSULTATION_PHASE = {
    "position": 5,
    "title": "Consultazione online sulla proposta (illustrativa)",
    "description": (
        "Fase illustrativa: il documento del Piano dice che la proposta è consultabile sul sito; "
        "qui chi è registrato può lasciare un contributo sulla versione 2, su una politica o su "
        "un'azione, e commentare quelli degli altri."
    ),
}

ONLINE_CONTRIBUTIONS = (
    {
        "about": "action",
        "code": "2.2.1",
        "kind": ContributionKind.PROPOSAL,
        "title": "Sportelli per l'abitare aperti anche il sabato",
        "text": "Chi lavora non riesce ad andare agli sportelli nei giorni feriali.",
        "days_ago": 5,
        "moderation": Moderation.APPROVED,
        "status": ContributionStatus.PARTLY_ACCEPTED,
        "response": (
            "Accolto in parte: nella prossima versione gli sportelli delle zone 1 e 5 aprono "
            "un sabato al mese."
        ),
        "comment": "Nel Pinerolese servirebbe anche un recapito telefonico serale.",
    },
    {
        "about": "policy",
        "code": "1",
        "kind": ContributionKind.REQUEST,
        "title": "Più spazio ai centri per le famiglie nelle valli",
        "text": "Nelle valli i centri per le famiglie sono lontani: servono sedi decentrate.",
        "days_ago": 2,
        "moderation": Moderation.PENDING,
        "status": ContributionStatus.RECEIVED,
    },
    {
        "about": "version",
        "code": "",
        "kind": ContributionKind.CRITICAL_ISSUE,
        "title": "Messaggio promozionale",
        "text": "Testo pubblicitario che non riguarda il Piano.",
        "days_ago": 3,
        "moderation": Moderation.HIDDEN,
        "hidden_reason": "Pubblicità, non riguarda il Piano (esempio di contributo nascosto).",
        "status": ContributionStatus.RECEIVED,
    },
)
