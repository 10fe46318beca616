"""The README's Python example runs as written."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_readme_generation_example_runs(tmp_path, monkeypatch, capsys):
    text = open(os.path.join(ROOT, "README.md")).read()
    section = text[text.index("### From Python"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.startswith("2000 ") and "'en'" in printed
    assert os.path.exists(tmp_path / "out" / "manifest.json")
    assert os.path.exists(tmp_path / "out" / "README.md")
