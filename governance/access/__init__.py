"""Governance over warehouse access (issue 16): drift between catalog levels and what is applied,
access nobody uses, and the quarterly access reviews a data owner signs off.

The read path and its policies live in `warehouse.reads`; this package only reads them, and
retires a policy through warehouse's own service when a review revokes it.
"""
