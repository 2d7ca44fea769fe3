"""Adapters: where the spreadsheet's rows come from and where new ones go (Google Sheets or an .xlsx file).

Sources read a `reporting.snapshot.Snapshot`; writers implement `reporting.actions.RowWriter`; the gspread
client and its retries, the snapshot cache and provisioning live here too. Imports only `reporting` of ours;
`__main__.py` is the entry point of `python -m sheets`, whose command line lives in `cli/`.
"""
