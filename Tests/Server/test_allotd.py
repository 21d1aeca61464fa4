"""allotd as an outside scheduler sees it: standard-library clients over a Unix socket.

Run: ALLOTD=.build/release/allotd python3 -m pytest -q Tests/Server  (or plain python3).
"""
import json
import os
import resource
import signal
import socket
import struct
import subprocess
import tempfile
import time

ALLOTD = os.environ.get("ALLOTD", ".build/release/allotd")


class Server:
    def __init__(self, *args, preexec_fn=None):
        self.dir = tempfile.mkdtemp(prefix="allotd-test-")
        self.sock = os.path.join(self.dir, "s.sock")
        # stderr goes to a file, never a pipe nobody drains (a full pipe would block the
        # server's log writes and hide a busy loop).
        self.log_path = os.path.join(self.dir, "stderr")
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([ALLOTD, "--listen", "unix:" + self.sock, *args],
                                         stderr=log, preexec_fn=preexec_fn)
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
                    raise RuntimeError("allotd did not start: %s" % self.log())
                time.sleep(0.05)
        self.next_id = 0
        self.buf = b""

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def connect(self):
        c = socket.socket(socket.AF_UNIX)
        c.settimeout(10)
        c.connect(self.sock)
        return c

    def cpu_seconds(self):
        """The server's user + system CPU time so far."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_bytes(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for row in f:
                if row.startswith("VmHWM:"):
                    return int(row.split()[1]) * 1024
        raise AssertionError("no VmHWM")

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
    other = s.connect()
    for k, b in enumerate(b'{"jsonrpc":"2.0","id":1,"method":"ping"}'):
        s.conn.sendall(bytes([b]))
        time.sleep(0.002)
        if k % 8 == 0:
            # Others are served while a line trickles in byte by byte.
            assert ping(other, k) == {"jsonrpc": "2.0", "id": k, "result": {"version": "1"}}
    other.close()
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
    # Bounded memory: reading stops while 16 MiB of replies wait (plus a ~20 MB baseline).
    peak = s.peak_rss_bytes()
    assert peak < 128 << 20, "allotd peaked at %d MiB" % (peak >> 20)
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


def ping(c, i=1):
    """One ping over a raw socket; returns the reply object."""
    c.sendall(b'{"jsonrpc":"2.0","id":%d,"method":"ping"}\n' % i)
    data = b""
    while not data.endswith(b"\n"):
        chunk = c.recv(65536)
        if not chunk:
            return None
        data += chunk
    return json.loads(data)


def test_two_thousand_idle_connections():
    # The client needs 2,000 descriptors too: raise this process's soft limit if needed.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2200:
        assert hard == resource.RLIM_INFINITY or hard >= 2200, "hard open file limit below 2200"
        resource.setrlimit(resource.RLIMIT_NOFILE, (2200 if hard == resource.RLIM_INFINITY else min(hard, 4096), hard))
    # And the server's soft limit starts at 1024: it raises it to the hard limit itself.
    s = Server("--manual-clock", preexec_fn=lambda: resource.setrlimit(
        resource.RLIMIT_NOFILE, (min(1024, hard), hard)))
    idle = [s.connect() for _ in range(2000)]
    assert s.call("ping") == {"version": "1"}
    # Every one of them is open and served, the last as well as the first.
    for i in range(0, 2000, 97):
        assert ping(idle[i], i) == {"jsonrpc": "2.0", "id": i, "result": {"version": "1"}}
    assert ping(idle[-1], 5) == {"jsonrpc": "2.0", "id": 5, "result": {"version": "1"}}
    for c in idle:
        c.close()
    assert s.call("ping") == {"version": "1"}
    assert s.stop() == 0


def test_file_descriptors_running_out():
    # A server with 40 descriptors; 150 clients more than it can hold.
    s = Server("--manual-clock", preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40)))
    crowd = []
    for _ in range(150):
        c = socket.socket(socket.AF_UNIX)
        c.settimeout(10)
        try:
            c.connect(s.sock)
        except OSError:
            c.close()  # a full backlog refuses; the server has not spun to empty it
            continue
        crowd.append(c)
    time.sleep(0.2)
    # No busy loop while descriptors are short (one spinning core reads as ~1.0).
    before, t0 = s.cpu_seconds(), time.time()
    time.sleep(1.0)
    share = (s.cpu_seconds() - before) / (time.time() - t0)
    assert share < 0.3, "allotd used %.0f%% of a core while out of descriptors" % (share * 100)
    # The connection made before the crowd is still served.
    assert s.call("ping") == {"version": "1"}
    assert "event=accept-failed" in s.log()
    # Those beyond the limit were accepted and closed (end of file), not left hanging.
    refused = 0
    for c in crowd:
        try:
            if ping(c) is None:
                refused += 1
        except OSError:
            refused += 1
    assert refused > 0
    for c in crowd:
        c.close()
    # Once they are gone, new connections are accepted and served again.
    deadline = time.time() + 5
    while True:
        try:
            fresh = s.connect()
            if ping(fresh, 9) == {"jsonrpc": "2.0", "id": 9, "result": {"version": "1"}}:
                break
        except OSError:
            pass
        assert time.time() < deadline, "no new connection accepted after the crowd left"
        time.sleep(0.05)
    fresh.close()
    assert s.stop() == 0


def test_sigterm_answers_what_was_sent_and_exits_0():
    s = Server("--manual-clock")
    # Three requests in one write, not read yet; then SIGTERM.
    s.conn.sendall(b"".join(b'{"jsonrpc":"2.0","id":%d,"method":"ping"}\n' % i for i in (1, 2, 3)))
    s.proc.send_signal(signal.SIGTERM)
    data = b""
    while True:
        chunk = s.conn.recv(65536)
        if not chunk:
            break
        data += chunk
    assert [json.loads(x)["id"] for x in data.split(b"\n") if x] == [1, 2, 3]
    assert s.proc.wait(10) == 0
    assert not os.path.exists(s.sock)


def test_tcp_resets_mid_line_and_before_the_reply():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    s = Server("--manual-clock", "--listen", "tcp:127.0.0.1:%d" % port)
    linger_zero = struct.pack("ii", 1, 0)  # close sends RST instead of FIN
    for payload in (b'{"jsonrpc":"2.0","id":1,"meth',              # reset mid-line
                    b'{"jsonrpc":"2.0","id":1,"method":"state"}\n' * 50):  # before the replies
        for _ in range(20):
            c = socket.create_connection(("127.0.0.1", port), timeout=10)
            c.sendall(payload)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_zero)
            c.close()
    # The server lives on, over Unix and TCP alike.
    assert s.call("ping") == {"version": "1"}
    t = socket.create_connection(("127.0.0.1", port), timeout=10)
    assert ping(t, 3) == {"jsonrpc": "2.0", "id": 3, "result": {"version": "1"}}
    t.close()
    assert s.stop() == 0


def test_half_closed_slow_reader_gets_every_reply():
    s = Server("--manual-clock")
    c = s.connect()
    n = 4000  # replies well beyond the socket buffer
    c.sendall(b"".join(b'{"jsonrpc":"2.0","id":%d,"method":"state"}\n' % i for i in range(n)))
    c.shutdown(socket.SHUT_WR)
    # Others are served while those replies wait for a reader that is in no hurry.
    for k in range(3):
        assert s.call("ping") == {"version": "1"}
        time.sleep(0.5)
    data = b""
    while True:
        chunk = c.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    assert [json.loads(x)["id"] for x in data.split(b"\n") if x] == list(range(n))
    c.close()
    assert s.stop() == 0


def test_max_connections_and_idle_timeout():
    s = Server("--manual-clock", "--max-connections", "3", "--idle-timeout", "1")
    a, b = s.connect(), s.connect()  # with s.conn: three
    extra = s.connect()  # accepted and closed at once
    assert extra.recv(100) == b""
    extra.close()
    # The idle ones are closed after about a second; one that keeps talking stays open.
    deadline = time.time() + 10
    closed = set()
    while len(closed) < 2:
        assert time.time() < deadline, "idle connections were not closed"
        assert s.call("ping") == {"version": "1"}
        for name, c in (("a", a), ("b", b)):
            c.setblocking(False)
            try:
                if c.recv(100) == b"":
                    closed.add(name)
            except BlockingIOError:
                pass
        time.sleep(0.2)
    # Room again for a new connection.
    fresh = s.connect()
    assert ping(fresh, 4) == {"jsonrpc": "2.0", "id": 4, "result": {"version": "1"}}
    fresh.close()
    assert s.stop() == 0


def test_sigterm_with_a_client_that_never_reads_exits_0():
    s = Server("--manual-clock", "--write-stall-timeout", "1")
    greedy = s.connect()
    greedy.setblocking(False)
    request = b'{"jsonrpc":"2.0","id":1,"method":"state"}\n' * 200
    try:
        while True:
            greedy.send(request)
    except BlockingIOError:
        pass  # both socket buffers full: replies wait in the server
    s.conn.sendall(b'{"jsonrpc":"2.0","id":7,"method":"ping"}\n')
    s.proc.send_signal(signal.SIGTERM)
    # The reading client gets its answer; the stalled one does not hold the exit up for long.
    assert json.loads(s.conn.recv(1000))["id"] == 7
    assert s.proc.wait(10) == 0
    greedy.close()


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
