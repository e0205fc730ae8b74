"""Real OpenSearch nodes for the tests, through scripts/opensearch (one JVM per node).

A test that needs a cluster skips, saying why, only where Java or Maven is missing; every
other failure to start one is a failure. CI has both, so CI runs these tests.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / "scripts" / "opensearch"


def missing_tools() -> str | None:
    """Why no cluster can be started here (None: it can)."""
    lacking = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if lacking:
        return f"needs {' and '.join(lacking)} to start OpenSearch nodes (scripts/opensearch)"
    return None


def _free_port_pair() -> int:
    """A port P with P (HTTP) and P + 100 (transport) free, for each node of a cluster."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 105 > 65535:
            continue
        try:
            for p in (port, port + 1, port + 2, port + 100, port + 101, port + 102):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
        except OSError:
            continue
        return port
    raise RuntimeError("no free ports for an OpenSearch cluster")


class Cluster:
    """A cluster of `nodes` nodes on loopback; its state in `folder`."""

    def __init__(self, folder: Path, nodes: int = 1) -> None:
        self.folder = folder
        self.nodes = nodes
        self.port = _free_port_pair()
        self.url = ""

    def _run(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [str(LAUNCHER), *args, "--dir", str(self.folder)],
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"scripts/opensearch {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout.strip()

    def start(self) -> Cluster:
        self.url = self._run("start", "--nodes", str(self.nodes), "--http-port", str(self.port))
        return self

    @property
    def urls(self) -> str:
        """Every node's URL, comma-separated: a client that loses one uses another."""
        return ",".join(f"http://127.0.0.1:{self.port + i}" for i in range(self.nodes))

    def stop(self, node: int | None = None, kill: bool = False) -> None:
        args = ["stop"] + (["--node", str(node)] if node is not None else [])
        self._run(*args, *(["--kill"] if kill else []))

    def start_nodes(self, *nodes: int) -> None:
        """Start stopped nodes again (same data); back once the cluster has every node."""
        self._run("start-node", *map(str, nodes))

    def manager(self) -> int:
        """The node elected cluster manager (stopping another one keeps the cluster up)."""
        for node in range(self.nodes):
            try:
                url = f"http://127.0.0.1:{self.port + node}/_cat/cluster_manager?h=node"
                with urllib.request.urlopen(url, timeout=10) as r:
                    return int(r.read().decode().strip().removeprefix("node"))
            except OSError:
                continue
        raise RuntimeError("no node answers")

    def wait_green(self) -> None:
        url = f"http://127.0.0.1:{self.port}/_cluster/health?wait_for_status=green&timeout=120s"
        with urllib.request.urlopen(url, timeout=130) as r:
            assert json.load(r)["status"] == "green"

    def health(self, node: int = 0) -> dict:
        url = f"http://127.0.0.1:{self.port + node}/_cluster/health"
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)


def start_cluster(folder: Path, nodes: int = 1) -> Cluster:
    why = missing_tools()
    if why and os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the OpenSearch tests, but this machine {why}")
    if why:
        pytest.skip(why)
    return Cluster(folder, nodes).start()


def index_name() -> str:
    """An alias of its own for each archive a test points at the shared cluster."""
    return f"t-{uuid.uuid4().hex[:12]}"
