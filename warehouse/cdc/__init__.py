"""Change data capture from PostgreSQL into the raw lake (issue 5).

Plain-Python core (decoder, batching writer, streaming and polling readers, snapshot) driven by
Django services that keep the per-source state: checkpoint, schema versions, health.
"""
