"""Several replicas of the atlas behind HAProxy on one machine: the deployment of `deploy/` as a trial.

    python deploy/trial.py --replicas 2 --port 8080      # open http://localhost:8080; Ctrl-C stops everything
    python deploy/trial.py --print-config --server 10.0.0.11:8501 --server 10.0.0.12:8501 --port 80

Each replica is ``streamlit run app.py`` on a free loopback port; all share one ``server.cookieSecret`` (a fresh
random one per trial, given in the environment, so it never shows in a process list). HAProxy's configuration is
``haproxy.cfg.template`` filled in with the replicas as servers and the app's upload limit
(``server.maxUploadSize`` in ``.streamlit/config.toml``). The command waits until HAProxy sees every replica
healthy, prints the address and, while it runs, reads commands: ``status``, ``add``, ``kill r1`` (a crash:
SIGKILL), ``restart r1``, ``stop``. `Trial` does the same from Python (the tests and ``bench/replicas.py``).
``--print-config`` writes the configuration for replicas on other machines instead and starts nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().with_name("haproxy.cfg.template")
COOKIE = "ATLAS_REPLICA"
STREAMLIT_DEFAULT_UPLOAD_MB = 200


def haproxy_executable() -> str | None:
    """Return the path of the haproxy binary (Debian puts it in /usr/sbin), or None."""
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")
                                            if Path(p).exists()), None)


def max_upload_bytes(config: Path = REPO / ".streamlit" / "config.toml") -> int:
    """The app's upload limit in bytes: ``server.maxUploadSize`` (MB of 1,048,576 bytes, as Streamlit counts)."""
    settings = tomllib.loads(config.read_text(encoding="utf-8")) if config.exists() else {}
    return int(settings.get("server", {}).get("maxUploadSize", STREAMLIT_DEFAULT_UPLOAD_MB)) * 1024 * 1024


def render_config(servers: list[tuple[str, str]], *, port: int, bind: str = "*", stats_socket: str,
                  check_inter: str = "2s", check_fast: str = "1s") -> str:
    """HAProxy's configuration: the template with `servers` as (name, ``host:port``) pairs, listening on
    `bind`:`port`; health checks every `check_inter`, every `check_fast` while a server changes state."""
    lines = "\n".join(f"    server {name} {address} cookie {name}" for name, address in servers)
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        servers=lines, port=port, bind=bind, stats_socket=stats_socket, max_body_bytes=max_upload_bytes(),
        check_inter=check_inter, check_fast=check_fast)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    """True if ``url/_stcore/health`` answers 200."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


@dataclass
class Replica:
    name: str
    port: int
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc and self.proc.poll() is None else None


class Trial:
    """Replicas of ``streamlit run app.py`` and HAProxy in front of them, on this machine.

    Use as a context manager (everything stops on exit). `url` is HAProxy's address. Health checks run every
    second (half a second while a replica changes state), so a dead replica is out within about two seconds.
    """

    def __init__(self, replicas: int = 2, *, port: int | None = None, bind: str = "127.0.0.1",
                 env: dict[str, str] | None = None, workdir: Path | None = None, quiet: bool = True) -> None:
        exe = haproxy_executable()
        if exe is None:
            raise FileNotFoundError("haproxy is not installed (apt-get install haproxy)")
        self.haproxy_exe = exe
        self.port = port or free_port()
        self.bind = bind
        self.env = {**os.environ, **(env or {}), "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32)}
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="atlas-trial-")
        self.workdir = Path(workdir or self._tmp.name)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.replicas: dict[str, Replica] = {}
        self.haproxy: subprocess.Popen | None = None
        self.quiet = quiet
        self._count = replicas

    # -------------------------------------------------------------------------------------------- addresses

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("127.0.0.1", "0.0.0.0", "*", "") else self.bind
        return f"http://{host}:{self.port}"

    @property
    def stats_socket(self) -> Path:
        return self.workdir / "haproxy.sock"

    @property
    def config_path(self) -> Path:
        return self.workdir / "haproxy.cfg"

    def log_path(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    # -------------------------------------------------------------------------------------------- life cycle

    def __enter__(self) -> Trial:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 120.0) -> None:
        """Start the replicas and HAProxy; return when HAProxy sees every replica healthy."""
        self._write_static_assets()
        try:
            for _ in range(self._count):
                self._spawn(self._new_replica())
            for replica in self.replicas.values():
                self._wait_direct(replica, timeout)
            self._write_config()
            log = self.log_path("haproxy").open("a", encoding="utf-8")
            # -W: master-worker (SIGUSR2 reloads the configuration without dropping connections); -db: foreground
            self.haproxy = subprocess.Popen([self.haproxy_exe, "-W", "-db", "-f", str(self.config_path)],
                                            stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
            log.close()
            for name in self.replicas:
                self.wait_state(name, "UP", timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop HAProxy and every replica (only the processes this trial started)."""
        procs = [self.haproxy, *(r.proc for r in self.replicas.values())]
        for proc in procs:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in procs:
            if proc is not None:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.haproxy = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def add(self, timeout: float = 120.0) -> Replica:
        """Start one more replica, add it to HAProxy (a reload: open connections stay) and wait until it is UP."""
        replica = self._new_replica()
        self._spawn(replica)
        self._wait_direct(replica, timeout)
        self._write_config()
        if self.haproxy is not None:
            self.haproxy.send_signal(signal.SIGUSR2)
        self.wait_state(replica.name, "UP", timeout)
        return replica

    def kill(self, name: str) -> None:
        """Kill a replica as a crash would (SIGKILL): its sessions are lost with it."""
        proc = self.replicas[name].proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def restart(self, name: str, timeout: float = 120.0) -> None:
        """Start a killed (or stopped) replica again on its port and wait until it answers its health check.
        HAProxy's checks bring it back (`wait_state(name, "UP")`)."""
        self.kill(name)
        replica = self.replicas[name]
        self._spawn(replica)
        self._wait_direct(replica, timeout)

    # -------------------------------------------------------------------------------------------- HAProxy's view

    def states(self) -> dict[str, str]:
        """Each replica's state as HAProxy sees it: ``UP``, ``DOWN``, ``UP 1/2`` (going down), ``NOLB``..."""
        rows = csv.DictReader(io.StringIO(self.command("show stat").lstrip("# ")))
        return {row["svname"]: row["status"] for row in rows
                if row["pxname"] == "replicas" and row["svname"] not in ("FRONTEND", "BACKEND")}

    def command(self, line: str) -> str:
        """Send one command to HAProxy's runtime API (its stats socket) and return the answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(str(self.stats_socket))
            s.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def wait_state(self, name: str, state: str, timeout: float = 30.0) -> float:
        """Wait until HAProxy reports replica `name` in `state` (``UP`` or ``DOWN``); return the seconds waited."""
        start = time.monotonic()
        seen = None
        while time.monotonic() - start < timeout:
            if self.haproxy is not None and self.haproxy.poll() is not None:
                raise RuntimeError(f"haproxy exited with {self.haproxy.returncode}:\n{self._tail('haproxy')}")
            try:
                seen = self.states().get(name)
            except OSError:
                seen = None  # the socket appears once HAProxy has started
            if seen == state:
                return time.monotonic() - start
            time.sleep(0.1)
        raise TimeoutError(f"replica {name} is {seen!r} for HAProxy, not {state!r}, after {timeout:.0f} s")

    # -------------------------------------------------------------------------------------------- internals

    def _new_replica(self) -> Replica:
        name = f"r{len(self.replicas) + 1}"
        self.replicas[name] = Replica(name, free_port())
        return self.replicas[name]

    def _spawn(self, replica: Replica) -> None:
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(replica.port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false"]
        with self.log_path(replica.name).open("a", encoding="utf-8") as log:
            replica.proc = subprocess.Popen(cmd, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def _wait_direct(self, replica: Replica, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not healthy(replica.url):
            if replica.proc is None or replica.proc.poll() is not None:
                raise RuntimeError(f"replica {replica.name} exited:\n{self._tail(replica.name)}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"replica {replica.name} did not answer on {replica.url} within {timeout:.0f} s")
            time.sleep(0.2)

    def _write_config(self) -> None:
        servers = [(r.name, f"127.0.0.1:{r.port}") for r in self.replicas.values()]
        self.config_path.write_text(render_config(servers, port=self.port, bind=self.bind or "*",
                                                  stats_socket=str(self.stats_socket), check_inter="1s",
                                                  check_fast="500ms"), encoding="utf-8")

    @staticmethod
    def _write_static_assets() -> None:
        # Every replica writes the map's Leaflet files into ./static on its first run; write them once here so
        # replicas of one checkout never race on them.
        sys.path.insert(0, str(REPO))
        from geo.assets import ensure_static_assets

        ensure_static_assets(REPO / "static")

    def _tail(self, name: str, lines: int = 30) -> str:
        path = self.log_path(name)
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _interact(trial: Trial) -> None:
    """Read commands from the terminal until ``stop`` or Ctrl-C (or just wait, without a terminal)."""
    if not sys.stdin.isatty():
        while trial.haproxy is not None and trial.haproxy.poll() is None:
            time.sleep(1)
        return
    print("commands: status, add, kill NAME, restart NAME, stop", flush=True)
    for line in sys.stdin:
        words = line.split()
        try:
            if not words:
                continue
            if words[0] == "stop":
                return
            if words[0] == "add":
                print(f"added {trial.add().name}")
            elif words[0] in ("kill", "restart") and len(words) == 2 and words[1] in trial.replicas:
                getattr(trial, words[0])(words[1])
                waited = trial.wait_state(words[1], "DOWN" if words[0] == "kill" else "UP")
                print(f"{words[0]} {words[1]}: HAProxy saw it {'go' if words[0] == 'kill' else 'come back'} "
                      f"after {waited:.1f} s")
            elif words[0] != "status":
                print("commands: status, add, kill NAME, restart NAME, stop")
                continue
            for name, state in trial.states().items():
                replica = trial.replicas[name]
                print(f"  {name}  port {replica.port}  pid {replica.pid or '-'}  {state}")
        except (OSError, RuntimeError, TimeoutError) as exc:
            print(f"{words[0]} failed: {exc}")


def _stop_on_term(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="replicas to start (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="HAProxy's port (default 8080)")
    parser.add_argument("--bind", default="127.0.0.1",
                        help="HAProxy's interface (default 127.0.0.1; 0.0.0.0 for other machines to reach it)")
    parser.add_argument("--print-config", action="store_true",
                        help="print the configuration for the --server addresses and exit")
    parser.add_argument("--server", action="append", default=[], metavar="HOST:PORT",
                        help="with --print-config: a replica's address (repeat for each)")
    parser.add_argument("--stats-socket", default="/run/haproxy/atlas.sock", help="with --print-config")
    args = parser.parse_args(argv)
    if args.print_config:
        if not args.server:
            parser.error("--print-config needs at least one --server HOST:PORT")
        servers = [(f"r{i}", address) for i, address in enumerate(args.server, 1)]
        print(render_config(servers, port=args.port, bind="*" if args.bind == "127.0.0.1" else args.bind,
                            stats_socket=args.stats_socket), end="")
        return 0
    if haproxy_executable() is None:
        print("haproxy is not installed (apt-get install haproxy)", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop_on_term)
    print(f"starting {args.replicas} replica{'s' if args.replicas != 1 else ''} and HAProxy ...", flush=True)
    try:
        with Trial(args.replicas, port=args.port, bind=args.bind) as trial:
            for name, state in trial.states().items():
                print(f"  {name}  {trial.replicas[name].url}  {state}")
            host = "localhost" if args.bind in ("127.0.0.1", "0.0.0.0") else args.bind
            print(f"the atlas is at http://{host}:{args.port}  (logs and HAProxy's configuration: {trial.workdir}; "
                  "Ctrl-C stops all)", flush=True)
            _interact(trial)
    except KeyboardInterrupt:
        pass
    print("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
