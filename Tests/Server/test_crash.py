"""allotd --data-dir under concurrent load: kill -9 (or a crash inside a snapshot) and restart.

Every acknowledged request must be in the state after the restart, and nothing that was never
sent. Several client threads pipeline mutations on their own connections (so replies go out
in group commits); small --snapshot-every values make snapshots happen under the load, and
ALLOTD_CRASH_AT makes the server die at a chosen step of a snapshot.

Run: ALLOTD=.build/release/allotd python3 Tests/Server/test_crash.py  (or pytest). ~15 s.
"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

ALLOTD = os.environ.get("ALLOTD", ".build/release/allotd")
THREADS = 6
PIPELINE = 8


STARTED = []


def start(data, sock, *args, env=None):
    # Logs go to a file: a pipe nobody reads would fill up and stop the server.
    log = open(os.path.join(os.path.dirname(sock), "allotd-%d.log" % len(STARTED)), "w+b")
    proc = subprocess.Popen([ALLOTD, "--listen", "unix:" + sock, "--data-dir", data, *args],
                            stdout=subprocess.DEVNULL, stderr=log, env=env)
    proc.log = log
    STARTED.append(proc)
    deadline = time.time() + 20
    while True:
        try:
            c = socket.socket(socket.AF_UNIX)
            c.connect(sock)
            return proc, c
        except OSError:
            c.close()
            if time.time() > deadline or proc.poll() is not None:
                log.seek(0)
                raise RuntimeError("allotd did not start: %s" % log.read().decode())
            time.sleep(0.02)


def call(conn, method, params=None, rid=1):
    req = {"jsonrpc": "2.0", "id": rid, "method": method}
    if params is not None:
        req["params"] = params
    conn.sendall(json.dumps(req).encode() + b"\n")
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = conn.recv(1 << 20)
        assert chunk, "connection closed"
        buf += chunk
    r = json.loads(buf)
    assert "result" in r, r
    return r["result"]


class Load:
    """Client threads: each sends pipelined agent.add and task.place requests with ids of its
    own and records what was sent and what was acknowledged."""

    def __init__(self, sock, round_no):
        self.sock = sock
        self.round = round_no
        self.sent = set()
        self.acked = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(THREADS)]

    def run(self, i):
        try:
            c = socket.socket(socket.AF_UNIX)
            c.connect(self.sock)
            c.settimeout(10)
        except OSError:
            return
        n = 0
        buf = b""
        try:
            while not self.stop.is_set():
                batch = []
                for _ in range(PIPELINE):
                    n += 1
                    key = "r%d-w%d-%d" % (self.round, i, n)
                    if n % 3 == 0:
                        req = {"jsonrpc": "2.0", "id": n, "method": "task.place", "params": {
                            "framework": "f", "tasks": [{"id": key, "resources": {"cpus": 0.001}}]}}
                        batch.append((n, ("task", key), req))
                    else:
                        req = {"jsonrpc": "2.0", "id": n, "method": "agent.add", "params": {
                            "id": key, "resources": {"cpus": 1, "mem": 64}}}
                        batch.append((n, ("agent", key), req))
                with self.lock:
                    for _, k, _ in batch:
                        self.sent.add(k)
                c.sendall(b"".join(json.dumps(r).encode() + b"\n" for _, _, r in batch))
                pending = {rid: k for rid, k, _ in batch}
                while pending:
                    while b"\n" not in buf:
                        chunk = c.recv(1 << 16)
                        if not chunk:
                            return
                        buf += chunk
                    line, buf = buf.split(b"\n", 1)
                    r = json.loads(line)
                    k = pending.pop(r["id"])
                    # A placement is acknowledged only when the task was placed.
                    if "result" in r and (k[0] == "agent" or r["result"]["placements"]):
                        with self.lock:
                            self.acked.add(k)
        except (OSError, ValueError):
            return
        finally:
            c.close()


previous_agents = set()
previous_tasks = [0]


def check(data, sock, load, snapshot_every):
    """Restarts on the data dir: acknowledged <= present <= sent (plus earlier rounds)."""
    proc, c = start(data, sock, "--snapshot-every", str(snapshot_every))
    st = call(c, "state")
    mine = {("agent", a["id"]) for a in st["agents"] if a["id"] != "big"}
    sent_agents = {k for k in load.sent if k[0] == "agent"} | previous_agents
    acked_agents = {k for k in load.acked if k[0] == "agent"}
    assert acked_agents <= mine, "lost acknowledged agents: %s" % sorted(acked_agents - mine)[:5]
    assert mine <= sent_agents, "agents never sent: %s" % sorted(mine - sent_agents)[:5]
    for k in load.acked:
        if k[0] == "task":
            s = call(c, "task.status", {"framework": "f", "task": k[1]})
            assert s["state"] == "running", (k, s)
    running = [f for f in st["frameworks"] if f["id"] == "f"][0]["running"]
    sent_tasks = len([k for k in load.sent if k[0] == "task"])
    assert running <= previous_tasks[0] + sent_tasks, "tasks never sent are running"
    previous_agents.update(mine)
    previous_tasks[0] = running
    for a in st["agents"]:
        assert all(v >= 0 for v in a["available"].values() if not isinstance(v, list)), a
    return proc, c


def one_round(data, sock, round_no, snapshot_every, crash_at=None):
    env = dict(os.environ)
    if crash_at:
        env["ALLOTD_CRASH_AT"] = crash_at
    proc, c = start(data, sock, "--snapshot-every", str(snapshot_every), env=env)
    if round_no == 0:
        call(c, "agent.add", {"id": "big", "resources": {"cpus": 100000, "mem": 64}})
        call(c, "framework.add", {"id": "f"})
    c.close()
    load = Load(sock, round_no)
    for t in load.threads:
        t.start()
    if crash_at:
        # The server dies by itself at the first snapshot step named.
        proc.wait(30)
        proc.log.seek(0)
        assert proc.returncode == 86, (crash_at, proc.returncode, proc.log.read()[-2000:])
    else:
        time.sleep(random.uniform(0.4, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    load.stop.set()
    for t in load.threads:
        t.join(15)
    assert load.acked, "no request was acknowledged before the crash"
    proc, c = check(data, sock, load, snapshot_every)
    c.close()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    return load


def test_kill_9_under_load_across_snapshots():
    random.seed(7)
    previous_agents.clear()
    previous_tasks[0] = 0
    d = tempfile.mkdtemp(prefix="allotd-crash-")
    data = os.path.join(d, "data")
    sock = os.path.join(d, "s.sock")
    total = 0
    plan = [(1000000, None), (50, None), (200, None), (50, "snapshot-written"),
            (50, "snapshot-renamed"), (50, "segment-created"), (30, None)]
    try:
        for round_no, (every, crash_at) in enumerate(plan):
            load = one_round(data, sock, round_no, every, crash_at)
            total += len(load.acked)
    finally:
        # No server outlives the test, whatever failed.
        for p in STARTED:
            if p.poll() is None:
                p.kill()
                p.wait(10)
            p.log.close()
    names = os.listdir(data)
    assert "snapshot" in names and "snapshot.tmp" not in names, names
    assert len([n for n in names if n.startswith("journal.")]) == 1, names
    shutil.rmtree(d)
    print("crash test: %d rounds, %d acknowledged requests checked" % (len(plan), total))


if __name__ == "__main__":
    test_kill_9_under_load_across_snapshots()
    print("1 passed, 0 failed")
