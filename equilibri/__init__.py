"""Equilibri: the territorial platform for work-life balance of Lombardy's ATS."""
