"""The attack corpus for upload endpoints: ``attacks()`` builds every crafted file.

Built at run time (``tests/security/test_upload_corpus.py``), or written to a folder with
``python -m tests.security.corpus <folder>`` to try them by hand. See README.md here.
"""
