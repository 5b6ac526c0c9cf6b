"""Streamlit view helpers shared by the pages: filters, cached data, panel layout.

Everything here lays out what `kaa` computes; nothing here computes figures.
"""
