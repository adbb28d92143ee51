"""Governed warehouse reads: the one path by which the portal, the API, reports and exports read
warehouse data (docs/warehouse-access.md).

`governed_read(user=…, purpose=…, query=ReadQuery(…))` checks the user's access policy for the
table, masks columns above the user's clearance inside the query, filters rows to the user's
organisation where the policy says so, runs the query on the configured engine and appends one
`AccessLog` row (allowed or denied). Nothing else reads warehouse data; the pipeline writes it.
"""
