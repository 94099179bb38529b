"""District tally: import, verify and report station results across many villages."""
