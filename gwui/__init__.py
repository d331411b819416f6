"""Streamlit glue: cached loaders, widget keys, labels, render helpers. gwlib stays UI-free."""
