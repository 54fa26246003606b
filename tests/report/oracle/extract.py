"""The oracle reads reports with the product's fact extractor (:mod:`xlperf.review.extract`)."""

from xlperf.review.extract import (  # noqa: F401  (re-exported for the oracle's modules)
    Block,
    Document,
    Fact,
    facts_of,
    load,
    load_docx,
    load_html,
    load_md,
    load_pdf,
    matrix_facts,
    pdf_blocks,
    percent_of,
    sentences,
    table_facts,
    to_float,
)
