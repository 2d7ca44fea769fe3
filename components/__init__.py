"""Streamlit and Altair pieces the pages are built from: filters, KPI cards, charts, tables, forms, notices.

Components fetch nothing and import only `reporting` of ours: they take frames and values and draw them;
what they need from outside (a writer, the clock) is handed in.
"""
