"""Waypoint's own counseling: what a counselor would suggest to this person
(`suggestions`) and what a counselor would write into their plan (`analysis`).

Built only from what Waypoint knows – the career database, the person's earlier answers,
their skills gap and today's date – and never stored unless the person chooses it.
"""
