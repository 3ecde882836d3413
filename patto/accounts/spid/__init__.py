"""Login with SPID and with the CIE's SAML service (issue 18), on pysaml2: the service
provider's keys (``keys``), its metadata (``metadata``), the authentication request and the
reading of the answer (``saml``), the identity providers' registry (``idps``), the accounts
(``services``) and the pages (``views``). Off unless ``SPID_ENABLED``."""
