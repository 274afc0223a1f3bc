"""The whole line from the vendor's docs to a reviewed spec diff: ``make docs-update``.

    python scripts/docs_update.py [--base URL] [--cache DIR] [--skip-pull]

1. docs-pull: ``llms.txt`` and each Card API page into the cache (the rendered page when a ``.md`` is missing);
2. docs-sync: what the pages say, applied to ``openapi/card-api.yaml`` (nothing deleted or loosened);
3. generate: ``generated/`` and the facade's spec data made anew from the spec;
4. spec-diff: what the change adds, removes or breaks for facade users, against the spec before this run;
5. release notes: the CHANGELOG's [Unreleased] draft and the next version (scripts/release_notes.py);
then the drift left after the sync (docs-check), and the next steps for a person.

Writes ``.cache/docs-update/``: ``base.yaml`` (the spec before), ``pr-body.md`` (the drift report and the
spec-diff summary: the scheduled workflow's pull request body), ``summary.txt`` and ``steps.json`` (each
step's exit code and seconds). Exit 0: the spec says what the pages say and nothing is left to a person;
1: applied what it safely could, a person must look (the report says what); 2: the docs or the spec could
not be read, or a step failed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import _spec  # scripts/_spec.py: this script's folder is on sys.path when it runs
from docs_tools.cli import DEFAULT_BASE, DEFAULT_CACHE

ROOT, SPEC = _spec.ROOT, _spec.SPEC
SCRIPTS = ROOT / "scripts"
OUT = ROOT / ".cache" / "docs-update"
# How generate.py begins a refusal a person settles in the spec (the keys docs-sync leaves empty on a new
# operation, ...); any other failure of generate.py is a failed step.
REFUSED = "the spec's operation keys are incomplete"
KEPT = 15000  # characters of a step's output a section of the PR body keeps (GitHub takes 65,536 in all)


@dataclass
class Step:
    name: str
    command: list[str]
    code: int = -1
    seconds: float = 0.0
    output: str = ""


def run(step: Step, timeout: float, show: Callable[[str], str] = str) -> Step:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            step.command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False, errors="replace"
        )
        step.code, step.output = done.returncode, (done.stdout + done.stderr)
    except subprocess.TimeoutExpired as err:
        step.code, step.output = 2, f"{step.name}: no result after {timeout:.0f} s ({err.cmd[1]})"
    step.seconds = round(time.perf_counter() - started, 2)
    print(f"== {step.name}: exit {step.code} in {step.seconds} s", flush=True)
    print(show(step.output).rstrip(), flush=True)
    return step


def clip(text: str, *, end: bool = False) -> str:
    """``text`` whole, or (longer than KEPT) its beginning and its last line (the total), or with ``end`` its
    end (where a failing command says why)."""
    text = text.strip()
    if len(text) <= KEPT:
        return text
    if end:
        return "... (cut here: the whole output is in the job's log)\n" + text[-KEPT:].split("\n", 1)[-1]
    head = text[:KEPT].rsplit("\n", 1)[0]
    return f"{head}\n... (cut here: the whole output is in the job's log)\n{text.splitlines()[-1]}"


def drift_report(output: str) -> str:
    """docs-check's ``--json`` report as the drift a person must look at: one line per difference, under its
    operation or doc page, then the totals (the declared deviations, which are not drift, left out)."""
    try:
        start = output.index("{")
        report, end = json.JSONDecoder().raw_decode(output, start)
    except ValueError:
        return output.strip()
    lines = [line for line in (output[:start] + output[end:]).strip().splitlines() if line.strip()]  # stderr
    for op in report.get("operations", []):
        if op.get("drift"):
            lines.append(f"{op['method']} {op['path']}  {op.get('operation_id') or '(not in the spec)'}")
            lines += [f"  - {d['message']}" for d in op["drift"]]
    for doc in report.get("doc_pages", []):
        if doc.get("drift"):
            lines.append(f"doc page {doc.get('title')!r} <{doc.get('url') or doc.get('source')}>")
            lines += [f"  - {d['message']}" for d in doc["drift"]]
    totals = report.get("totals", {})
    lines.append(
        f"Total: {totals.get('drift', 0)} difference(s); {totals.get('declared', 0)} declared deviation(s) "
        f"(not drift); {totals.get('pages', 0)} page(s) read, {totals.get('operations_checked', 0)} operation(s) "
        f"checked, {totals.get('operations_not_checked', 0)} not checked"
    )
    return "\n".join(lines)


def script(name: str, *args: str) -> list[str]:
    return [sys.executable, str(SCRIPTS / name), *args]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=DEFAULT_BASE, help="the docs site (its /llms.txt)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where pages are saved")
    parser.add_argument("--skip-pull", action="store_true", help="use the pages already in --cache")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds one step may take")
    args = parser.parse_args(argv)
    cache = args.cache if args.cache.is_absolute() else Path.cwd() / args.cache

    OUT.mkdir(parents=True, exist_ok=True)
    for stale in ("pr-body.md", "summary.txt", "steps.json"):  # a failed run leaves no earlier run's report
        (OUT / stale).unlink(missing_ok=True)
    base_spec = OUT / "base.yaml"
    shutil.copyfile(SPEC, base_spec)
    steps: list[Step] = []

    def step(name: str, command: list[str]) -> Step:
        steps.append(run(Step(name, command), args.timeout))
        return steps[-1]

    def finish(code: int) -> int:
        (OUT / "steps.json").write_text(
            json.dumps([{k: v for k, v in asdict(s).items() if k != "output"} for s in steps], indent=2) + "\n"
        )
        total = sum(s.seconds for s in steps)
        print(f"docs-update: exit {code} after {total:.1f} s in {len(steps)} steps; report in {OUT.relative_to(ROOT)}")
        return code

    if not args.skip_pull:
        # exit 1 is drift between the pulled pages and the spec (what the sync is for); 2 is a site that could
        # not be read whole (nothing written): the pages already in the cache are last time's, never synced
        # as if they were the docs of today (--skip-pull does that on purpose)
        pull = script("docs_check.py", "pull", "--json", "--base", args.base, "--cache", str(cache))
        pulled = run(Step("docs-pull", pull), args.timeout, show=drift_report)
        steps.append(pulled)
        if pulled.code >= 2:
            print(f"docs-update: the docs at {args.base} could not be read; the spec is untouched", file=sys.stderr)
            return finish(2)
    synced = step("docs-sync", script("docs_sync.py", str(cache)))
    if synced.code >= 2:
        return finish(2)
    generated = step("generate", script("generate.py"))
    if generated.code != 0 and REFUSED not in generated.output:
        print("docs-update: make generate failed (not a decision left in the spec): see its output", file=sys.stderr)
        return finish(2)
    diffed = step("spec-diff", script("spec_diff.py", "--base-file", str(base_spec)))
    noted = step("release-notes", script("release_notes.py", "--write"))
    checked = run(Step("docs-check", script("docs_check.py", "--json", str(cache))), args.timeout, show=drift_report)
    steps.append(checked)
    if diffed.code >= 2 or noted.code != 0 or checked.code >= 2:
        return finish(2)

    changed = SPEC.read_bytes() != base_spec.read_bytes()
    person = synced.code == 1 or generated.code != 0 or checked.code == 1
    summary = diffed.output.strip().splitlines()[-1] if diffed.output.strip() else "no spec diff"
    (OUT / "summary.txt").write_text(summary + "\n", encoding="utf-8")
    body = [
        "# The spec follows the vendor's Card API docs",
        "",
        f"`make docs-update` read {args.base}: {summary}.",
        "",
        "## What docs-sync applied and what it leaves to a person",
        "",
        "```",
        clip(synced.output),
        "```",
        "",
        "## What make spec-diff says",
        "",
        "```",
        clip(diffed.output),
        "```",
        "",
        "## Drift left after the sync (make docs-check)",
        "",
        "```",
        clip(drift_report(checked.output)),
        "```",
    ]
    if generated.code != 0:
        body += ["", "## make generate refused", "", "```", clip(generated.output, end=True), "```"]
    (OUT / "pr-body.md").write_text("\n".join(body) + "\n", encoding="utf-8")
    print()
    print("Next steps:")
    if not changed:
        print("  - nothing changed in openapi/card-api.yaml: the spec already says what the pages say.")
    else:
        print("  - review the spec diff: git diff openapi/ (and CHANGELOG.md's drafted [Unreleased] entries)")
    if generated.code != 0:
        print("  - make generate refused the spec: set the keys it names (x-facade, x-mutating, ...), run it again")
    print("  - make test: the field-coverage test names each new field the facade does not expose yet")
    print("    (users already get new answer fields in `extra`, and send new request fields with extra_body=)")
    print("  - where a page and the spec differ on purpose, declare it (x-doc-deviation) rather than edit it away")
    return finish(1 if person else 0)


if __name__ == "__main__":
    sys.exit(main())
