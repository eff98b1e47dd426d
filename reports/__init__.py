"""Reports: the data as files (tables as xlsx/csv; later the evaluation pack)."""
