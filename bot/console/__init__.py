"""The counselor console: the web pages counselors and admins work in (served by bot/web.py),
its login and sessions, its link to the running conversation (Rasa's HTTP API), and the
admins' command line (`python -m bot.console.admin`)."""
