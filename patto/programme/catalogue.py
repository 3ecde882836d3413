"""The catalogue of the portal's open data in DCAT-AP_IT, the profile dati.gov.it harvests:
one ``dcat:Catalog`` with a ``dcat:Dataset`` for each file /dati-aperti/ offers (the actions of
each public version, the contributions of each programme, the meetings, the three files of the
monitoring of each plan in force), each with a
``dcat:Distribution`` for each of its downloads. Every node carries the DCAT-AP_IT class beside
the DCAT one; the vocabularies are the EU's (data themes, frequencies, file types, languages,
licences) and IANA's media types.

Built from five queries whatever the amount of data (:func:`catalogue_data`); the addresses are
absolute, from ``SITE_URL``. The publisher and rights holder is ``PORTAL_OWNER`` with its IPA
code ``IPA_CODE``; the contact point is ``CONTACT_EMAIL``. The nodes are named inside
``<SITE_URL>/dati-aperti/catalogo``, an address that leads to the catalogue itself."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from incontri import queries as meeting_queries
from patto.core.addresses import absolute
from patto.core.opendata import LICENCE_URL
from patto.models import VersionStatus
from patto.monitoring import opendata as monitoring_opendata
from patto.programme import queries
from tavoli import queries as contribution_queries

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS_LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")
EU = "http://publications.europa.eu/resource/authority/"
THEMES = URIRef(EU + "data-theme")
THEME = Namespace(EU + "data-theme/")
FREQUENCY = Namespace(EU + "frequency/")
FILE_TYPE = Namespace(EU + "file-type/")
ITALIAN = URIRef(EU + "language/ITA")
LICENCE = URIRef(EU + "licence/CC_BY_4_0")
MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"

# Where the portal has the text in English too, the catalogue gives both.
LANGUAGES = ("it", "en")


@dataclass(frozen=True)
class FileType:
    """A kind of download: its name in the distribution's address (``…#incontri-excel``), its
    EU file type, its IANA media type and its name in the title."""

    key: str
    file_type: str
    media_type: str
    label: str | Promise


CSV = FileType("csv", "CSV", "text/csv", "CSV")
# the CSV for Excel is a CSV too: same columns, Italian separators
EXCEL_CSV = FileType("excel", "CSV", "text/csv", gettext_lazy("CSV per Excel"))
JSON = FileType("json", "JSON", "application/json", "JSON")
# the whole plan of the version: its policies and action areas beside the actions
ODS = FileType(
    "ods",
    "ODS",
    "application/vnd.oasis.opendocument.spreadsheet",
    gettext_lazy("foglio di calcolo ODS, con politiche e ambiti"),
)
XLSX = FileType(
    "xlsx",
    "XLSX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    gettext_lazy("foglio di calcolo XLSX, con politiche e ambiti"),
)


@dataclass
class CatalogueData:
    programmes: list
    contribution_dates: dict
    meeting_dates: tuple
    monitoring_dates: dict


def catalogue_data() -> CatalogueData:
    """What the catalogue describes: the programmes with their public versions (two queries),
    when each programme's contributions were first recorded and last changed (one), the same
    for the meetings (one), when each programme's monitoring last changed (one)."""
    return CatalogueData(
        programmes=list(queries.programmes_with_versions().order_by("position", "title")),
        contribution_dates=contribution_queries.opendata_dates(),
        meeting_dates=meeting_queries.opendata_dates(),
        monitoring_dates=monitoring_opendata.opendata_dates(),
    )


def _date(value) -> Literal | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return Literal(value.isoformat(), datatype=XSD.date)


def _texts(make) -> list[Literal]:
    """``make()`` (which calls gettext) in each language, as language-tagged literals."""
    texts = []
    for language in LANGUAGES:
        with translation.override(language):
            texts.append(Literal(str(make()), lang=language))
    return texts


class CatalogueBuilder:
    """The graph of the catalogue of ``data``: the shared nodes (publisher, contact point,
    licence, the vocabularies' concepts), then a dataset and its distributions for each file."""

    def __init__(self, data: CatalogueData):
        self.data = data
        self.base = absolute(reverse("catalogue"))
        self.graph = Graph(bind_namespaces="core")
        for prefix, namespace in (
            ("dcat", DCAT),
            ("dct", DCTERMS),
            ("dcatapit", DCATAPIT),
            ("foaf", FOAF),
            ("vcard", VCARD),
            ("skos", SKOS),
            ("xsd", XSD),
        ):
            self.graph.bind(prefix, namespace)

    def url(self, name: str, *args) -> URIRef:
        # the addresses without a language prefix: the Italian pages
        with translation.override(settings.LANGUAGE_CODE):
            return URIRef(absolute(reverse(name, args=args)))

    def node(self, name: str) -> URIRef:
        return URIRef(f"{self.base}#{name}")

    def add(self, subject, predicate, *objects) -> None:
        for value in objects:
            if value is not None:
                self.graph.add((subject, predicate, value))

    def typed(self, subject, *classes) -> URIRef:
        for cls in classes:
            self.graph.add((subject, RDF.type, cls))
        return subject

    # the shared nodes ---------------------------------------------------------------------

    def shared_nodes(self) -> None:
        self.agent = self.typed(self.node("ente"), FOAF.Agent, DCATAPIT.Agent)
        self.add(self.agent, FOAF.name, Literal(settings.PORTAL_OWNER, lang="it"))
        self.add(self.agent, DCTERMS.identifier, Literal(settings.IPA_CODE))

        self.contact = self.typed(
            self.node("contatti"), VCARD.Kind, VCARD.Organization, DCATAPIT.Organization
        )
        self.add(self.contact, VCARD.fn, Literal(settings.PORTAL_OWNER))
        self.add(self.contact, VCARD.hasEmail, URIRef(f"mailto:{settings.CONTACT_EMAIL}"))

        self.typed(LICENCE, DCTERMS.LicenseDocument)
        self.add(LICENCE, DCTERMS.type, ADMS_LICENCE_TYPE.Attribution)
        self.add(
            LICENCE,
            FOAF.name,
            *_texts(lambda: _("Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)")),
        )
        self.add(LICENCE, DCTERMS.source, URIRef(LICENCE_URL))

        self.typed(ITALIAN, DCTERMS.LinguisticSystem)
        self.typed(THEMES, SKOS.ConceptScheme)
        for code in ("SOCI", "GOVE"):
            self.typed(THEME[code], SKOS.Concept)
            self.add(THEME[code], SKOS.inScheme, THEMES)
        for code in ("NEVER", "UPDATE_CONT"):
            self.typed(FREQUENCY[code], DCTERMS.Frequency)

    # datasets -----------------------------------------------------------------------------

    def dataset(
        self,
        name: str,
        *,
        title,
        description,
        keywords,
        themes,
        frequency: str,
        issued,
        modified,
        landing_page: URIRef,
        distributions,
    ) -> URIRef:
        dataset = self.typed(self.node(name), DCAT.Dataset, DCATAPIT.Dataset)
        self.add(dataset, DCTERMS.title, *_texts(title))
        self.add(dataset, DCTERMS.description, *_texts(description))
        self.add(dataset, DCTERMS.identifier, Literal(f"{settings.IPA_CODE}:{name}"))
        self.add(dataset, DCTERMS.publisher, self.agent)
        self.add(dataset, DCTERMS.rightsHolder, self.agent)
        self.add(dataset, DCAT.contactPoint, self.contact)
        self.add(dataset, DCAT.theme, *(THEME[code] for code in themes))
        self.add(dataset, DCTERMS.accrualPeriodicity, FREQUENCY[frequency])
        self.add(dataset, DCTERMS.language, ITALIAN)
        self.add(dataset, DCTERMS.issued, _date(issued))
        self.add(dataset, DCTERMS.modified, _date(modified or issued))
        for keyword in keywords:
            self.add(dataset, DCAT.keyword, *_texts(keyword))
        self.typed(landing_page, FOAF.Document)
        self.add(dataset, DCAT.landingPage, landing_page)
        for file_type, url in distributions:
            self.add(
                dataset,
                DCAT.distribution,
                self.distribution(
                    f"{name}-{file_type.key}",
                    file_type,
                    url,
                    title=title,
                    issued=issued,
                    modified=modified or issued,
                ),
            )
        self.add(self.catalogue, DCAT.dataset, dataset)
        self.modified.append(modified or issued)
        return dataset

    def distribution(self, name, file_type: FileType, url: URIRef, *, title, issued, modified):
        distribution = self.typed(self.node(name), DCAT.Distribution, DCATAPIT.Distribution)
        self.add(distribution, DCAT.accessURL, url)
        self.add(distribution, DCAT.downloadURL, url)
        file_format = self.typed(FILE_TYPE[file_type.file_type], DCTERMS.MediaTypeOrExtent)
        self.add(distribution, DCTERMS.format, file_format)
        media_type = self.typed(
            URIRef(MEDIA_TYPE + file_type.media_type), DCTERMS.MediaTypeOrExtent
        )
        self.add(distribution, DCAT.mediaType, media_type)
        self.add(distribution, DCTERMS.license, LICENCE)
        self.add(
            distribution,
            DCTERMS.title,
            *_texts(lambda: f"{title()} ({file_type.label})"),
        )
        self.add(distribution, DCTERMS.issued, _date(issued))
        self.add(distribution, DCTERMS.modified, _date(modified))
        return distribution

    def version_dataset(self, programme, version) -> None:
        slug, number = programme.slug, version.number
        changes = [
            version.submitted_at,
            version.validated_at,
            version.published_at,
            version.archived_at,
        ]
        issued = version.submitted_at or version.created_at
        self.dataset(
            f"azioni-{slug}-{number}",
            title=lambda: (
                _("Le azioni di «%(programme)s», versione %(number)s")
                % {"programme": programme.title, "number": number}
            ),
            description=lambda: (
                _(
                    "Le azioni della versione %(number)s del piano di «%(programme)s» "
                    "(%(status)s), una per riga: codice, titolo, politica e ambito, strumenti, "
                    "destinatari, zone, tavoli, ente capofila e partner, date, bilancio, "
                    "indicatori e descrizione. Una versione inviata alle zone non cambia più; "
                    "cambia solo il suo stato."
                )
                % {
                    "number": number,
                    "programme": programme.title,
                    "status": VersionStatus(version.status).label.lower(),
                }
            ),
            keywords=(
                lambda: _("politiche sociali"),
                lambda: _("programmazione partecipata"),
                lambda: _("azioni"),
            ),
            themes=("SOCI", "GOVE"),
            frequency="NEVER",
            issued=issued,
            modified=max((d for d in changes if d), default=issued),
            landing_page=self.url("patto:version", slug, number),
            distributions=(
                (CSV, self.url("matrice:actions_csv", slug, number)),
                (EXCEL_CSV, self.url("matrice:actions_excel", slug, number)),
                (JSON, self.url("matrice:actions_json", slug, number)),
                (ODS, self.url("matrice:plan_ods", slug, number)),
                (XLSX, self.url("matrice:plan_xlsx", slug, number)),
            ),
        )

    def contributions_dataset(self, programme) -> None:
        first, last = self.data.contribution_dates.get(programme.pk, (None, None))
        self.dataset(
            f"contributi-{programme.slug}",
            title=lambda: (
                _("I contributi di «%(programme)s» con le risposte")
                % {"programme": programme.title}
            ),
            description=lambda: (
                _(
                    "I contributi pubblici di «%(programme)s», presentati sul portale, ai tavoli e "
                    "agli incontri, uno per riga, con l'esito, la risposta della redazione e le "
                    "azioni del piano che ne sono nate. Il nome di chi li ha presentati c'è solo "
                    "se quella persona ha scelto di firmarli pubblicamente."
                )
                % {"programme": programme.title}
            ),
            keywords=(
                lambda: _("politiche sociali"),
                lambda: _("partecipazione"),
                lambda: _("contributi"),
            ),
            themes=("SOCI",),
            frequency="UPDATE_CONT",
            issued=first or programme.created_at,
            modified=last,
            landing_page=self.url("tavoli:contributions", programme.slug),
            distributions=(
                (CSV, self.url("tavoli:opendata_csv", programme.slug)),
                (EXCEL_CSV, self.url("tavoli:opendata_excel", programme.slug)),
                (JSON, self.url("tavoli:opendata_json", programme.slug)),
            ),
        )

    def monitoring_datasets(self, programme, version) -> None:
        """The three files of the monitoring of ``version``, the programme's plan in force."""
        issued = version.published_at or version.created_at
        modified = self.data.monitoring_dates.get(programme.pk)
        if modified is not None and modified < issued:
            modified = None  # recorded under an earlier plan in force
        descriptions = {
            "azioni": lambda: _(
                "Le azioni del piano in vigore di «%(programme)s», una per riga, con lo stato di "
                "attuazione, l'avanzamento in percentuale e le risorse previste, impegnate e spese."
            ),
            "aggiornamenti": lambda: _(
                "Gli aggiornamenti pubblicati sull'attuazione delle azioni del piano in vigore di "
                "«%(programme)s», uno per riga: data, titolo, testo, zona e allegati."
            ),
            "indicatori": lambda: _(
                "I valori degli indicatori delle azioni del piano in vigore di «%(programme)s», "
                "uno per riga, con il valore di partenza e l'obiettivo."
            ),
        }
        for file, (dataset, _records) in monitoring_opendata.FILES.items():
            self.dataset(
                f"attuazione-{file}-{programme.slug}",
                title=lambda dataset=dataset: f"{dataset.title} – «{programme.title}»",
                description=lambda file=file: descriptions[file]() % {"programme": programme.title},
                keywords=(
                    lambda: _("politiche sociali"),
                    lambda: _("monitoraggio"),
                    lambda: _("attuazione"),
                ),
                themes=("SOCI", "GOVE"),
                frequency="UPDATE_CONT",
                issued=issued,
                modified=modified,
                landing_page=self.url("patto:programme", programme.slug),
                distributions=tuple(
                    (
                        file_type,
                        self.url(f"monitoring:opendata_{file}_{file_type.key}", programme.slug),
                    )
                    for file_type in (CSV, EXCEL_CSV, JSON)
                ),
            )

    def meetings_dataset(self) -> None:
        first, last = self.data.meeting_dates
        if first is None:
            return
        self.dataset(
            "incontri",
            title=lambda: _("Gli incontri di tutti i programmi"),
            description=lambda: _(
                "Gli incontri pubblici dei programmi, passati e in programma, uno per riga: "
                "programma, titolo, data e ora, luogo, zona, tavoli, stato e partecipanti."
            ),
            keywords=(
                lambda: _("politiche sociali"),
                lambda: _("partecipazione"),
                lambda: _("incontri"),
            ),
            themes=("SOCI",),
            frequency="UPDATE_CONT",
            issued=first,
            modified=last,
            landing_page=self.url("incontri:list"),
            distributions=(
                (CSV, self.url("incontri:opendata_csv")),
                (EXCEL_CSV, self.url("incontri:opendata_excel")),
                (JSON, self.url("incontri:opendata_json")),
            ),
        )

    # the catalogue ------------------------------------------------------------------------

    def build(self) -> Graph:
        self.shared_nodes()
        self.catalogue = self.typed(self.node("catalogo"), DCAT.Catalog, DCATAPIT.Catalog)
        self.modified = []
        for programme in self.data.programmes:
            for version in sorted(programme.public_versions, key=lambda v: v.number):
                self.version_dataset(programme, version)
            self.contributions_dataset(programme)
            in_force = [v for v in programme.public_versions if v.status == VersionStatus.PUBLISHED]
            if in_force:
                self.monitoring_datasets(programme, in_force[0])
        self.meetings_dataset()

        catalogue = self.catalogue
        self.add(catalogue, DCTERMS.title, *_texts(lambda: _("Dati aperti di Patto")))
        self.add(
            catalogue,
            DCTERMS.description,
            *_texts(
                lambda: _(
                    "I dati aperti del portale Patto, la programmazione partecipata delle "
                    "politiche sociali: le azioni di ogni versione pubblica dei piani, i "
                    "contributi con le risposte e gli incontri, in CSV e JSON, con licenza "
                    "CC BY 4.0."
                )
            ),
        )
        self.add(catalogue, DCTERMS.publisher, self.agent)
        self.add(catalogue, DCTERMS.language, ITALIAN)
        homepage = self.typed(self.url("patto:open_data"), FOAF.Document)
        self.add(catalogue, FOAF.homepage, homepage)
        self.add(catalogue, DCAT.themeTaxonomy, THEMES)
        self.add(catalogue, DCTERMS.license, LICENCE)
        dates = [d for d in self.modified if d]
        self.add(catalogue, DCTERMS.modified, _date(max(map(_moment, dates), default=None)))
        return self.graph


def _moment(value) -> datetime.datetime:
    """A date or datetime as a datetime, to compare both."""
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))


def published() -> bool:
    """The catalogue is published when the publisher's IPA code is set (DCAT-AP_IT requires
    it; development has a placeholder, production has none unless ``IPA_CODE`` is given)."""
    return bool(settings.IPA_CODE)


def catalogue_graph(data: CatalogueData | None = None) -> Graph:
    """The catalogue as an RDF graph (four queries unless ``data`` is given)."""
    return CatalogueBuilder(data or catalogue_data()).build()


SERIALISATIONS = {
    # extension: (rdflib format, media type)
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "rdf": ("xml", "application/rdf+xml; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json; charset=utf-8"),
}


def serialise(graph: Graph, extension: str) -> str:
    rdf_format = SERIALISATIONS[extension][0]
    if rdf_format == "json-ld":
        return graph.serialize(format="json-ld", auto_compact=True, indent=2)
    return graph.serialize(format=rdf_format)
