import socket

from typer.testing import CliRunner

from dateline.cli import app
from dateline.store import Store


def run(*args, **env):
    result = CliRunner().invoke(app, ["serve", *args], env=env)
    return result.exit_code, " ".join(result.output.split())  # Rich wraps long lines


def test_help_teaches_by_example():
    code, out = run("--help")
    assert code == 0
    for text in ("dateline serve --db events.duckdb --port 8080", "DATELINE_TOKEN",
                 "--read-token", "--tiles", "/api/docs"):
        assert text in out


def test_a_missing_store_is_one_clear_error(tmp_path):
    code, out = run("--db", str(tmp_path / "nope.duckdb"))
    assert code == 2 and "no store at" in out and "Traceback" not in out


def test_a_bad_tile_url_is_one_clear_error(tmp_path):
    Store(tmp_path / "s.duckdb").close()
    code, out = run("--db", str(tmp_path / "s.duckdb"),
                    DATELINE_TILE_URL="ftp://tiles.example.org/{z}/{x}/{y}.png")
    assert code == 2 and "must be an http(s) URL" in out


def test_a_port_in_use_is_one_clear_error(tmp_path):
    Store(tmp_path / "s.duckdb").close()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out = run("--db", str(tmp_path / "s.duckdb"), "--port", str(port))
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in out
