"""Form fields and rendering as NHS.UK frontend components."""
