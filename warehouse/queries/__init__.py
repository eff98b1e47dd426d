"""Pure query functions: ``fn(con, f: Filters, ...) -> pandas.DataFrame``.

One module per subject; each function is named after what it computes, takes a DuckDB
connection (a cursor from the app's cache seam, or a test's fixture connection) and the
filters, binds every value as a parameter, and imports nothing from Streamlit.
"""
