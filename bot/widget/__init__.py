"""The web chat widget on the project's web server: the chat page at / and /chat, and the
widget's browser files under /widget/ (see bot/widget/page.py and docs/webchat.md). The
socket.io side, where identities are decided, is waypoint_rasa/webchat.py in the Rasa server."""

from bot.widget.page import widget_blueprint

__all__ = ["widget_blueprint"]
