"""Pure extraction and normalisation: text and metadata in, typed rows out. No Prefect, no I/O."""
