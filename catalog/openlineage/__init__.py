"""OpenLineage: validating events against the spec shipped in `spec/`."""
