"""Running Waypoint's servers: what they are (servers.py) and the supervisor that keeps
them up (supervisor.py). `python -m bot.stack run` is what `make run` starts."""
