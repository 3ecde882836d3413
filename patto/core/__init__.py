"""The shared base every app builds on: roles and permissions, optimistic locking, the
guards of a version's state changes, Markdown, the one item-history engine, the staff page and
form base, the view mixins that read a programme and a version from the URL, admin helpers."""
