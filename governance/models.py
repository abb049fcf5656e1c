"""Models: added by the feature issues."""
