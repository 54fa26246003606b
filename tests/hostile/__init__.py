"""Hostile inputs: a corpus of bad and awkward workbooks, generated (never committed as binaries)."""
