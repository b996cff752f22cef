"""python -m bot.stack run: the three servers of one machine, kept running until Ctrl-C.
scripts/run-stack.sh prepares the secrets and the data key, then starts this."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Settings, process_environment
from bot.stack.servers import Ports, banner, one_of_each
from bot.stack.supervisor import Supervisor, supervise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.stack", description=__doc__)
    parser.add_argument("command", choices=["run"], help="run: one server of each kind")
    parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    ports = Ports(web=settings.web_port)
    supervisor = Supervisor(one_of_each(process_environment(), ports), say=lambda line: print(line, flush=True))
    return asyncio.run(supervise(supervisor, banner(ports)))


if __name__ == "__main__":
    sys.exit(main())
