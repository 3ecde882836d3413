"""The redazione's pages on a programme's draft, under /redazione/programmi/<slug>/bozza/. Included
by ``patto.programme.staff_urls`` (namespace ``redazione``); names start with ``matrice_``."""

from django.urls import path

from matrice import staff_views
from matrice.staff_views import KINDS

DRAFT = "programmi/<slug:slug>/bozza/"

# URL word of each kind of item, and of its "new" page (Italian gender)
WORDS = {
    "policy": ("politiche", "nuova"),
    "area": ("ambiti", "nuovo"),
    "action": ("azioni", "nuova"),
    "tool": ("strumenti", "nuovo"),
    "target": ("destinatari", "nuovi"),
}


def _item_patterns(name, word, new):
    kind = KINDS[name]
    prefix = f"{DRAFT}{word}/"
    return [
        path(
            f"{prefix}{new}/",
            staff_views.ItemCreateView.as_view(kind=kind),
            name=f"matrice_{name}_create",
        ),
        path(f"{prefix}<int:pk>/", staff_views.ItemView.as_view(kind=kind), name=f"matrice_{name}"),
        path(
            f"{prefix}<int:pk>/elimina/",
            staff_views.ItemDeleteView.as_view(kind=kind),
            name=f"matrice_{name}_delete",
        ),
        path(
            f"{prefix}<int:pk>/sposta/",
            staff_views.ItemMoveView.as_view(kind=kind),
            name=f"matrice_{name}_move",
        ),
    ]


urlpatterns = [
    path(DRAFT, staff_views.DraftView.as_view(), name="matrice_draft"),
    path(f"{DRAFT}matrice/", staff_views.DraftMatrixView.as_view(), name="matrice_draft_matrix"),
    path(f"{DRAFT}cataloghi/", staff_views.CataloguesView.as_view(), name="matrice_catalogues"),
    path(f"{DRAFT}rinumera/", staff_views.RenumberView.as_view(), name="matrice_renumber"),
    path(f"{DRAFT}importa/", staff_views.ImportView.as_view(), name="matrice_import"),
    path(
        f"{DRAFT}importa/<int:pk>/",
        staff_views.ImportPreviewView.as_view(),
        name="matrice_import_preview",
    ),
    # any version, drafts included, as a spreadsheet
    path(
        "programmi/<slug:slug>/versioni/<int:number>/foglio.ods",
        staff_views.VersionSpreadsheetView.as_view(extension="ods"),
        name="matrice_version_ods",
    ),
    path(
        "programmi/<slug:slug>/versioni/<int:number>/foglio.xlsx",
        staff_views.VersionSpreadsheetView.as_view(extension="xlsx"),
        name="matrice_version_xlsx",
    ),
]
for _name, (_word, _new) in WORDS.items():
    urlpatterns += _item_patterns(_name, _word, _new)
