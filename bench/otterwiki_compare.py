"""The An Otter Wiki side of the comparison: its own venv, a git repo of the corpus, settings.

Otter Wiki serves a git repository of Markdown files. A page ``Titre`` nested under ``Parent``
is the file ``parent/titre.md`` (it lowercases file names, and reads the displayed name from
the first heading), viewed at ``/Parent/Titre``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from .corpus import CorpusPage, ancestry

OTTERWIKI_VERSION = "2.26.1"
DEFAULT_VENV = Path("/tmp/otterwiki-venv")
INSTALL_TIMEOUT = 900
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Banc d'essai",
    "GIT_AUTHOR_EMAIL": "bench@cercle.test",
    "GIT_COMMITTER_NAME": "Banc d'essai",
    "GIT_COMMITTER_EMAIL": "bench@cercle.test",
}
# (label, SIDEBAR_MENUTREE_MODE): "SORTED" is the shipped default; "" disables the page tree
# (otterwiki/sidebar.py: SidebarPageIndex only loads pages ``if self.mode``).
CONFIGURATIONS = (
    ("Otter Wiki (default: sidebar tree)", "SORTED"),
    ("Otter Wiki (sidebar tree off)", ""),
)


def install_command(venv: Path) -> str:
    return (
        f"python3 -m venv {venv} && {venv}/bin/pip install otterwiki=={OTTERWIKI_VERSION} gunicorn"
    )


def _installed(venv: Path) -> bool:
    python = venv / "bin" / "python"
    if not (python.exists() and (venv / "bin" / "gunicorn").exists()):
        return False
    probe = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('otterwiki'))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return probe.stdout.strip() == OTTERWIKI_VERSION


def ensure_venv(venv: Path, *, create: bool) -> Path:
    """The venv's gunicorn; creates the venv when asked, otherwise says how to."""
    if not _installed(venv):
        if not create:
            raise SystemExit(
                f"An Otter Wiki is not installed in {venv}. Run:\n  "
                f"{install_command(venv)}\nor pass --install-otterwiki."
            )
        print(f"Installing otterwiki=={OTTERWIKI_VERSION} into {venv} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        subprocess.run(
            [
                str(venv / "bin" / "pip"),
                "install",
                "--quiet",
                f"otterwiki=={OTTERWIKI_VERSION}",
                "gunicorn",
            ],
            check=True,
            timeout=INSTALL_TIMEOUT,
        )
    return venv / "bin" / "gunicorn"


def _git(repo: Path, *args: str) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        **GIT_IDENTITY,
    }
    subprocess.run(
        ["git", "-C", str(repo), *args], check=True, env=env, timeout=300, stdout=subprocess.DEVNULL
    )


def build_repo(repo: Path, corpus: list[CorpusPage]) -> list[str]:
    """Write every page as a Markdown file, commit them; return the page URLs."""
    repo.mkdir(parents=True)
    urls = []
    for page in corpus:
        titles = ancestry(corpus, page)
        file = repo.joinpath(*(t.lower() for t in titles)).with_name(titles[-1].lower() + ".md")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(page.markdown, encoding="utf-8")
        urls.append("/" + "/".join(quote(t, safe="") for t in titles))
    _git(repo, "init", "--quiet")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "-m", f"{len(corpus)} pages du banc d'essai")
    return urls


def write_settings(root: Path, repo: Path, tree_mode: str) -> Path:
    name = f"settings-{tree_mode or 'off'}.cfg".lower()
    settings = root / name
    db = root / name.replace(".cfg", ".db")
    settings.write_text(
        f"REPOSITORY = {str(repo)!r}\n"
        "SECRET_KEY = 'banc-d-essai-otterwiki-0123456789'\n"
        f"SQLALCHEMY_DATABASE_URI = {('sqlite:///' + str(db))!r}\n"
        "READ_ACCESS = 'ANONYMOUS'\n"
        "WRITE_ACCESS = 'ANONYMOUS'\n"
        f"SIDEBAR_MENUTREE_MODE = {tree_mode!r}\n"
    )
    return settings


def init_database(venv: Path, settings: Path) -> None:
    """Import the app once so it creates its SQLite tables: two gunicorn workers booting on an
    empty database race to create them, and the loser exits ("table preferences already
    exists"), which stops gunicorn."""
    subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import otterwiki.server"],
        env=server_env(settings),
        cwd=settings.parent,
        check=True,
        timeout=120,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def server_env(settings: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "OTTERWIKI_SETTINGS": str(settings),
        "HOME": str(settings.parent),
        "LANG": "C.UTF-8",
    }


def server_argv(gunicorn: Path, workers: int) -> Callable[[int], list[str]]:
    """Sync workers, as documented: with ``--threads`` Otter Wiki 2.26.1 answers 500
    (``KeyError: 'PAGE_URL'`` in renderer.py, its renderer is shared between threads) and some
    requests hang past 30 s."""

    def argv(port: int) -> list[str]:
        return [
            str(gunicorn),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "otterwiki.server:app",
        ]

    return argv
