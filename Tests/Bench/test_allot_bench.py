#!/usr/bin/env python3
"""allot-bench end to end: tiny runs of every subcommand through the built binary.

Checks the --json file against ../shared/spec/bench-json.md; --baseline against an earlier
run adds a verdict per result (which verdict is not asserted: timing is noisy), and against
a forged baseline a thousand times better marks REGRESSED, exit status 0 unless
--fail-on-regression (then 1); --svg charts parse as XML with one circle per size; every
--help; usage errors exit 2.

Run: ALLOT_BENCH=.build/release/allot-bench python3 Tests/Bench/test_allot_bench.py
Cost: about 15 s on 2 cores (every run is tiny).
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

BENCH = os.environ.get("ALLOT_BENCH", ".build/release/allot-bench")
TMP = tempfile.mkdtemp(prefix="allot-bench-test-")
SVG = "{http://www.w3.org/2000/svg}"
failures = []


def run(*args, expect=0):
    p = subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=300)
    if p.returncode != expect:
        raise AssertionError(
            f"{' '.join(args)}: exit {p.returncode}, wanted {expect}\n{p.stdout}\n{p.stderr}")
    return p


def check(name, fn):
    try:
        fn()
        print(f"ok   {name}")
    except Exception as e:  # report every failure, then fail
        failures.append(name)
        print(f"FAIL {name}: {e}")


def load(path):
    with open(path) as f:
        d = json.load(f)
    assert d["tool"] == "allot-bench" and d["version"] == 1, d
    assert set(d) == {"tool", "version", "scenario", "params", "build", "machine", "results"}
    assert d["build"]["configuration"] in ("release", "debug")
    assert isinstance(d["machine"]["cores"], int) and d["machine"]["memoryBytes"] > 0
    for r in d["results"]:
        assert set(r) == {"name", "unit", "samples", "min", "median", "max"}, r
        assert r["min"] <= r["median"] <= r["max"], r
    return d


def names(d):
    return [r["name"] for r in d["results"]]


OFFERS = ["--agents", "400", "--frameworks", "40", "--rounds", "3"]


def offers_json_and_baseline():
    a, b = f"{TMP}/a.json", f"{TMP}/b.json"
    run(*OFFERS, "--json", a)
    d = load(a)
    assert d["scenario"] == "offers" and d["params"]["agents"] == 400
    for n in ("cycle", "offersPerSecond", "addAgents", "peakMemory"):
        assert n in names(d), names(d)
    out = run("offers", *OFFERS, "--json", b, "--baseline", a).stdout
    assert "baseline" in out and "verdict" in out, out
    assert " 0 new" in out, out
    # A baseline a thousand times better than this run's median (far beyond any spread):
    # every timed result regressed.
    forged = dict(d)
    forged["results"] = [
        dict(r, **{k: (r["median"] * 1000 if r["unit"] == "1/s" else r["median"] / 1000)
                   for k in ("min", "median", "max")})
        for r in d["results"]
    ]
    fpath = f"{TMP}/forged.json"
    with open(fpath, "w") as f:
        json.dump(forged, f)
    out = run(*OFFERS, "--baseline", fpath).stdout  # exit 0 without the flag
    rows = {l.split()[0]: l for l in out.splitlines() if l.split()}
    for n in ("cycle", "offersPerSecond"):
        assert rows[n].rstrip().endswith("REGRESSED"), rows[n]
    run(*OFFERS, "--baseline", fpath, "--fail-on-regression", expect=1)


def offers_scenarios():
    j = f"{TMP}/suppress.json"
    p = run("offers", "--scenario", "SuppressOffers", *OFFERS, "--json", j)
    assert "SuppressOffers" in p.stdout and "cycle.suppressed100" in p.stdout, p.stdout
    assert load(j)["scenario"] == "offers/SuppressOffers"
    p = run("offers", "--scenario", "QuotaLargeAndSmall", "--agents", "60", "--rounds", "2")
    assert "cycleEmpty" in p.stdout, p.stdout


def svg_chart(path, sizes):
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg", root.tag
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == len(sizes), (len(circles), sizes)
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "agents" in texts and "per second" in texts, texts


def offers_sizes_svg():
    path, j = f"{TMP}/offers.svg", f"{TMP}/sizes.json"
    sizes = ["200", "600", "2000"]
    run("offers", "--sizes", ",".join(sizes), "--frameworks", "20", "--rounds", "2",
        "--svg", path, "--json", j)
    svg_chart(path, sizes)
    n = names(load(j))
    assert "offersPerSecond" in n and "offersPerSecond@agents=200" in n, n
    assert "log scale" in open(path).read()


def place_svg():
    path = f"{TMP}/place.svg"
    run("place", "--sizes", "100,300", "--init-pods", "50", "--pods", "200", "--svg", path)
    svg_chart(path, ["100", "300"])
    run("place", "--scenario", "SelectorUnique", "--agents", "200", "--tasks", "400")


def capi_json():
    j = f"{TMP}/capi.json"
    run("capi", "--agents", "200", "--frameworks", "20", "--rounds", "3", "--json", j)
    d = load(j)
    for n in ("call", "jsonCall", "call.agentAdd", "call.accept", "cycle", "peakMemory"):
        assert n in names(d), names(d)
    assert all(r["median"] > 0 for r in d["results"]), d["results"]


def helps():
    top = run("--help").stdout
    for word in ("DeclineOffers", "SuppressOffers", "QuotaLargeAndSmall", "SchedulingBasic",
                 "capi", "--baseline", "--svg", "--sizes"):
        assert word in top, word
    for sub, word in (("offers", "hierarchical"), ("place", "scheduler_perf"),
                      ("match", "selector"), ("capi", "allot_call_json"),
                      ("server", "Unix socket")):
        assert word in run(sub, "--help").stdout, (sub, word)


def usage_errors():
    for args, word in ((["--agents", "0"], "--agents"), (["--bogus", "1"], "--bogus"),
                       (["nosuch"], "nosuch"), (["offers", "--scenario", "X"], "--scenario"),
                       (["match", "--svg", "x.svg"], "--svg"),
                       (["offers", "--sizes", "1,x"], "--sizes"),
                       (["offers", "--baseline", "/nonexistent.json"], "--baseline"),
                       (["place", "--tasks", "5"], "--tasks")):
        p = run(*args, expect=2)
        assert word in p.stderr, (args, p.stderr)


for name, fn in [("offers --json and --baseline", offers_json_and_baseline),
                 ("offers scenarios", offers_scenarios),
                 ("offers --sizes --svg", offers_sizes_svg),
                 ("place --svg", place_svg),
                 ("capi --json", capi_json),
                 ("--help", helps),
                 ("usage errors exit 2", usage_errors)]:
    check(name, fn)
print(f"allot-bench: {7 - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
