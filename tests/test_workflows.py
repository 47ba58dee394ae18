"""The GitHub workflows: least privilege, no untrusted text in a script, and the issue-to-PR steps run for real.

``post-from-issue.yml`` turns an approved "Sugerir um post" issue into a pull
request. Its logic is the ``newsletter new --from-issue`` it runs (tested in
test_cli_new.py); here its own steps that touch the issue's body run locally,
with bash as GitHub runs them, on a hostile issue.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_cli import make_site, post

REPO = Path(__file__).parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
FROM_ISSUE = REPO / ".github" / "workflows" / "post-from-issue.yml"
#: What the issue-to-PR job may do, and nothing else.
ALLOWED = {"contents": "write", "pull-requests": "write", "issues": "write"}


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_no_expression_is_interpolated_into_a_script(path: Path) -> None:
    """`${{ }}` in a `run:` is pasted into the script before bash reads it: text from an issue would run."""
    scripts = [step["run"] for step in steps(load(path)) if "run" in step]
    assert scripts
    assert [script for script in scripts if "${{" in script] == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_permissions_are_declared_and_least(path: Path) -> None:
    workflow = load(path)
    assert "permissions" in workflow  # never the repository's default token scope
    assert workflow["permissions"] in ({}, {"contents": "read"})
    for job in workflow["jobs"].values():
        for scope, level in job.get("permissions", {}).items():
            assert ALLOWED.get(scope) == level, (scope, level)


def test_the_issue_workflow_runs_on_a_maintainers_label_only() -> None:
    workflow = load(FROM_ISSUE)
    assert workflow["on"] == {"issues": {"types": ["labeled"]}}  # not issue_comment, not pull_request_target
    job = workflow["jobs"]["post"]
    assert "github.event.label.name == 'aprovado'" in job["if"]
    assert job["permissions"] == ALLOWED
    scripts = "\n".join(step.get("run", "") for step in job["steps"])
    assert '.venv/bin/newsletter new --from-issue "$RUNNER_TEMP/issue.md"' in scripts
    assert '"$GITHUB_EVENT_PATH"' in scripts  # the body comes from the event file, not an expression
    for step in job["steps"]:
        for value in step.get("env", {}).values():
            assert "issue.body" not in value and "issue.title" not in value


HOSTILE = """\
### Seu nome

Ana S.

### Título do post (em português)

O plantão $(touch pwned-title) e `touch pwned-tick`

### Título original do artigo

"; touch pwned-quote; echo "

### URL do artigo

https://example.org/a

### Imagem (opcional)

_No response_

### Seu comentário

${HOME} $(id) '; touch pwned-comment; '
"""


def run_steps(top: Path, body: str, *ids: str, env: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    """Run the job's steps *ids* in *top* as GitHub would (bash -e, the job's env), on an issue with *body*."""
    job = load(FROM_ISSUE)["jobs"]["post"]
    event = top / "event.json"
    event.write_text(json.dumps({"issue": {"number": 7, "body": body, "title": "$(touch pwned-t)"}}), encoding="utf-8")
    (top / "runner").mkdir(exist_ok=True)
    output = top / "github_output"
    output.write_text("", encoding="utf-8")
    base = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(top),
        "LANG": "C.UTF-8",
        "GITHUB_EVENT_PATH": str(event),
        "RUNNER_TEMP": str(top / "runner"),
        "GITHUB_OUTPUT": str(output),
        "ISSUE_NUMBER": "7",
    }
    log = []
    for step in job["steps"]:
        if step.get("id") not in ids:
            continue
        script = step["run"]
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=top,
            env={**base, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        log.append(result.stdout + result.stderr)
        if result.returncode:
            return result.returncode, "".join(log), _outputs(output)
    return 0, "".join(log), _outputs(output)


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)


@pytest.fixture
def top(tmp_path: Path) -> Path:
    """A repository as the job checks it out: docs/conf.py, the posts, .venv/bin/newsletter."""
    make_site(tmp_path / "docs", {"2024-01-07-a.md": post(date=f"{_today()} 08:00:00 -0300", tag=_tag())})
    venv = Path(sys.executable).parent.parent
    if not (venv / "bin" / "newsletter").exists():
        pytest.skip(f"{venv} has no newsletter command (make venv installs it)")
    os.symlink(venv, tmp_path / ".venv")
    return tmp_path


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


def _tag() -> str:
    import datetime as dt

    return f"Edição #1 - {dt.date.today():%d.%m.%Y}"


def test_a_hostile_issue_becomes_a_post_and_runs_nothing(top: Path) -> None:
    code, log, outputs = run_steps(top, HOSTILE, "body", "post")
    assert code == 0, log
    path = outputs["path"]
    assert path.startswith("docs/posts/") and path.endswith("-o-plantao-touch-pwned-title-e-touch-pwned-tick.md")
    text = (top / path).read_text(encoding="utf-8")
    assert 'title: "O plantão $(touch pwned-title) e `touch pwned-tick`"' in text
    assert "${HOME} $(id) '; touch pwned-comment; '" in text
    assert [p.name for p in top.rglob("pwned*")] == []
    # ...and the job's check of the new post passes.
    job = load(FROM_ISSUE)["jobs"]["post"]
    check = next(step for step in job["steps"] if step.get("name") == "Check the post")
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", check["run"]],
        cwd=top,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "RUNNER_TEMP": str(top / "runner"), "POST": path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error" not in result.stdout and result.stdout.strip().endswith("1 post checked: 0 errors, 0 warnings")


def test_an_issue_the_command_refuses_fails_the_job_and_says_why(top: Path) -> None:
    code, log, outputs = run_steps(top, "### Seu nome\n\nAna S.\n", "body", "post")
    assert code == 1
    assert outputs == {"failed": "true"}
    assert "newsletter new: error: missing --title, --url" in log  # conf.py has no language: English
    assert "missing --title, --url" in (top / "runner" / "messages.txt").read_text(encoding="utf-8")


def test_a_registered_name_with_another_link_is_named_in_the_pull_request(top: Path) -> None:
    """Attack 3 #13: the warning of ``new`` reaches the PR body, and the post keeps the submitter's link."""
    spoof = HOSTILE.replace("Ana S.", "Ana S.\n\n### Seu LinkedIn\n\nhttps://www.linkedin.com/in/attacker-profile")
    code, log, outputs = run_steps(top, spoof, "body", "post")
    assert code == 0, log
    assert "attacker-profile" in (top / outputs["path"]).read_text(encoding="utf-8")
    fake = top / "fakebin"
    fake.mkdir()
    for name in ("git", "gh"):  # nothing pushed, no PR opened: the body is what the test reads
        (fake / name).write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        (fake / name).chmod(0o755)
    (top / ".github").mkdir()
    shutil.copyfile(REPO / ".github" / "pull_request_template.md", top / ".github" / "pull_request_template.md")
    job = load(FROM_ISSUE)["jobs"]["post"]
    step = next(step for step in job["steps"] if step.get("name") == "Open the pull request")
    env = {"PATH": f"{fake}:/usr/bin:/bin", "RUNNER_TEMP": str(top / "runner"), "POST": outputs["path"]}
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=top,
        env={**env, "ISSUE_NUMBER": "7", "BRANCH": "post/issue-7", "GITHUB_REF_NAME": "main"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    body = (top / "runner" / "pr.md").read_text(encoding="utf-8")
    assert (
        "newsletter new: warning: 'Ana Souza' is in the authors registry with the profile link "
        "https://www.linkedin.com/in/ana-souza, but this post gives 'https://www.linkedin.com/in/attacker-profile'"
        in body
    )
