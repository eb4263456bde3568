"""Risk of exclusion, explained: indicators configured as data (`config`), the DfE national rates beside them
(`national`), and the words for each piece of evidence and the cliff-edge rule (`explain`). Pure Python: the
records are found set-based in SQL by `casedesk.store.risk_repo`."""
