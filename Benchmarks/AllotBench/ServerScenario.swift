import Allot
import AllotRPC
import AllotServer
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Load on an in-process `allotd` server over a Unix socket: one connection without
/// pipelining, then many connections pipelining.
struct ServerScenario {
  static let help = """
    allot-bench server [--connections N] [--requests N] [--pipeline D] [--data-dir DIR]

    Starts the allotd server loop in-process on a temporary Unix socket (loopback only) and
    sends `ping` requests: first over one connection, one at a time (latency p50/p99 and
    requests per second), then over N connections (default 64) each keeping D requests in
    flight (default 32), R requests per connection (default 2000). Bounded in count; every
    socket operation has a 10 s timeout. With --data-dir the server journals to DIR as
    `allotd --data-dir` does and every request is a mutation (`role.update`), so the figures
    are acknowledged (fsynced) mutations per second.
    """

  var connections = 64
  var requests = 2_000
  var pipeline = 32
  /// With a data directory: a durable server, and mutations instead of pings.
  var dataDir: String?

  static func connect(_ path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
      for (i, b) in bytes.enumerated() { raw[i] = b }
      raw[bytes.count] = 0
    }
    for _ in 0..<200 {
      let ok = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
      }
      if ok == 0 {
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return fd
      }
      usleep(10_000)
    }
    throw BenchError.usage("cannot connect to \(path)")
  }

  /// Reads until `count` newlines arrived; returns false on timeout or close.
  static func readLines(_ fd: Int32, _ count: Int, _ buffer: inout [UInt8]) -> Bool {
    var seen = 0
    while seen < count {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n <= 0 { return false }
      for i in 0..<n where buffer[i] == 0x0A { seen += 1 }
    }
    return true
  }

  func run() throws -> [Series] {
    let path = "/tmp/allot-bench-\(getpid()).sock"
    let thread = Thread {
      let clock = ManualClock()
      let configuration = EngineConfiguration(clock: clock)
      var engine = try! Engine(configuration: configuration)
      var journal: Journal?
      if let dir = dataDir {
        do {
          (journal, engine, _) = try DurableState.recover(
            directory: dir, configuration: configuration,
            options: DispatcherOptions(manualClock: clock))
        } catch {
          progress("cannot use \(dir): \(error)")
          return
        }
      }
      var options = ServerOptions()
      options.listen = [.unix(path)]
      let server = Server(dispatcher: Dispatcher(engine: engine), options: options)
      server.journal = journal
      do { try server.bind() } catch { return }
      server.run()
    }
    thread.start()
    defer {
      requestServerStop()
      usleep(1_200_000)
    }
    let line =
      dataDir == nil
      ? #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
      : #"{"jsonrpc":"2.0","id":1,"method":"role.update","params":{"name":"bench","weight":2}}"#
    let request = Array(line.utf8) + [0x0A]
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    // One connection, no pipelining.
    let fd = try ServerScenario.connect(path)
    var latencies: [Double] = []
    // Without pipelining every durable request waits for its own fsync.
    let single = min(requests * 5, dataDir == nil ? 20_000 : 2_000)
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<single {
      let t0 = DispatchTime.now().uptimeNanoseconds
      _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      guard ServerScenario.readLines(fd, 1, &buffer) else { throw BenchError.usage("no reply") }
      latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000)
    }
    let singleSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    close(fd)
    progress("one connection: \(Int(Double(single) / singleSeconds)) requests/s")
    // Many connections, pipelining.
    var fds: [Int32] = []
    for _ in 0..<connections { fds.append(try ServerScenario.connect(path)) }
    let burst = Array(repeatElement(request, count: pipeline).joined())
    let t1 = DispatchTime.now().uptimeNanoseconds
    var total = 0
    var rounds = 0
    while rounds * pipeline < requests {
      for f in fds {
        _ = burst.withUnsafeBytes { write(f, $0.baseAddress, $0.count) }
      }
      for f in fds {
        guard ServerScenario.readLines(f, pipeline, &buffer) else {
          throw BenchError.usage("no reply")
        }
      }
      total += fds.count * pipeline
      rounds += 1
    }
    let manySeconds = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
    for f in fds { close(f) }
    progress(
      "\(connections) connections x \(pipeline) in flight: \(Int(Double(total) / manySeconds)) requests/s"
    )
    let sorted = latencies.sorted()
    return [
      Series(name: "requestsPerSecond", unit: "1/s", samples: [Double(total) / manySeconds]),
      Series(
        name: "requestsPerSecondOneConnection", unit: "1/s",
        samples: [Double(single) / singleSeconds]),
      Series(name: "p50", unit: "us", samples: [sorted[sorted.count / 2]]),
      Series(name: "p99", unit: "us", samples: [sorted[sorted.count * 99 / 100]]),
      Series(name: "peakMemory", unit: "bytes", samples: [peakMemoryBytes()]),
    ]
  }
}
