"""The pages an Italian public administration's site must have and AgID's checker looks for in
the footer: the privacy notice (GDPR art. 13), the legal notes with the content licence (CAD
art. 52), the cookie notice and the contacts. Who runs the portal comes from the settings."""
