"""Waypoint's counseling logic, storage and texts: plain Python, no Rasa imports."""
