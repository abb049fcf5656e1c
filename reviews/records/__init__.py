"""GP record requests through expiring secure upload links (DOMAIN.md §4).

A separate app inside the reviews package (label ``records``): requests, their links,
the files received, the emails owed, and the beat sweep. docs/adr/0008 explains it.
"""
