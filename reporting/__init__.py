"""The pure core of the CCHC tracker: snapshot types, the schema, the plan catalog, periods, parsing,
metrics, access, the unit actions' rules, configuration, exports and the one error hierarchy.

It imports nothing of ours outside itself, and no streamlit, gspread, requests or altair: frames and values
in, frames and values out (`tests/test_architecture.py`). `__main__.py` is only the entry point of the
command line, which lives on top, in `cli/`.
"""
