"""Benchmarks (`make bench`): what the facade costs compared with doing the same work with raw httpx.

Everything is measured side by side in one run, interleaved round by round; each round gives one ratio
(facade / baseline, measured moments apart, so a busy machine slows both alike) and a row reports the
median ratio over the rounds with its min–max, against its target (issue #22's table, ``ROWS``).

1. per call: client.cards.reset_pin_counter(...) over an in-process httpx.MockTransport vs a hand-written
   raw httpx call doing the same work (compact JSON, HS512 detached JWS, response.json()); sync and async.
   CPU time per call: the work is CPU-bound, and CPU time is what another process on the machine cannot
   add to. Three times the rounds, of a third of the calls each; the rows show the median ratio with its 95%
   confidence interval.
2. throughput: N calls at concurrency 1, 16, 64 over real loopback HTTP against the sandbox server,
   AsyncCardClient vs raw httpx.AsyncClient (one pool each, no per-call construction).
3. cold start: a fresh interpreter imports, makes a client and sends one signed call, vs raw httpx doing the
   same by hand; timed inside the process (from before ``import httpx`` to the answer, CPU time) and as a
   whole process (CPU time of the child, interpreter start-up included). Bytecode caches are written first,
   as an installed wheel has them. These two rows run ``FIRST_CALL_PAIRS`` times the rounds, raw and facade
   alternating which goes first, and show the median with its 95% confidence interval. For information, the
   same pair runs against httpx without its CLI packages (``_LEAN``), as an application's install has it.
4. wall time of `make generate` (and of `make test` unless --quick).
5. a 100,000-item extended statement through the public client (MockTransport), every item read, vs
   ``json.loads`` of the same bytes; and the statement's memory (tracemalloc peak while calling and reading
   every item) relative to the JSON's size.
6. docs-update, ten-page change: `make docs-update` against a loopback copy of a changed docs site, on a
   copy of the repository (as tests/test_docs_update.py replays it), in seconds; the target is a minute.

    python scripts/bench.py [--quick] [--rounds N] [--calls N] [--json bench/latest.json] [--only PART]

Benchmarks report; they never fail the build.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

import freedompay_cards as fp
from freedompay_cards._operations import OPERATIONS

ROOT = Path(__file__).resolve().parent.parent
AUTH_ID, SECRET = "123456", "bench-secret"
# the one operation every per-call and cold-start row calls, its path from the operation table
PATH = next(op["path"] for op in OPERATIONS if op["name"] == "cards.reset_pin_counter")
ANSWER = b'{"status":"ok","request_status":"success","dt":"2025-01-01T00:01:01+00:30"}'
# Issue #22's table: each row is a ratio to the raw-httpx (or json.loads) baseline, measured in one run.
ROWS: dict[str, tuple[str, float]] = {  # key -> (what is measured, target: the ratio must not exceed it)
    "per_call_sync": ("per call, sync", 1.05),
    "per_call_async": ("per call, async", 1.08),
    "first_call_inside": ("first call in a fresh process, timed inside it (import, client, one call)", 1.20),
    "first_call_process": ("first call in a fresh process, timed as a whole process", 1.20),
    "statement": ("100,000-item extended statement, public client, every item read, vs json.loads", 2.0),
    "statement_memory": ("statement memory (tracemalloc peak) vs its JSON's size", 1.5),
}
DOCS_UPDATE_ROW = "docs-update, ten-page change (loopback site, repo copy; seconds, both runs)"
TARGETS = {
    **{key: target for key, (_, target) in ROWS.items()},
    "throughput": 0.9,
    "import": 1.3,
    "generate_s": 10.0,
    "docs_update_s": 60.0,
}


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def raw_request_parts(card_id: str, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    """What a careful hand-written integration does per call: body, signature, headers."""
    body = json.dumps({"request_id": str(uuid.uuid4()), "card_id": card_id}, separators=(",", ":")).encode()
    header = {"uri": PATH, "auth_id": AUTH_ID, "method": "POST", "params": "", "alg": "HS512"}
    encoded = _b64(json.dumps(header, separators=(",", ":")).encode())
    signature = _b64(hmac.new(secret.encode(), encoded + b"." + _b64(body), hashlib.sha512).digest())
    headers = {"Content-Type": "application/json", "X-JWS-Signature": (encoded + b".." + signature).decode()}
    return body, headers


def summary(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples)}


def ratios(facade: list[float], baseline: list[float], *, ci: bool = False) -> dict[str, float]:
    """The per-round ratios facade / baseline, summarised (rounds pair up: they ran moments apart); with
    ``ci``, also a distribution-free 95% confidence interval of the median (``ci_low``, ``ci_high``: the
    order statistics n/2 ∓ 0.98·√n of the sorted ratios)."""
    values = [f / b for f, b in zip(facade, baseline, strict=True)]
    found = summary(values)
    if ci:
        ordered, half = sorted(values), 0.98 * math.sqrt(len(values))
        found["ci_low"] = ordered[max(0, math.floor(len(values) / 2 - half))]
        found["ci_high"] = ordered[min(len(values) - 1, math.ceil(len(values) / 2 + half))]
    return found


def interleaved(cases: dict[str, Callable[[], float]], rounds: int) -> dict[str, dict[str, float]]:
    """Run each case once per round, alternating, and summarise each case's per-round values."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, run in cases.items():
            samples[name].append(run())
    return {name: summary(values) for name, values in samples.items()}


# ------------------------------------------------------------------------------------------- 1. per call


def bench_per_call(rounds: int, calls: int) -> dict[str, Any]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=ANSWER, headers={"content-type": "application/json"})

    transport = httpx.MockTransport(handler)
    raw = httpx.Client(transport=transport, base_url="https://test-api.freedompay.kz")
    facade = fp.CardClient(AUTH_ID, SECRET, http_client=httpx.Client(transport=transport))
    araw = httpx.AsyncClient(transport=transport, base_url="https://test-api.freedompay.kz")
    afacade = fp.AsyncCardClient(AUTH_ID, SECRET, http_client=httpx.AsyncClient(transport=transport))
    loop = asyncio.new_event_loop()

    def raw_call() -> Any:
        body, headers = raw_request_parts("card-1")
        return raw.post(PATH, content=body, headers=headers).json()

    async def araw_call() -> Any:
        body, headers = raw_request_parts("card-1")
        return (await araw.post(PATH, content=body, headers=headers)).json()

    cpu: dict[str, list[float]] = {}  # CPU time per call, per case: less disturbed by other processes

    def timed(fn: Callable[[], Any], name: str) -> Callable[[], float]:
        def run() -> float:
            start, start_cpu = time.perf_counter(), time.process_time()
            for _ in range(calls):
                fn()
            cpu.setdefault(name, []).append((time.process_time() - start_cpu) / calls * 1e6)
            return (time.perf_counter() - start) / calls * 1e6

        return run

    def atimed(fn: Callable[[], Any], name: str) -> Callable[[], float]:
        async def many() -> None:
            for _ in range(calls):
                await fn()

        def run() -> float:
            start, start_cpu = time.perf_counter(), time.process_time()
            loop.run_until_complete(many())
            cpu.setdefault(name, []).append((time.process_time() - start_cpu) / calls * 1e6)
            return (time.perf_counter() - start) / calls * 1e6

        return run

    cases = {
        name: timer(fn, name)
        for name, (timer, fn) in {
            "raw_sync_us": (timed, raw_call),
            "facade_sync_us": (timed, lambda: facade.cards.reset_pin_counter("card-1")),
            "raw_async_us": (atimed, araw_call),
            "facade_async_us": (atimed, lambda: afacade.cards.reset_pin_counter("card-1")),
        }.items()
    }
    for run in cases.values():  # warm up: imports, pools, caches
        run()
    cpu.clear()
    result = interleaved(cases, rounds)
    result["ratio_sync"] = result["facade_sync_us"]["median"] / result["raw_sync_us"]["median"]
    result["ratio_async"] = result["facade_async_us"]["median"] / result["raw_async_us"]["median"]
    result["cpu_us"] = {name: statistics.median(values) for name, values in cpu.items()}
    result["rows"] = {
        "per_call_sync": ratios(cpu["facade_sync_us"], cpu["raw_sync_us"], ci=True),
        "per_call_async": ratios(cpu["facade_async_us"], cpu["raw_async_us"], ci=True),
    }
    loop.close()
    return result


# ------------------------------------------------------------------------------------------- 2. throughput


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_throughput(rounds: int, calls: int, concurrencies: tuple[int, ...]) -> dict[str, Any]:
    # The sandbox runs in its own process, so that it does not compete with the clients for the GIL.
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "freedompay_cards.sandbox", "--port", str(port), "--process-polls", "0",
         "--auth-id", AUTH_ID, "--secret-key", SECRET],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {"server": "python -m freedompay_cards.sandbox (ThreadingHTTPServer), separate process"}
    try:
        with fp.CardClient(AUTH_ID, SECRET, base_url=base_url) as setup:
            for _ in range(100):  # wait for the server to listen
                try:
                    issued = setup.cards.bulk_issue(fp.Product.INSTANT_CARD, 1, wait=True)
                    break
                except fp.APIConnectionError:
                    time.sleep(0.05)
            card_id = issued.card_ids[0]
            setup.cards.activate(card_id)
        _throughput_cases(out, base_url, card_id, rounds, calls, concurrencies)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return out


def _throughput_cases(
    out: dict[str, Any], base_url: str, card_id: str, rounds: int, calls: int, concurrencies: tuple[int, ...]
) -> None:
    async def run_case(kind: str, concurrency: int) -> float:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        queue = iter(range(calls))
        if kind == "raw":
            http = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30)

            async def one() -> None:
                body, headers = raw_request_parts(card_id)
                (await http.post(PATH, content=body, headers=headers)).json()

            close = http.aclose
        else:
            client = fp.AsyncCardClient(
                AUTH_ID, SECRET, base_url=base_url, http_client=httpx.AsyncClient(limits=limits, timeout=30)
            )

            async def one() -> None:
                await client.cards.reset_pin_counter(card_id)

            async def close() -> None:
                await client._http.aclose()

        async def worker() -> None:
            for _ in queue:
                await one()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
        await close()
        return calls / elapsed

    for concurrency in concurrencies:
        cases = {
            f"raw_c{concurrency}_rps": lambda c=concurrency: asyncio.run(run_case("raw", c)),
            f"facade_c{concurrency}_rps": lambda c=concurrency: asyncio.run(run_case("facade", c)),
        }
        result = interleaved(cases, rounds)
        out.update(result)
        out[f"ratio_c{concurrency}"] = (
            result[f"facade_c{concurrency}_rps"]["median"] / result[f"raw_c{concurrency}_rps"]["median"]
        )


# ------------------------------------------------------------------------------------------- 3. import


FIRST_CALL_PAIRS = 4  # the first-call scripts run this many times the other import rounds (see bench_import)
FIRST_CALL_ANSWER = repr(ANSWER)  # the answer, as a bytes literal in the scripts below
# Each script times itself from before its first import to the answer (CPU and wall), and prints both.
_CLOCK = "import time; _cpu, _wall = time.process_time(), time.perf_counter()\n"
_REPORT = "\nprint(time.process_time() - _cpu, time.perf_counter() - _wall)\n"
# A fresh process's first call, done by hand with httpx (compact JSON, HS512 detached JWS) ...
RAW_FIRST_CALL = (
    _CLOCK
    + f"""
import base64, hashlib, hmac, json, uuid, httpx
def b64(d): return base64.urlsafe_b64encode(d).rstrip(b"=")
answer = {FIRST_CALL_ANSWER}
client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=answer)),
                      base_url="https://test-api.freedompay.kz")
body = json.dumps({{"request_id": str(uuid.uuid4()), "card_id": "card-1"}}, separators=(",", ":")).encode()
header = b64(json.dumps({{"uri": "{PATH}", "auth_id": "{AUTH_ID}", "method": "POST", "params": "", "alg": "HS512"}},
                        separators=(",", ":")).encode())
signature = b64(hmac.new(b"{SECRET}", header + b"." + b64(body), hashlib.sha512).digest())
headers = {{"Content-Type": "application/json", "X-JWS-Signature": (header + b".." + signature).decode()}}
assert client.post("{PATH}", content=body, headers=headers).json()["status"] == "ok"
"""
    + _REPORT
)
# ... and through the facade: import, client, one signed call.
FACADE_FIRST_CALL = (
    _CLOCK
    + f"""
import httpx, freedompay_cards as fp
answer = {FIRST_CALL_ANSWER}
http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=answer)))
client = fp.CardClient("{AUTH_ID}", "{SECRET}", http_client=http)
assert client.cards.reset_pin_counter("card-1").succeeded
"""
    + _REPORT
)


# httpx's import loads its command line's packages when they are installed (here: dev dependencies); an
# application that installs only freedompay-cards has none of them. The same two scripts, with those packages
# made unimportable, measure the first call against that leaner httpx (information: the rows above are this
# environment's, as the issue measured them).
_LEAN = 'import sys; sys.modules.update(dict.fromkeys(("click", "rich", "pygments")))\n'


def bench_import(rounds: int) -> dict[str, Any]:
    python = sys.executable
    # .pyc files are written and used, as on a user's machine (some environments turn them off)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    process: dict[str, list[float]] = {}  # CPU time of the whole child process, ms
    inside: dict[str, list[float]] = {}  # CPU time the child measured itself, ms

    def fresh(code: str, name: str) -> Callable[[], float]:
        def run() -> float:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)  # microseconds, unlike os.times()
            start = time.perf_counter()
            done = subprocess.run([python, "-c", code], check=True, env=env, capture_output=True, text=True)
            wall = (time.perf_counter() - start) * 1000
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            spent = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            process.setdefault(name, []).append(spent * 1000)
            if done.stdout.strip():
                inside.setdefault(name, []).append(float(done.stdout.split()[0]) * 1000)
            return wall

        return run

    cases = {
        name: fresh(code, name)
        for name, code in {
            "interpreter_ms": "pass",
            "httpx_ms": "import httpx",
            "freedompay_cards_ms": "import freedompay_cards",
            "card_client_ms": "from freedompay_cards import CardClient",
            "raw_first_call_ms": RAW_FIRST_CALL,
            "facade_first_call_ms": FACADE_FIRST_CALL,
            "raw_first_call_lean_ms": _LEAN + RAW_FIRST_CALL,
            "facade_first_call_lean_ms": _LEAN + FACADE_FIRST_CALL,
        }.items()
    }
    for run in cases.values():  # compile .pyc files first
        run()
    process.clear()
    inside.clear()
    result = interleaved(cases, rounds)
    # The first-call rows sit near their target and one pair of fresh processes varies by ±20% on a shared
    # machine: the first-call scripts (and their lean twins) run `FIRST_CALL_PAIRS` times more rounds by
    # themselves, in alternating order (raw first, then facade first), so that neither always runs second,
    # and the row reports the median ratio with a 95% confidence interval of that median.
    for round_ in range((FIRST_CALL_PAIRS - 1) * rounds):
        for pair in (
            ("raw_first_call_ms", "facade_first_call_ms"),
            ("raw_first_call_lean_ms", "facade_first_call_lean_ms"),
        ):
            for name in pair if round_ % 2 else reversed(pair):
                cases[name]()
    httpx_ms = result["httpx_ms"]["median"]
    for name in ("freedompay_cards_ms", "card_client_ms"):
        result[f"ratio_{name.removesuffix('_ms')}"] = result[name]["median"] / httpx_ms
    result["process_cpu_ms"] = {name: statistics.median(values) for name, values in process.items()}
    result["inside_cpu_ms"] = {name: statistics.median(values) for name, values in inside.items()}
    result["rows"] = {
        "first_call_inside": ratios(inside["facade_first_call_ms"], inside["raw_first_call_ms"], ci=True),
        "first_call_process": ratios(process["facade_first_call_ms"], process["raw_first_call_ms"], ci=True),
    }
    result["first_call_lean_inside"] = ratios(
        inside["facade_first_call_lean_ms"], inside["raw_first_call_lean_ms"], ci=True
    )
    result["first_call_rounds"] = len(inside["raw_first_call_ms"])
    result["httpx_imports"] = _httpx_imports(python, env)
    return result


def _httpx_imports(python: str, env: dict[str, str]) -> str:
    """What ``import httpx`` pulls in here beyond itself: with its CLI extras installed (rich, click,
    pygments: dev dependencies of this project) the baseline is slower than on a lean install."""
    code = "import sys, httpx; print(' '.join(sorted(m for m in ('rich', 'click', 'pygments') if m in sys.modules)))"
    found = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True, check=False).stdout.strip()
    return f"also imported by `import httpx`: {found}" if found else "httpx imports no CLI extras"


# ------------------------------------------------------------------------------------------- 4. pipeline


def bench_pipeline(with_test: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "generate.py")], check=True, capture_output=True)
    out["make_generate_s"] = time.perf_counter() - start
    if with_test:
        start = time.perf_counter()
        done = subprocess.run(["make", "-s", "test"], cwd=ROOT, capture_output=True, text=True, check=False)
        out["make_test_s"] = time.perf_counter() - start
        out["make_test_ok"] = done.returncode == 0
        if done.returncode != 0:  # say why, so a failure inside the benchmark can be diagnosed
            out["make_test_tail"] = (done.stdout + done.stderr).splitlines()[-25:]
    return out


# ------------------------------------------------------------------------------------------- 4b. docs-update


def bench_docs_update() -> dict[str, Any]:
    """``make docs-update`` on a ten-page change, as tests/test_docs_update.py replays it: a loopback copy of
    the changed docs site (our own pages) and a released copy of the repository. Two runs, as a maintainer
    has them: the change (spec diff, PR body, CHANGELOG draft; generate refuses the new operation), then,
    the new operation's keys set, the run that regenerates the code. Seconds of wall time, and of CPU time
    of the child processes (the machine time the one-minute target is about)."""
    import tempfile

    sys.path.insert(0, str(ROOT))
    from tests.test_docs_update import DocsSite, bench_copy, decide_the_new_operation, docs_update

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-docs-update-") as folder:
        branch, pages = bench_copy(Path(folder))
        with DocsSite(pages) as site:
            for name, before in (("change", None), ("after_decisions", decide_the_new_operation)):
                if before is not None:
                    before(branch)
                cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                done = docs_update(branch, site.url)
                wall = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                out[f"{name}_s"] = wall
                out[f"{name}_cpu_s"] = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
                out[f"{name}_exit"] = done.code
    out["docs_update_s"] = out["change_s"] + out["after_decisions_s"]
    out["target_s"] = TARGETS["docs_update_s"]
    return out


# ------------------------------------------------------------------------------------------- 5. big statement


def statement_json(operations: int) -> bytes:
    item = {
        "datetime": "2025-02-01T10:00:00+05:00", "type": "purchase", "amount": 1234.56, "commission": 1.5,
        "full_amount": 1236.06, "cashback": 0, "currency": "KZT", "iban": "KZ00FREE0000000001",
        "merchant": {"name": "Coffee", "city": "Almaty"}, "additional_parameters": [],
    }  # fmt: skip
    half = operations // 2
    body = {
        "status": "ok", "request_status": "success", "dt": "2025-02-28T00:00:00+00:00", "client_id": "client-1",
        "card": {"card_id": "card-1", "card_mask": "4000********0002"},
        "balances": {"accounts": [{"iban": "KZ00FREE0000000001", "currency": "KZT", "amount": 1.0}]},
        "authorizations": [item] * (operations - half), "operations": [item] * half,
    }  # fmt: skip
    return json.dumps(body, separators=(",", ":")).encode()


def bench_statement(operations: int, rounds: int) -> dict[str, Any]:
    raw = statement_json(operations)
    # a fresh copy of the bytes per answer, as reading it from the network makes one (and memory counts it)
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=bytes(memoryview(raw)), headers={"content-type": "application/json"}
        )
    )
    client = fp.CardClient(AUTH_ID, SECRET, http_client=httpx.Client(transport=transport))

    def facade() -> int:
        statement = client.cards.statement_extended("card-1", dt.date(2025, 2, 1), dt.date(2025, 2, 28))
        count = 0
        for _ in statement.authorizations:  # every item decoded, checked and converted, one at a time
            count += 1
        for _ in statement.operations:
            count += 1
        return count

    def baseline() -> int:
        body = json.loads(raw)
        return len(body["authorizations"]) + len(body["operations"])

    cpu: dict[str, list[float]] = {}

    def timed(fn: Callable[[], int], name: str) -> Callable[[], float]:
        def run() -> float:
            start, start_cpu = time.perf_counter(), time.process_time()
            assert fn() == operations
            cpu.setdefault(name, []).append(time.process_time() - start_cpu)
            return time.perf_counter() - start

        return run

    cases = {"json_loads_s": timed(baseline, "json_loads_s"), "facade_s": timed(facade, "facade_s")}
    for run in cases.values():  # warm up: imports, compiled checks
        run()
    cpu.clear()
    result: dict[str, Any] = {"operations": operations, "raw_json_mb": len(raw) / 1e6}
    result.update(interleaved(cases, rounds))
    result["cpu_s"] = {name: statistics.median(values) for name, values in cpu.items()}
    # memory: what the call and the reading allocate, the answer's bytes included
    tracemalloc.start()
    facade()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result["peak_mb"] = peak / 1e6
    memory = peak / len(raw)
    result["rows"] = {
        "statement": ratios(cpu["facade_s"], cpu["json_loads_s"]),
        "statement_memory": {"median": memory, "min": memory, "max": memory},
    }
    return result


# ------------------------------------------------------------------------------------------- report


def _fmt(value: Any) -> str:
    if isinstance(value, dict) and "median" in value:
        return f"{value['median']:.2f} ({value['min']:.2f}–{value['max']:.2f})"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_fmt(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list):
        return "\n".join(["", *(f"      {line}" for line in value)])
    return str(value)


def table(report: dict[str, Any]) -> list[str]:
    """Issue #22's table: each row's median ratio over the rounds (min–max), its target, met or not."""
    lines = [f"{'measure':<84} {'ratio (min–max)':>24} {'target':>7}  verdict"]
    for part in ("per_call", "import", "statement"):
        for key, ratio in report.get(part, {}).get("rows", {}).items():
            what, target = ROWS[key]
            verdict = "met" if ratio["median"] <= target else "NOT MET"
            shown = f"{ratio['median']:.2f} ({ratio['min']:.2f}–{ratio['max']:.2f})"
            if "ci_low" in ratio:  # the median to three places, and its 95% confidence interval
                shown = f"{ratio['median']:.3f} (95% {ratio['ci_low']:.3f}–{ratio['ci_high']:.3f})"
                if ratio["ci_low"] <= target < ratio["ci_high"]:
                    verdict += " (within noise: the interval spans the target)"
            lines.append(f"{what:<84} {shown:>24} {'≤ ' + format(target, '.2f'):>7}  {verdict}")
            lean = report[part].get("first_call_lean_inside")
            if key == "first_call_inside" and lean:  # information, not a row of the issue: see _LEAN
                what = "  the same, against httpx without its CLI packages (information)"
                shown = f"{lean['median']:.3f} (95% {lean['ci_low']:.3f}–{lean['ci_high']:.3f})"
                lines.append(f"{what:<84} {shown:>24} {'—':>7}  (no target)")
    if "docs_update" in report:  # seconds, not a ratio: the time a ten-page docs change takes to a spec diff
        seconds, target = report["docs_update"]["docs_update_s"], TARGETS["docs_update_s"]
        verdict = "met" if seconds < target else "NOT MET"
        lines.append(
            f"{DOCS_UPDATE_ROW:<84} {format(seconds, '.1f') + ' s':>24} {'< ' + format(target, '.0f'):>7}  {verdict}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description="freedompay-cards benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls; skip make test")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--calls", type=int)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "latest.json")
    parts = ["per_call", "throughput", "import", "pipeline", "statement", "docs_update"]
    parser.add_argument("--only", choices=parts, action="append", help="run only this part (repeatable)")
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 7)
    calls = args.calls or (500 if args.quick else 2000)
    wanted = set(args.only or parts)

    report: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "rounds": rounds,
        "calls": calls,
        "targets": TARGETS,
    }
    steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        # three times the rounds of a third of the calls: the same time, three times the ratios to take the
        # median of (a round's ratio varies by a few percent on a shared machine; the target is 5%)
        ("per_call", lambda: bench_per_call(rounds * 3, max(1, calls // 3))),
        ("throughput", lambda: bench_throughput(max(3, rounds // 2), calls, (1, 16, 64))),
        ("import", lambda: bench_import(rounds * 3)),
        ("pipeline", lambda: bench_pipeline(with_test=not args.quick)),
        ("statement", lambda: bench_statement(100_000, rounds)),
        ("docs_update", bench_docs_update),
    ]
    for name, step in steps:
        if name not in wanted:
            continue
        print(f"== {name}", flush=True)
        report[name] = step()
        for key, value in report[name].items():
            print(f"   {key:<28} {_fmt(value)}")
    print("\n== issue #22: ratios to the baseline, median of the rounds measured side by side (and seconds)")
    for line in table(report):
        print("   " + line)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    if args.only and args.json.is_file():  # a partial run updates its parts; the others stay as last measured
        earlier = json.loads(args.json.read_text(encoding="utf-8"))
        report = {**earlier, **report, "targets": TARGETS}
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
