"""newsfacts.toml: sources and HTTP settings read, paths resolved, every mistake named."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.config import DEFAULT_BATCH_SIZE, Config, ConfigError, HttpSettings, load_config, usable_cores

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conf" / "newsfacts.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_full_file_is_read(tmp_path):
    path = write(tmp_path, """
inputs = ["seeds", "/srv/inbox/today.jsonl"]
feeds = ["https://example.org/rss.xml"]
urls = ["http://example.com/a.html", "https://example.com/b.html"]
out = "warehouse"
spacy_model = "en_core_web_sm"

[http]
timeout_s = 5
retries = 1
backoff_s = 0.5
max_retry_after_s = 10
per_host_interval_s = 2.5
user_agent = "nightly-bot/1.0"
max_redirects = 2
max_entries_per_feed = 20
""")
    config = load_config(path)
    assert config == Config(
        inputs=[str(tmp_path / "conf" / "seeds"), "/srv/inbox/today.jsonl"],
        feeds=["https://example.org/rss.xml"],
        urls=["http://example.com/a.html", "https://example.com/b.html"],
        out=str(tmp_path / "conf" / "warehouse"),
        spacy_model="en_core_web_sm",
        http=HttpSettings(timeout_s=5.0, retries=1, backoff_s=0.5, max_retry_after_s=10.0,
                          per_host_interval_s=2.5, user_agent="nightly-bot/1.0", max_redirects=2,
                          max_entries_per_feed=20),
    )
    assert isinstance(config.http.timeout_s, float)


def test_relative_paths_follow_the_config_file_not_the_working_directory(tmp_path, monkeypatch):
    path = write(tmp_path, 'inputs = ["../articles"]\nspacy_model = "models/mine"\n')
    monkeypatch.chdir(ROOT)
    config = load_config(path)
    assert config.inputs == [str(tmp_path / "conf" / ".." / "articles")]
    assert config.spacy_model == str(tmp_path / "conf" / "models" / "mine")
    # A config given by a relative path still resolves against its own folder.
    monkeypatch.chdir(tmp_path)
    assert load_config(Path("conf/newsfacts.toml")).inputs == [str(tmp_path / "conf" / ".." / "articles")]


def test_defaults(tmp_path):
    config = load_config(write(tmp_path, 'feeds = ["https://example.org/feed"]\n'))
    assert config.inputs == [] and config.urls == [] and config.out is None and config.spacy_model is None
    http = config.http
    assert (http.timeout_s, http.retries, http.backoff_s, http.per_host_interval_s,
            http.max_redirects, http.max_entries_per_feed) == (10.0, 3, 1.0, 1.0, 5, 200)
    assert http.user_agent.startswith("newsfacts/")
    assert http.user_agent.endswith(" (+https://github.com/newsfacts/newsfacts)")


def test_the_shipped_example_reads_the_seeds_folder():
    config = load_config(ROOT / "newsfacts.toml")
    assert config.inputs == [str(ROOT / "seeds")]
    assert config.feeds == [] and config.urls == []
    assert config.http == HttpSettings()


@pytest.mark.parametrize("text, message", [
    ('inputs = ["seeds"]\nfeed = ["https://x.org/rss"]\n',
     "unknown key 'feed' (known: batch_size, dask, extractor_modules, extractors, feeds, http, inputs, n_process, out, spacy_model, urls)"),
    ('inputs = ["seeds"]\n[http]\ntimeout = 3\n', "unknown key 'http.timeout' (known: http.allow_private_addresses, http.backoff_s"),
    ('inputs = "seeds"\n', "'inputs' must be a list of strings, not a string ('seeds')"),
    ('inputs = ["seeds", 3]\n', "'inputs[1]' must be a non-empty string, not an integer (3)"),
    ('urls = ["example.org/a.html"]\n', "'urls[0]' must be an http(s) URL, not 'example.org/a.html'"),
    ('feeds = ["ftp://example.org/rss"]\n', "'feeds[0]' must be an http(s) URL, not 'ftp://example.org/rss'"),
    ('inputs = ["seeds"]\nout = 7\n', "'out' must be a non-empty string, not an integer (7)"),
    ('inputs = ["seeds"]\nhttp = 5\n', "'http' must be a table ([http]), not an integer"),
    ('inputs = ["seeds"]\n[http]\nretries = "3"\n', "'http.retries' must be an integer >= 0, not a string ('3')"),
    ('inputs = ["seeds"]\n[http]\nretries = true\n', "'http.retries' must be an integer >= 0, not a boolean (True)"),
    ('inputs = ["seeds"]\n[http]\ntimeout_s = 0\n', "'http.timeout_s' must be a number > 0, not 0"),
    ('inputs = ["seeds"]\n[http]\nmax_redirects = 1.5\n', "'http.max_redirects' must be an integer >= 0, not a number (1.5)"),
    ('inputs = ["seeds"]\n[http]\nuser_agent = ""\n', "'http.user_agent' must be a non-empty string, not a string ('')"),
    ('inputs = ["seeds"]\nextractors = "newsfacts_linker"\n', "'extractors' must be a list of strings, not a string"),
    ('inputs = ["seeds"]\nextractor_modules = [""]\n', "'extractor_modules[0]' must be a non-empty string"),
    ('out = "data"\n', "no sources: give at least one of 'inputs', 'feeds' or 'urls'"),
    ('inputs = ["seeds"\n', "not valid TOML: "),
])
def test_mistakes_name_the_file_the_key_and_the_problem(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(e.value).startswith(f"{path}: ")
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="config file does not exist"):
        load_config(tmp_path / "nope.toml")


def test_extractors_and_their_modules_are_read(tmp_path):
    config = load_config(write(tmp_path, 'inputs = ["seeds"]\nextractors = ["newsfacts_linker", "my_amounts"]\n'
                                         'extractor_modules = ["my_newsroom.extractors"]\n'))
    assert config.extractors == ("newsfacts_linker", "my_amounts")
    assert config.extractor_modules == ("my_newsroom.extractors",)
    assert load_config(write(tmp_path, 'inputs = ["seeds"]\n')).extractors is None  # newsfacts' own


def test_fetch_guard_keys_are_read(tmp_path):
    config = load_config(write(tmp_path, 'inputs = ["seeds"]\n[http]\nresponse_deadline_s = 30\n'
                                         'run_deadline_s = 1800\nallow_private_addresses = '
                                         '["intranet.example.org", "10.20.0.0/16", "127.0.0.1", "fd00::/8"]\n'))
    assert config.http == HttpSettings(
        response_deadline_s=30.0, run_deadline_s=1800.0,
        allow_private_addresses=("intranet.example.org", "10.20.0.0/16", "127.0.0.1", "fd00::/8"))
    assert isinstance(config.http.run_deadline_s, float)
    defaults = load_config(write(tmp_path, 'inputs = ["seeds"]\n')).http
    assert (defaults.response_deadline_s, defaults.run_deadline_s, defaults.allow_private_addresses) == (
        60.0, None, ())


@pytest.mark.parametrize("text, message", [
    ("response_deadline_s = 0", "'http.response_deadline_s' must be a number > 0, not 0"),
    ("response_deadline_s = false", "'http.response_deadline_s' must be a number > 0, not a boolean (False)"),
    ("run_deadline_s = -1.5", "'http.run_deadline_s' must be a number > 0, not -1.5"),
    ('run_deadline_s = "1h"', "'http.run_deadline_s' must be a number > 0, not a string ('1h')"),
    ('allow_private_addresses = "127.0.0.1"', "'http.allow_private_addresses' must be a list of host names, "
                                              "IP addresses or CIDR networks, not a string ('127.0.0.1')"),
    ('allow_private_addresses = ["10.0.0.0/33"]', "'http.allow_private_addresses' must be a list of host names"),
    ('allow_private_addresses = ["http://intranet/"]', "not a list (['http://intranet/'])"),
    ('allow_private_addresses = ["intra net"]', "not a list (['intra net'])"),
    ('allow_private_addresses = [""]', "not a list ([''])"),
    ('allow_private_addresses = [10]', "not a list ([10])"),
])
def test_fetch_guard_key_mistakes(tmp_path, text, message):
    path = write(tmp_path, f'inputs = ["seeds"]\n[http]\n{text}\n')
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(e.value).startswith(f"{path}: ")
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_worker_processes_and_batch_size_are_read(tmp_path):
    config = load_config(write(tmp_path, 'inputs = ["seeds"]\nn_process = 3\nbatch_size = 24\n'))
    assert (config.n_process, config.batch_size) == (3, 24)
    # absent: every core this process may use, and the measured batch size
    defaults = load_config(write(tmp_path, 'inputs = ["seeds"]\n'))
    assert (defaults.n_process, defaults.batch_size) == (len(os.sched_getaffinity(0)), DEFAULT_BATCH_SIZE)
    assert Config().n_process == usable_cores()


def test_usable_cores_follow_the_cpu_affinity_not_the_machine():
    # a real process pinned to one core (as `taskset -c 0` or a container's cpuset would)
    one_core = min(os.sched_getaffinity(0))
    result = subprocess.run(
        [sys.executable, "-c", "from flows.config import usable_cores; print(usable_cores())"],
        cwd=ROOT, capture_output=True, text=True, check=True,
        preexec_fn=lambda: os.sched_setaffinity(0, {one_core}))
    assert result.stdout.strip() == "1"


@pytest.mark.parametrize("text, message", [
    ("n_process = 0", "'n_process' must be an integer >= 1, not 0"),
    ("n_process = 2.5", "'n_process' must be an integer >= 1, not a number (2.5)"),
    ('n_process = "all"', "'n_process' must be an integer >= 1, not a string ('all')"),
    ("batch_size = true", "'batch_size' must be an integer >= 1, not a boolean (True)"),
    ("batch_size = -64", "'batch_size' must be an integer >= 1, not -64"),
])
def test_worker_process_and_batch_size_mistakes(tmp_path, text, message):
    path = write(tmp_path, f'inputs = ["seeds"]\n{text}\n')
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(e.value) == f"{path}: {message}"
