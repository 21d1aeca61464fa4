"""liballot.so from Python through ctypes: an offer cycle and a placement via allot_call_json.

Standard library only. Run with pytest, or directly:

    ALLOT_LIB=.build/debug/liballot.so python3 Tests/CInterop/test_ctypes.py

ALLOT_LIB names the library; without it the usual build folders are searched.
"""

import ctypes
import json
import os
import pathlib
import sys
import threading

ROOT = pathlib.Path(__file__).resolve().parents[2]

ALLOT_OK = 0
ALLOT_MISUSE = 20


def _library_path():
    env = os.environ.get("ALLOT_LIB")
    if env:
        return env
    for build in ("debug", "release"):
        candidate = ROOT / ".build" / build / "liballot.so"
        if candidate.exists():
            return str(candidate)
    raise FileNotFoundError("liballot.so not found: build it or set ALLOT_LIB")


class _Config(ctypes.Structure):
    """allot_config, field for field."""

    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("manual_clock", ctypes.c_int32),
        ("use_shuffle_seed", ctypes.c_int32),
        ("shuffle_seed", ctypes.c_uint64),
        ("min_allocatable", ctypes.c_char_p),
        ("exclude_from_shares", ctypes.POINTER(ctypes.c_char_p)),
        ("exclude_from_shares_count", ctypes.c_size_t),
        ("allocation_interval_milli", ctypes.c_int64),
        ("max_line", ctypes.c_size_t),
    ]


def _load():
    lib = ctypes.CDLL(_library_path())
    engine_p = ctypes.c_void_p
    lib.allot_version.argtypes = []
    lib.allot_version.restype = ctypes.c_char_p
    lib.allot_errstr.argtypes = [ctypes.c_int32]
    lib.allot_errstr.restype = ctypes.c_char_p
    lib.allot_config_init.argtypes = [ctypes.POINTER(_Config), ctypes.c_size_t]
    lib.allot_config_init.restype = ctypes.c_int
    lib.allot_engine_create.argtypes = [ctypes.POINTER(_Config), ctypes.POINTER(engine_p)]
    lib.allot_engine_create.restype = ctypes.c_int
    lib.allot_engine_destroy.argtypes = [engine_p]
    lib.allot_engine_destroy.restype = None
    lib.allot_errmsg.argtypes = [engine_p]
    lib.allot_errmsg.restype = ctypes.c_char_p
    lib.allot_errfield.argtypes = [engine_p]
    lib.allot_errfield.restype = ctypes.c_char_p
    # The response is a char * we must free: take it as a void * (c_char_p would copy it and
    # lose the pointer).
    lib.allot_call_json.argtypes = [
        engine_p,
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.POINTER(ctypes.c_size_t),
    ]
    lib.allot_call_json.restype = ctypes.c_int
    lib.allot_free.argtypes = [ctypes.c_void_p]
    lib.allot_free.restype = None
    return lib


LIB = _load()


class Engine:
    """An allot_engine driven by JSON-RPC lines."""

    def __init__(self, manual_clock=True, **settings):
        config = _Config()
        assert LIB.allot_config_init(ctypes.byref(config), ctypes.sizeof(config)) == ALLOT_OK
        config.manual_clock = 1 if manual_clock else 0
        for key, value in settings.items():
            setattr(config, key, value)
        self.handle = ctypes.c_void_p()
        status = LIB.allot_engine_create(ctypes.byref(config), ctypes.byref(self.handle))
        if status != ALLOT_OK:
            raise RuntimeError(LIB.allot_errmsg(None).decode())
        self.next_id = 0

    def close(self):
        if self.handle:
            LIB.allot_engine_destroy(self.handle)
            self.handle = ctypes.c_void_p()

    def line(self, text):
        """Sends one line (bytes or str) and returns the response line as text."""
        data = text.encode() if isinstance(text, str) else text
        response = ctypes.c_void_p()
        length = ctypes.c_size_t()
        status = LIB.allot_call_json(
            self.handle, data, len(data), ctypes.byref(response), ctypes.byref(length)
        )
        assert status == ALLOT_OK, LIB.allot_errmsg(self.handle)
        try:
            raw = ctypes.string_at(response, length.value)
        finally:
            LIB.allot_free(response)
        return raw.decode()

    def call(self, method, params=None):
        """Calls a method; returns the result, or raises with the error object."""
        self.next_id += 1
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            request["params"] = params
        answer = json.loads(self.line(json.dumps(request, separators=(",", ":"))))
        assert answer["id"] == self.next_id
        if "error" in answer:
            raise CallError(answer["error"])
        return answer["result"]


class CallError(Exception):
    """A JSON-RPC error response."""

    def __init__(self, error):
        super().__init__(error["message"])
        self.code = error["code"]
        self.data = error.get("data", {})


def _engine(**settings):
    return Engine(**settings)


def test_version():
    assert LIB.allot_version() == b"0.1.0"
    assert LIB.allot_errstr(0) == b"ok"
    assert LIB.allot_errstr(20) == b"misuse"


def test_offer_cycle():
    e = _engine()
    try:
        assert e.call("ping") == {"version": "1"}
        e.call("agent.add", {"id": "a1", "resources": {"cpus": 8, "mem": 16384,
                                                       "ports": [[31000, 31009]]}})
        e.call("agent.add", {"id": "a2", "hostname": "n2", "resources": {"cpus": 4, "mem": 8192}})
        e.call("framework.add", {"id": "marathon", "roles": ["web"]})
        offers = e.call("allocate")["offers"]
        assert [o["agent"] for o in offers] == ["a1", "a2"]
        assert offers[0]["resources"] == {"cpus": 8, "mem": 16384, "ports": [[31000, 31009]]}
        assert offers[1]["hostname"] == "n2"
        launched = e.call("offer.accept", {
            "offer": offers[0]["id"],
            "tasks": [{"id": "web-1", "resources": {"cpus": 1.5, "mem": 512, "ports": 2}}],
        })["tasks"]
        assert launched == [{"id": "web-1",
                             "resources": {"cpus": 1.5, "mem": 512, "ports": [[31000, 31001]]}}]
        assert e.call("offer.decline", {"offer": offers[1]["id"], "refuseSeconds": 0}) == {}
        try:
            e.call("offer.decline", {"offer": offers[1]["id"]})
            raise AssertionError("a declined offer was declined again")
        except CallError as err:
            assert err.code == 1000 and err.data == {"kind": "conflict", "field": "offer"}
        # a1's rest is refused for 5 s; a2 comes back at once.
        assert [o["agent"] for o in e.call("allocate")["offers"]] == ["a2"]
        assert e.call("clock.advance", {"seconds": 5}) == {"now": 5}
        again = e.call("allocate")["offers"]
        assert [o["agent"] for o in again] == ["a1"]
        assert again[0]["resources"]["cpus"] == 6.5
        state = e.call("state")
        a1 = state["agents"][0]
        assert a1["allocated"] == {"cpus": 1.5, "mem": 512, "ports": [[31000, 31001]]}
        removed = e.call("agent.remove", {"id": "a1"})
        assert removed == {"rescinded": [again[0]["id"]],
                           "lostTasks": [{"framework": "marathon", "task": "web-1"}]}
    finally:
        e.close()


def test_placement():
    e = _engine()
    try:
        for name in ("p1", "p2"):
            e.call("agent.add", {"id": name, "resources": {"cpus": 4, "mem": 8192}})
        e.call("framework.add", {"id": "spark", "roles": ["batch"]})
        need = {"cpus": 2, "mem": 1024}
        placed = e.call("task.place", {"framework": "spark", "tasks": [
            {"id": "t1", "resources": need}, {"id": "t2", "resources": need},
            {"id": "t3", "resources": {"cpus": 64}}]})
        assert [(p["task"], p["agent"]) for p in placed["placements"]] == [("t1", "p1"),
                                                                            ("t2", "p1")]
        assert placed["unplaced"][0]["task"] == "t3"
        assert placed["unplaced"][0]["reason"] == "resources"
        assert placed["unplaced"][0]["message"].startswith("0/2 agents fit")
        agents = e.call("match", {"resources": need, "strategy": "spread"})["agents"]
        assert [a["agent"] for a in agents] == ["p2"]
        assert e.call("task.submit", {"framework": "spark",
                                      "tasks": [{"id": "q1", "resources": need}]}) == {"pending": 1}
        scheduled = e.call("schedule")
        assert scheduled["pending"] == 0
        assert scheduled["placements"][0]["agent"] == "p2"
        assert e.call("task.release", {"framework": "spark",
                                       "tasks": ["t1", "q1", "nope"]}) == {"released": 2}
    finally:
        e.close()


def test_framing_and_limits():
    e = _engine(max_line=100)
    try:
        assert e.line("") == ""
        assert e.line('{"jsonrpc":"2.0","method":"ping"}') == ""  # a notification
        assert e.line('{"jsonrpc":"2.0","id":1,"method":"ping"}\r\n') == (
            '{"jsonrpc":"2.0","id":1,"result":{"version":"1"}}')
        too_long = json.loads(e.line(b"[" + b" " * 100 + b"]"))
        assert too_long["error"]["code"] == -32600
        assert too_long["error"]["data"] == {"kind": "tooLarge"}
        assert json.loads(e.line(b"\xff"))["error"]["code"] == -32700
        batch = json.loads(e.line('[{"jsonrpc":"2.0","id":1,"method":"ping"},'
                                  '{"jsonrpc":"2.0","id":2,"method":"nope"}]'))
        assert batch[0]["result"] == {"version": "1"} and batch[1]["error"]["code"] == -32601
    finally:
        e.close()


def test_misuse_returns_a_status():
    response = ctypes.c_void_p()
    assert LIB.allot_call_json(None, b"{}", 2, ctypes.byref(response), None) == ALLOT_MISUSE
    assert LIB.allot_errmsg(None) == b"engine is NULL"
    e = _engine()
    try:
        assert LIB.allot_call_json(e.handle, None, 5, ctypes.byref(response), None) == ALLOT_MISUSE
        assert LIB.allot_errfield(e.handle) == b"request"
        assert LIB.allot_call_json(e.handle, b"{}", 2, None, None) == ALLOT_MISUSE
        assert response.value is None
        bad = _Config()
        bad.struct_size = 3
        handle = ctypes.c_void_p()
        assert LIB.allot_engine_create(ctypes.byref(bad), ctypes.byref(handle)) == ALLOT_MISUSE
        assert handle.value is None
    finally:
        e.close()


def test_threads_share_one_engine():
    e = _engine()
    errors = []

    def work(index):
        try:
            for i in range(50):
                agent = f"w{index}-{i}"
                line = json.dumps({"jsonrpc": "2.0", "id": i, "method": "agent.add",
                                   "params": {"id": agent, "resources": {"cpus": 1}}})
                assert json.loads(e.line(line))["result"] == {}
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors, errors
        assert len(e.call("state")["agents"]) == 200
    finally:
        e.close()


def main():
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_") and callable(v)]
    passed = failed = 0
    for test in tests:
        try:
            test()
            passed += 1
        except Exception as err:  # report every failure, then exit non-zero
            failed += 1
            print(f"FAIL {test.__name__}: {err!r}", file=sys.stderr)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
