"""Data access: where the spreadsheet's rows come from (Google Sheets or an .xlsx file).

Nothing here imports streamlit; `reporting` turns a `Snapshot` into frames.
"""
