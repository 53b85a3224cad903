"""mypy --strict on a user's file, with the project's settings: the lines it flags."""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[2]


def flagged_lines(user_code: str, tmp_path: Path) -> tuple[set[int], set[int], str]:
    """The lines mypy flags in `user_code`, the lines marked ``# wrong``, and mypy's report."""
    user_file = tmp_path / "user_code.py"
    user_file.write_text(user_code, encoding="utf-8")
    report, errors, _status = api.run(
        [
            "--config-file", str(ROOT / "pyproject.toml"),
            "--cache-dir", str(tmp_path / "cache"),
            "--no-error-summary",
            "--show-error-codes",
            str(user_file),
        ]
    )  # fmt: skip
    assert not errors, errors
    flagged = {
        int(line.split(":")[1])
        for line in report.splitlines()
        if line.startswith(str(user_file)) and ": error:" in line
    }
    wrong = {
        number
        for number, line in enumerate(user_code.splitlines(), start=1)
        if line.endswith("# wrong")
    }
    return flagged, wrong, report
