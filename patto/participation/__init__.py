"""Participation in numbers: the public statistics of a programme and of the whole portal
(contributions by channel, category, table, meeting, zone and outcome, over time; meetings,
registrations and presences; the zones' decisions; how long answers took), counted by the
database and drawn with ``patto.core.charts``."""
