"""Writes for the compliance program. Admin, commands and tasks all call these."""
