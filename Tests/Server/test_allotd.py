"""allotd as an outside scheduler sees it: standard-library clients over a Unix socket.

Run: ALLOTD=.build/release/allotd python3 -m pytest -q Tests/Server  (or plain python3).
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

ALLOTD = os.environ.get("ALLOTD", ".build/release/allotd")


class Server:
    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="allotd-test-")
        self.sock = os.path.join(self.dir, "s.sock")
        self.proc = subprocess.Popen([ALLOTD, "--listen", "unix:" + self.sock, *args],
                                     stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while True:
            try:
                self.conn = socket.socket(socket.AF_UNIX)
                self.conn.settimeout(10)
                self.conn.connect(self.sock)
                break
            except OSError:
                self.conn.close()
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("allotd did not start: %s" % self.proc.stderr.read().decode())
                time.sleep(0.05)
        self.next_id = 0
        self.buf = b""

    def line(self, text):
        self.conn.sendall(text.encode() + b"\n")
        while b"\n" not in self.buf:
            chunk = self.conn.recv(65536)
            if not chunk:
                return None
            self.buf += chunk
        out, self.buf = self.buf.split(b"\n", 1)
        return json.loads(out)

    def call(self, method, params=None):
        self.next_id += 1
        req = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            req["params"] = params
        r = self.line(json.dumps(req))
        assert "result" in r, r
        return r["result"]

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.wait(10)
        self.conn.close()
        return self.proc.returncode


def test_offer_cycle_and_placement():
    s = Server("--manual-clock")
    s.call("agent.add", {"id": "a1", "resources": {"cpus": 8, "mem": 1024}, "labels": {"zone": "z1"}})
    s.call("framework.add", {"id": "spark", "roles": ["ml"]})
    offers = s.call("allocate")["offers"]
    assert [o["agent"] for o in offers] == ["a1"]
    tasks = s.call("offer.accept", {"offer": offers[0]["id"],
                                    "tasks": [{"id": "t", "resources": {"cpus": 2, "mem": 100}}]})["tasks"]
    assert tasks[0]["resources"] == {"cpus": 2, "mem": 100}
    s.call("framework.add", {"id": "web"})
    r = s.call("task.place", {"framework": "web", "tasks": [
        {"id": "w", "resources": {"cpus": 1}, "selector": "zone=z1", "constraints": "hostname:UNIQUE", "group": "g"},
        {"id": "x", "resources": {"cpus": 1}, "selector": "zone=z1", "constraints": "hostname:UNIQUE", "group": "g"}]})
    assert [p["agent"] for p in r["placements"]] == ["a1"]
    assert r["unplaced"][0]["reason"] == "constraints"
    assert s.stop() == 0


def test_errors_keep_the_connection():
    s = Server("--manual-clock")
    r = s.line('{"jsonrpc":"2.0","id":1,"method":"agent.add","params":{"id":"a","resources":{"cpus":-1}}}')
    assert r["error"]["code"] == -32602 and r["error"]["data"]["field"] == "resources.cpus"
    r = s.line("{not json")
    assert r["error"]["code"] == -32700 and r["id"] is None
    assert s.call("ping") == {"version": "1"}
    assert s.stop() == 0


def test_line_too_long_closes_only_that_connection():
    s = Server("--manual-clock", "--max-line", "64")
    other = socket.socket(socket.AF_UNIX)
    other.connect(s.sock)
    r = s.line('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"' + "x" * 100 + '"}}')
    assert r["error"]["code"] == -32600 and r["error"]["data"]["kind"] == "tooLarge"
    assert s.conn.recv(10) == b""  # closed
    other.sendall(b'{"jsonrpc":"2.0","id":2,"method":"ping"}\n')
    assert json.loads(other.recv(1000))["result"] == {"version": "1"}
    other.close()
    assert s.stop() == 0


def test_kill_9_keeps_every_acknowledged_request():
    d = tempfile.mkdtemp(prefix="allotd-data-")
    s = Server("--data-dir", d)
    s.call("agent.add", {"id": "a", "resources": {"cpus": 4}})
    s.call("framework.add", {"id": "f"})
    s.call("task.place", {"framework": "f", "tasks": [{"id": "t", "resources": {"cpus": 1}}]})
    offers = s.call("allocate")["offers"]
    s.call("offer.decline", {"offer": offers[0]["id"], "refuseSeconds": 1000})
    for i in range(50):
        s.call("agent.add", {"id": "b%d" % i, "resources": {"cpus": 1}})
    before = s.call("state")
    s.stop(signal.SIGKILL)
    # A torn last record (a crash in the middle of a write) is cut at start-up.
    segment = max((f for f in os.listdir(d) if f.startswith("journal.")),
                  key=lambda f: int(f.split(".")[1]))
    with open(os.path.join(d, segment), "ab") as f:
        f.write(b'77 {"jsonrpc":"2.0","method":"agent.add","par')
    s = Server("--data-dir", d)
    after = s.call("state")
    assert [a["id"] for a in after["agents"]] == [a["id"] for a in before["agents"]]
    assert after["agents"][0]["allocated"] == {"cpus": 1}
    assert after["agents"][0]["offered"] == {"cpus": 0}
    assert s.call("offers") == {"offers": []}
    assert s.call("task.status", {"framework": "f", "task": "t"}) == {"state": "running", "agent": "a"}
    assert float(after["now"]) >= float(before["now"])
    # The decline filter survived: agent a is not offered to f again.
    assert all(o["agent"] != "a" for o in s.call("allocate")["offers"])
    assert s.stop() == 0


def test_corruption_stops_start_up_naming_file_and_offset():
    d = tempfile.mkdtemp(prefix="allotd-data-")
    with open(os.path.join(d, "journal"), "wb") as f:
        f.write(b'0 {"jsonrpc":"2.0","method":"ping"}\ngarbage\n0 {"jsonrpc":"2.0","method":"ping"}\n')
    p = subprocess.run([ALLOTD, "--data-dir", d, "--listen", "unix:" + os.path.join(d, "s.sock")],
                       stderr=subprocess.PIPE, timeout=10)
    assert p.returncode != 0
    assert b"journal.0: corrupt record at byte offset 36" in p.stderr


def test_bad_input_of_every_kind_gets_an_answer():
    s = Server("--manual-clock")
    cases = [
        (b"\xff\xfe{}", -32700),                                  # invalid UTF-8
        (b'{"jsonrpc":"2.0","id":1,"method":"ping\x00"}', -32700),  # raw NUL in a string
        (b"[" * 1000 + b"]" * 1000, -32700),                      # nesting beyond the limit
        (b'{"jsonrpc":"2.0","id":1,"method":"agent.add","params":{"id":"a","resources":{"cpus":1e999}}}', -32602),
        (b'{"jsonrpc":"2.0","id":1,"method":"agent.add","params":{"id":7}}', -32602),
        (b'{"jsonrpc":"2.0","id":1,"method":"no.such"}', -32601),
    ]
    for raw, code in cases:
        s.conn.sendall(raw + b"\n")
        while b"\n" not in s.buf:
            s.buf += s.conn.recv(65536)
        line, s.buf = s.buf.split(b"\n", 1)
        assert json.loads(line)["error"]["code"] == code, (raw[:40], line)
    assert s.call("ping") == {"version": "1"}
    assert s.stop() == 0


def test_slow_sender_and_half_close():
    s = Server("--manual-clock")
    for b in b'{"jsonrpc":"2.0","id":1,"method":"ping"}':
        s.conn.sendall(bytes([b]))
        time.sleep(0.002)
    s.conn.sendall(b"\n")
    # Half-close: the last line has no newline; it is answered, then the server closes.
    s.conn.sendall(b'{"jsonrpc":"2.0","id":2,"method":"ping"}')
    s.conn.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        chunk = s.conn.recv(65536)
        if not chunk:
            break
        data += chunk
    lines = [json.loads(x) for x in data.split(b"\n") if x]
    assert [x["id"] for x in lines] == [1, 2]
    assert s.stop() == 0


def test_a_client_that_never_reads_does_not_stop_the_others():
    s = Server("--manual-clock", "--write-stall-timeout", "2")
    greedy = socket.socket(socket.AF_UNIX)
    greedy.connect(s.sock)
    greedy.setblocking(False)
    request = b'{"jsonrpc":"2.0","id":1,"method":"state"}\n' * 200
    closed = False
    deadline = time.time() + 8
    while time.time() < deadline and not closed:
        try:
            greedy.send(request)
        except BlockingIOError:
            time.sleep(0.01)
            # Others are served while the greedy client's replies pile up.
            assert s.call("ping") == {"version": "1"}
        except (BrokenPipeError, ConnectionResetError):
            closed = True  # the write-stall timeout closed it
    assert closed, "the client that never reads was not closed"
    assert s.call("ping") == {"version": "1"}
    greedy.close()
    assert s.stop() == 0


def test_many_idle_connections_and_a_burst_of_connects():
    s = Server("--manual-clock")
    idle = []
    for _ in range(300):
        c = socket.socket(socket.AF_UNIX)
        c.connect(s.sock)
        idle.append(c)
    for _ in range(300):
        c = socket.socket(socket.AF_UNIX)
        c.connect(s.sock)
        c.sendall(b'{"jsonrpc":"2.0","id":1,"method":"ping"}\n')
        c.close()  # often before the answer: a reset for the server
    assert s.call("ping") == {"version": "1"}
    for c in idle:
        c.close()
    assert s.call("ping") == {"version": "1"}
    assert s.stop() == 0


def test_auth_required_before_other_methods():
    d = tempfile.mkdtemp(prefix="allotd-token-")
    token = os.path.join(d, "token")
    with open(token, "w") as f:
        f.write("t0ken\n")
    s = Server("--manual-clock", "--token-file", token)
    r = s.line('{"jsonrpc":"2.0","id":1,"method":"state"}')
    assert r["error"]["data"]["kind"] == "unauthorized"
    assert s.call("auth", {"token": "t0ken"}) == {}
    assert "agents" in s.call("state")
    assert s.stop() == 0


if __name__ == "__main__":
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    failed = 0
    for t in tests:
        try:
            t()
        except Exception as e:  # noqa: BLE001
            failed += 1
            print("FAIL", t.__name__, e)
    print("%d passed, %d failed" % (len(tests) - failed, failed))
    raise SystemExit(1 if failed else 0)
