"""`newsfacts serve` and the `prefect.yaml` deployment against a real `prefect server start`.

The server runs on 127.0.0.1 with its own home and SQLite database under a temporary folder and
is always stopped. Everything the test starts is a real subprocess: the server, the `prefect`
CLI, `newsfacts serve` and the flow run it executes.
"""

from __future__ import annotations

import http.server
import os
import pty
import resource
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import httpx
import pytest

from tests.conftest import ROOT

BIN = Path(sys.executable).parent
CRON = "0 2 * * *"
SERVED = "newsfacts-nightly/newsfacts-serve"
DEPLOYED = "newsfacts-nightly/newsfacts-nightly"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prefect_env(home: Path, api_url: str | None) -> dict[str, str]:
    """A clean Prefect environment: own home, no profile's API, no analytics."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_RUNNER_POLL_FREQUENCY="1")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wait_for(what: str, check, timeout_s: float, every_s: float = 0.5):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if (result := check()) is not None:
            return result
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def stop(proc: subprocess.Popen, sig=signal.SIGTERM, timeout_s: float = 15) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="module", autouse=True)
def booting_server(tmp_path_factory):
    """A real Prefect server on a free loopback port, started with the module so that it boots
    (10-20 s) while the quick tests run; always stopped. Yields the process and clients' env."""
    root = tmp_path_factory.mktemp("prefect")
    port = free_port()
    env = prefect_env(root / "home", f"http://127.0.0.1:{port}/api")
    server_env = {**env, "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{root}/prefect.db",
                  "PREFECT_SERVER_UI_ENABLED": "false",
                  # The scheduler creates the cron runs at once rather than after a minute.
                  "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1"}
    with (root / "server.log").open("w") as log:
        server = subprocess.Popen(
            [BIN / "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            cwd=root, env=server_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield server, env, root / "server.log"
        finally:
            stop(server)


@pytest.fixture(scope="module")
def prefect_server(booting_server):
    """The booted server's clients' environment, once it answers /api/health."""
    server, env, log = booting_server

    def healthy():
        assert server.poll() is None, log.read_text()
        try:
            return httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).json() or None
        except httpx.HTTPError:
            return None
    wait_for("the Prefect server's /api/health", healthy, timeout_s=60)
    return env


@pytest.fixture
def not_prefect():
    """A real HTTP server on 127.0.0.1 that is no Prefect API: it answers every request with 501."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("api", ["unset", "closed port", "not Prefect"])
def test_serve_refuses_quickly_without_a_prefect_api(tmp_path, api, request):
    api_url = (None if api == "unset" else f"http://127.0.0.1:{free_port()}/api" if api == "closed port"
               else request.getfixturevalue("not_prefect"))
    started, cpu = time.monotonic(), children_cpu_s()
    done = subprocess.run([sys.executable, "-m", "flows.cli", "serve", "--input", str(ROOT / "seeds"),
                           "--out", str(tmp_path / "out")],
                          cwd=tmp_path, env=prefect_env(tmp_path / "home", api_url),
                          capture_output=True, text=True, timeout=30)
    took, cpu = time.monotonic() - started, children_cpu_s() - cpu
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "prefect server start" in lines[0]
    assert "export PREFECT_API_URL=http://127.0.0.1:4200/api" in lines[0]
    assert ("PREFECT_API_URL is not set" if api_url is None else api_url) in lines[0]
    # CPU seconds, not wall time, so that a loaded machine cannot fail it; a temporary server
    # (what Prefect starts without an API URL) would cost 8-17 s and print more lines.
    assert cpu < 5 and took < 30, f"refusal took {cpu:.1f} s CPU, {took:.1f} s"
    assert not (tmp_path / "out").exists()


def test_serve_refuses_a_bad_cron(tmp_path):
    done = subprocess.run([sys.executable, "-m", "flows.cli", "serve", "--cron", "at two"], cwd=tmp_path,
                          env=prefect_env(tmp_path / "home", None), capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stderr) == (2, 'newsfacts: --cron: Invalid cron string: "at two"\n')


def run_in_terminal(cmd: list[str], env: dict, cwd: Path, timeout_s: float = 30) -> str:
    """Everything a command writes to a terminal (Prefect prints its usage notice only there)."""
    main, child = pty.openpty()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=child, stderr=child, cwd=cwd, env=env)
    os.close(child)
    out, deadline = b"", time.monotonic() + timeout_s
    try:
        while select.select([main], [], [], max(deadline - time.monotonic(), 0))[0]:
            try:
                data = os.read(main, 4096)
            except OSError:  # EIO: the command exited and closed the terminal
                break
            if not data:
                break
            out += data
    finally:
        stop(proc)
        os.close(main)
    return out.decode()


def test_no_usage_notice_in_a_terminal(tmp_path):
    env = {k: v for k, v in prefect_env(tmp_path / "fresh-home", None).items() if k != "DO_NOT_TRACK"}
    out = run_in_terminal([sys.executable, "-m", "flows.cli", "serve"], env, tmp_path)
    assert "serve needs a running Prefect server" in out
    assert "usage data" not in out and len(out.strip().splitlines()) == 1, out


def prefect_cli(env: dict, *args: str) -> str:
    done = subprocess.run([BIN / "prefect", "--no-prompt", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@contextmanager
def api_client(env: dict):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: env["PREFECT_API_URL"]}):
        with get_client(sync_client=True) as client:
            yield client


def read_deployment(env: dict, name: str):
    """The deployment as the API stores it, or None while it does not exist."""
    from prefect.exceptions import ObjectNotFound

    with api_client(env) as client:
        try:
            return client.read_deployment_by_name(name)
        except ObjectNotFound:
            return None


def scheduled_starts(env: dict, deployment_id) -> list:
    """Expected start times of the runs the server's scheduler created for a deployment."""
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    with api_client(env) as client:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])))
    return [r.expected_start_time for r in runs if r.state and r.state.is_scheduled() and r.auto_scheduled]


def assert_nightly_cron(deployment) -> None:
    [schedule] = deployment.schedules
    assert schedule.active and schedule.schedule.cron == CRON
    assert str(schedule.schedule.timezone) == "UTC"
    assert not deployment.paused


def test_serve_and_deploy_coexist_and_a_served_run_publishes(prefect_server, tmp_path, seeds_copy):
    env = prefect_server
    prefect_cli(env, "work-pool", "create", "newsfacts", "--type", "process")
    prefect_cli(env, "deploy", "--all")

    out = tmp_path / "out"
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--input", str(seeds_copy),
                              "--out", str(out)], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        def served():
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            return read_deployment(env, SERVED)
        mine = wait_for(f"`newsfacts serve` to register {SERVED}", served, timeout_s=45)
        assert_nightly_cron(mine)
        assert mine.work_pool_name is None
        assert mine.parameters["inputs"] == [str(seeds_copy)] and mine.parameters["out"] == str(out)

        # Serving did not take the worker's deployment over: both exist, each with its schedule.
        deployed = read_deployment(env, DEPLOYED)
        assert deployed.id != mine.id
        assert deployed.work_pool_name == "newsfacts" and deployed.parameters == {"config": "newsfacts.toml"}
        assert_nightly_cron(deployed)
        for d in (mine, deployed):  # the scheduler has put the next nights at 02:00 UTC on the calendar
            starts = wait_for(f"scheduled runs of {d.name}", lambda: scheduled_starts(env, d.id) or None, 30)
            assert all((s.hour, s.minute) == (2, 0) and s.utcoffset().total_seconds() == 0 for s in starts)

        from prefect.deployments import run_deployment
        from prefect.settings import PREFECT_API_URL, temporary_settings

        # No worker runs here: only the serving process can execute this run.
        with temporary_settings({PREFECT_API_URL: env["PREFECT_API_URL"]}):
            flow_run = run_deployment(SERVED, timeout=90, poll_interval=1)
        assert flow_run.state.is_completed(), (tmp_path / "serve.log").read_text()[-3000:]
        with duckdb.connect(str(out / "newsfacts.duckdb"), read_only=True) as con:
            assert con.sql("select status, docs_new from runs").fetchall() == [("success", 1)]
    finally:
        # (pausing on the way out is an API call: a loaded machine needs more than 15 s)
        stop(serve, signal.SIGINT, timeout_s=60)
        log.close()

    # Stopping `serve` pauses its own deployment only; the worker's schedule stays on.
    assert read_deployment(env, SERVED).paused, (tmp_path / "serve.log").read_text()[-3000:]
    deployed = read_deployment(env, DEPLOYED)
    assert deployed.work_pool_name == "newsfacts"
    assert_nightly_cron(deployed)
