"""The validation of a version by the zones: who may decide for a zone, the decision, and the
spokesperson area."""
