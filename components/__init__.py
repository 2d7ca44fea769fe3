"""Streamlit and Altair pieces the pages are built from: filters, KPI cards, charts, tables, notices.

Components fetch nothing: they take frames and values (from `reporting`) and draw them.
"""
