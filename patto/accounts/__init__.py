"""People's accounts: sign-up forms, the profile, e-mail preferences, following a programme,
deleting the account."""
