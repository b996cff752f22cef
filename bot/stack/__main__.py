"""python -m bot.stack run: the three servers of one machine, kept running until Ctrl-C.
python -m bot.stack replicas: two of each behind HAProxy, with PostgreSQL and Redis.
scripts/run-stack.sh prepares the secrets and the data key, then starts these.

python -m bot.stack serve [--bind ADDRESS] [--endpoints FILE] {actions,rasa,web}: one server
in the foreground, in place of this process – the container image's entrypoint (Dockerfile),
where the cluster, not a supervisor, restarts a server that stops. Its command and
environment are the ones `run` gives it (bot/stack/servers.py), secrets it must not hold
left out."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Mapping, NoReturn, Sequence

from bot.config import PROJECT_ROOT, Settings, process_environment
from bot.stack import replicas
from bot.stack.servers import Ports, banner, one_of_each
from bot.stack.supervisor import Server, Supervisor, supervise

SERVER_NAMES = ("actions", "rasa", "web")


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.stack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="one server of each kind, restarted when one crashes, until Ctrl-C")
    commands.add_parser("replicas", help="two of each behind HAProxy on localhost:8080, with PostgreSQL and Redis "
                                         "(bot/stack/replicas.py), until Ctrl-C")
    serve = commands.add_parser("serve", help="one server in the foreground (a container's command)")
    serve.add_argument("server", choices=SERVER_NAMES)
    serve.add_argument("--bind", default=None, metavar="ADDRESS",
                       help="the address to listen on, e.g. 0.0.0.0 in a container (default: loopback, "
                            "or WAYPOINT_ACTIONS_HOST / WAYPOINT_WEB_HOST)")
    serve.add_argument("--endpoints", default="endpoints.yml", metavar="FILE",
                       help="Rasa's endpoints (endpoints.replicas.yml: PostgreSQL and Redis)")
    return parser


def chosen(args: argparse.Namespace, environment: Mapping[str, str], settings: Settings,
           root: Path = PROJECT_ROOT) -> Server:
    """The server `serve` starts: the one of one_of_each() that `args` names."""
    servers = one_of_each(environment, Ports(web=settings.web_port), root, endpoints=args.endpoints, bind=args.bind)
    return next(server for server in servers if server.name == args.server)


def serve(server: Server) -> NoReturn:
    """Becomes `server` (exec): signals reach it directly, and its exit is the container's."""
    # as scripts/run-stack.sh has it: what the servers write is readable by their user only
    os.umask(0o077)
    if server.cwd:
        os.chdir(server.cwd)
    os.execve(server.argv[0], list(server.argv), dict(server.env))


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "serve":
        serve(chosen(args, process_environment(), settings))
    if args.command == "replicas":
        topology = replicas.Topology()
        config = replicas.prepare(topology)
        supervisor = Supervisor(replicas.servers(process_environment(), topology, config=config),
                                say=lambda line: print(line, flush=True))
        return asyncio.run(supervise(supervisor, replicas.banner(topology)))
    ports = Ports(web=settings.web_port)
    supervisor = Supervisor(one_of_each(process_environment(), ports), say=lambda line: print(line, flush=True))
    return asyncio.run(supervise(supervisor, banner(ports)))


if __name__ == "__main__":
    sys.exit(main())
