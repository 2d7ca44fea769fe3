"""Pure logic of the CCHC tracker: the plan catalog, periods, parsing, metrics, exports and the CLI.

Nothing here imports streamlit or gspread: frames and values in, frames and values out.
"""
