"""The demo content that `manage.py load_demo` builds through the services."""
