"""The site-wide search (``/cerca/``): actions, policies and action areas of the public
versions, contributions and their answers, meetings, tables and bodies, zones and comuni.

``terms`` reads a query into words (matrice.search's normalisation, Italian stems and stop
words), marks them in a text and finds a comune's name despite a typo; ``documents`` says which
fields of each kind are searched, and with which weight, once for PostgreSQL's full-text
index and its queries; ``queries`` finds, ranks and reads the results of each kind, with
PostgreSQL's full-text search or, on SQLite, the same Python matching as the action list."""
