"""Code the Rasa server itself loads (not the action server): channels, NLU and policy
components, the tracker store, and the guard in front of the server (http_guard.py)."""
