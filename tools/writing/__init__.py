"""Writing: facts from the record, strategy plans and the drafters (offline and chat model)."""
