"""Code the Rasa server itself loads (not the action server): the tracker store."""
