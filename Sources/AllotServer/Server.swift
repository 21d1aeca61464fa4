import Allot
import AllotRPC
import CAllotSys
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Where the server listens.
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
  /// A Unix domain socket at a path (mode 0600).
  case unix(String)
  /// A TCP address (host as dotted IPv4).
  case tcp(host: String, port: UInt16)

  /// Parses `unix:PATH` or `tcp:HOST:PORT`.
  public init?(_ text: String) {
    if text.hasPrefix("unix:") {
      let path = String(text.dropFirst(5))
      guard !path.isEmpty else { return nil }
      self = .unix(path)
    } else if text.hasPrefix("tcp:") {
      let rest = text.dropFirst(4)
      guard let colon = rest.lastIndex(of: ":"),
        let port = UInt16(rest[rest.index(after: colon)...])
      else { return nil }
      self = .tcp(host: String(rest[..<colon]), port: port)
    } else {
      return nil
    }
  }

  /// `unix:PATH` or `tcp:HOST:PORT`.
  public var description: String {
    switch self {
    case .unix(let p): return "unix:\(p)"
    case .tcp(let h, let p): return "tcp:\(h):\(p)"
    }
  }
}

/// Server settings; see `allotd --help`.
public struct ServerOptions: Sendable {
  /// The addresses to listen on.
  public var listen: [ListenAddress] = []
  /// The longest request line in bytes, line ending excluded.
  public var maxLine = 1 << 20
  /// The most connections at once; more are accepted and closed at once.
  public var maxConnections = 4096
  /// Connections idle this long are closed (seconds; 0: never).
  public var idleTimeout: Int64 = 0
  /// A connection whose replies make no progress this long is closed (seconds).
  public var writeStallTimeout: Int64 = 30
  /// Output buffered for one connection before the server stops reading from it.
  public var maxPendingOutput = 16 << 20
  /// Periodic allocation cycles with the real clock (with a manual clock, cycles run in
  /// `clock.advance`).
  public var allocationInterval: Seconds?
  /// Creates default options.
  public init() {}
}

/// Set by SIGTERM/SIGINT; the loop stops accepting, answers what was read, and returns.
let stopRequested = Atomic<Bool>(false)

/// One client.
struct Connection {
  var fd: Int32
  var input: [UInt8] = []
  var output: [UInt8] = []
  var session: Session
  var lastActivity: Int64
  var lastWriteProgress: Int64
  /// After a too-long line: reply, then close.
  var closing = false
  /// The epoll events registered for the connection.
  var interest: UInt32 = 0
}

/// The socket server: one thread, non-blocking sockets, `epoll(7)` (level-triggered);
/// reading, parsing, dispatching and writing happen on that thread, so the engine has one
/// owner.
public final class Server {
  var dispatcher: Dispatcher
  let options: ServerOptions
  var listeners: [Int32] = []
  var connections: [Int32: Connection] = [:]
  let requireAuth: Bool
  var nextCycle: Int64 = .max
  let startedAt = ContinuousClock.now
  /// The journal of a durable server (`--data-dir`).
  public var journal: Journal?
  var journalFailed = false
  var ep: Int32 = -1
  var lastReap: Int64 = 0

  /// Creates a server around a dispatcher.
  public init(dispatcher: Dispatcher, options: ServerOptions) {
    self.dispatcher = dispatcher
    self.options = options
    self.requireAuth = dispatcher.options.token != nil
  }

  func millis() -> Int64 {
    let (s, atto) = (ContinuousClock.now - startedAt).components
    return s * 1000 + atto / 1_000_000_000_000_000
  }

  static func log(_ event: String, _ fields: [(String, String)] = []) {
    var line = "allotd event=\(event)"
    for (k, v) in fields { line += " \(k)=\(v)" }
    line += "\n"
    let bytes = Array(line.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
  }

  /// Opens every listener; throws a message naming the address on failure.
  public func bind() throws(ServerError) {
    for address in options.listen {
      let fd: Int32
      switch address {
      case .unix(let path):
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket for \(address): \(errnoText())") }
        unlink(path)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
          throw ServerError("unix socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
          for (i, b) in bytes.enumerated() { raw[i] = b }
          raw[bytes.count] = 0
        }
        let ok = withUnsafePointer(to: &addr) {
          $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
          }
        }
        guard ok == 0 else { throw ServerError("bind \(address): \(errnoText())") }
        chmod(path, 0o600)
      case .tcp(let host, let port):
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket for \(address): \(errnoText())") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
          throw ServerError("not an IPv4 address: \(host)")
        }
        let ok = withUnsafePointer(to: &addr) {
          $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
          }
        }
        guard ok == 0 else { throw ServerError("bind \(address): \(errnoText())") }
      }
      guard listen(fd, 1024) == 0 else { throw ServerError("listen \(address): \(errnoText())") }
      setNonBlocking(fd)
      listeners.append(fd)
      Server.log("listening", [("address", address.description)])
    }
  }

  func setNonBlocking(_ fd: Int32) {
    let flags = fcntl(fd, F_GETFL, 0)
    _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
  }

  /// Runs until SIGTERM/SIGINT.
  public func run() {
    if let interval = options.allocationInterval, interval.milli > 0 {
      nextCycle = (dispatcher.engine.now.milli / interval.milli + 1) * interval.milli
    }
    ep = allot_sys_epoll_create()
    guard ep >= 0 else {
      Server.log("epoll-failed", [("error", errnoText())])
      return
    }
    for l in listeners { _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_ADD, l, UInt32(ALLOT_SYS_EPOLLIN)) }
    var readyFDs = [Int32](repeating: 0, count: 256)
    var readyEvents = [UInt32](repeating: 0, count: 256)
    var buffer = [UInt8](repeating: 0, count: 65536)
    var touched: [Int32] = []
    while !stopRequested.load(ordering: .relaxed) {
      var timeout: Int32 = 1000
      let now = dispatcher.engine.now.milli
      if nextCycle != .max { timeout = Int32(max(0, min(1000, nextCycle - now))) }
      let n = allot_sys_epoll_wait(ep, &readyFDs, &readyEvents, 256, timeout)
      if n < 0 {
        if errno == EINTR { continue }
        Server.log("epoll-wait-failed", [("error", errnoText())])
        break
      }
      touched.removeAll(keepingCapacity: true)
      for k in 0..<Int(n) {
        let fd = readyFDs[k]
        let ev = readyEvents[k]
        if listeners.contains(fd) {
          acceptAll(fd)
        } else {
          service(fd, ev, &buffer)
          touched.append(fd)
        }
      }
      runDueCycles()
      // Group commit: one fsync for everything read in this turn, then the replies.
      if journal?.hasPending == true {
        do {
          try journal!.commit()
        } catch {
          Server.log("journal-failed", [("error", error.description)])
          journalFailed = true
          break
        }
      }
      for fd in touched {
        guard connections[fd] != nil else { continue }
        flush(fd, blocking: false)
        if let c = connections[fd], c.closing, c.output.isEmpty {
          closeConnection(fd, reason: "too-large")
          continue
        }
        updateInterest(fd)
      }
      // A snapshot when one is due, once this turn's replies are out.
      if journal?.snapshotDue == true && !snapshotNow(reason: "due") {
        journalFailed = true
        break
      }
      if millis() - lastReap >= 250 {
        reapIdle()
        lastReap = millis()
      }
    }
    if journal?.hasPending == true {
      do { try journal!.commit() } catch { journalFailed = true }
    }
    if !journalFailed { _ = snapshotNow(reason: "shutdown") }
    // Stop accepting, answer what was read, flush.
    for l in listeners { close(l) }
    for fd in Array(connections.keys) {
      // After a journal failure, replies may stand for records that are not durable.
      if !journalFailed { flush(fd, blocking: true) }
      closeConnection(fd, reason: "shutdown")
    }
    for address in options.listen { if case .unix(let path) = address { unlink(path) } }
    close(ep)
    Server.log("stopped")
  }

  /// Reads while the connection may take more replies; writes while replies wait.
  func updateInterest(_ fd: Int32) {
    guard var c = connections[fd] else { return }
    var want: UInt32 = 0
    if !c.closing && c.output.count < options.maxPendingOutput { want |= UInt32(ALLOT_SYS_EPOLLIN) }
    if !c.output.isEmpty { want |= UInt32(ALLOT_SYS_EPOLLOUT) }
    if want != c.interest {
      _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_MOD, fd, want)
      c.interest = want
      connections[fd] = c
    }
  }

  func runDueCycles() {
    guard nextCycle != .max, let interval = options.allocationInterval else { return }
    let now = dispatcher.engine.now.milli
    while nextCycle <= now {
      _ = dispatcher.engine.allocateCount()
      journal?.append(now: now, line: Array(#"{"jsonrpc":"2.0","method":"allocate"}"#.utf8)[...])
      nextCycle += interval.milli
    }
  }

  func acceptAll(_ listener: Int32) {
    while true {
      let fd = allot_sys_accept_nonblocking(listener)
      if fd < 0 {
        if errno == EMFILE || errno == ENFILE {
          Server.log("accept-failed", [("error", errnoText())])
        }
        return
      }
      if connections.count >= options.maxConnections {
        close(fd)
        continue
      }
      let now = millis()
      var c = Connection(
        fd: fd, session: Session(authenticated: !requireAuth), lastActivity: now,
        lastWriteProgress: now)
      c.interest = UInt32(ALLOT_SYS_EPOLLIN)
      connections[fd] = c
      _ = allot_sys_epoll_ctl(ep, EPOLL_CTL_ADD, fd, c.interest)
    }
  }

  func service(_ fd: Int32, _ revents: UInt32, _ buffer: inout [UInt8]) {
    guard connections[fd] != nil else { return }
    let readable =
      UInt32(ALLOT_SYS_EPOLLIN) | UInt32(ALLOT_SYS_EPOLLHUP) | UInt32(ALLOT_SYS_EPOLLRDHUP)
    if revents & readable != 0
      && (connections[fd]!.interest & UInt32(ALLOT_SYS_EPOLLIN) != 0
        || revents & UInt32(ALLOT_SYS_EPOLLHUP) != 0)
    {
      let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if got == 0 {
        // Half-close: answer what was read (made durable first), then close.
        processLines(fd, final: true)
        if journal?.hasPending == true {
          do {
            try journal!.commit()
          } catch {
            // No reply for what is not durable; the loop stops.
            Server.log("journal-failed", [("error", error.description)])
            journalFailed = true
            stopRequested.store(true, ordering: .relaxed)
            closeConnection(fd, reason: "journal-failed")
            return
          }
        }
        flush(fd, blocking: true)
        closeConnection(fd, reason: "eof")
        return
      }
      if got < 0 {
        if errno != EAGAIN && errno != EINTR {
          closeConnection(fd, reason: "read-error")
          return
        }
      } else {
        connections[fd]!.input.append(contentsOf: buffer[0..<got])
        connections[fd]!.lastActivity = millis()
        processLines(fd, final: false)
      }
    } else if revents & UInt32(ALLOT_SYS_EPOLLERR) != 0 {
      closeConnection(fd, reason: "error")
      return
    }
  }

  func processLines(_ fd: Int32, final: Bool) {
    guard var c = connections.removeValue(forKey: fd) else { return }
    var start = 0
    let input = c.input
    var i = 0
    while i < input.count && !c.closing {
      if input[i] == 0x0A {
        respond(&c, input[start..<i])
        start = i + 1
      } else if i - start >= dispatcher.options.maxLine + 1 {
        // Longer than the limit (a trailing \r may still come: one byte of slack).
        respond(&c, input[start...i])
        c.closing = true
      }
      i += 1
    }
    if c.closing {
      c.input = []
    } else {
      c.input.removeFirst(start)
      if final && !c.input.isEmpty {
        respond(&c, c.input[...])
        c.input = []
      }
    }
    connections[fd] = c
  }

  func respond(_ c: inout Connection, _ line: ArraySlice<UInt8>) {
    var body = line
    if body.last == 0x0D { body = body.dropLast() }
    if body.count > dispatcher.options.maxLine { c.closing = true }
    let before = c.output.count
    let t = dispatcher.engine.now.milli
    body.withUnsafeBufferPointer { bytes in
      _ = dispatcher.handle(bytes: bytes, session: &c.session, into: &c.output)
    }
    if c.output.count > before { c.output.append(0x0A) }
    if dispatcher.lastLineMutated && journal != nil {
      journal!.append(now: t, line: body)
    }
  }

  func flush(_ fd: Int32, blocking: Bool) {
    guard var c = connections[fd], !c.output.isEmpty else { return }
    var sent = 0
    while sent < c.output.count {
      let w = c.output.withUnsafeBytes { raw in
        send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
      }
      if w > 0 {
        sent += w
        continue
      }
      if w < 0 && (errno == EAGAIN || errno == EINTR) {
        if blocking {
          var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
          if poll(&p, 1, 1000) <= 0 { break }
          continue
        }
        break
      }
      // Reset or other error: drop the output.
      sent = c.output.count
      c.closing = true
      break
    }
    if sent > 0 {
      c.output.removeFirst(sent)
      c.lastWriteProgress = millis()
    }
    connections[fd] = c
  }

  func reapIdle() {
    let now = millis()
    for (fd, c) in connections {
      if !c.output.isEmpty && now - c.lastWriteProgress > options.writeStallTimeout * 1000 {
        closeConnection(fd, reason: "write-stall")
      } else if options.idleTimeout > 0 && c.output.isEmpty
        && now - c.lastActivity > options.idleTimeout * 1000
      {
        closeConnection(fd, reason: "idle")
      }
    }
  }

  func closeConnection(_ fd: Int32, reason: String) {
    guard connections.removeValue(forKey: fd) != nil else { return }
    close(fd)
  }
}

/// A server start-up failure, with a message naming what failed.
public struct ServerError: Error, CustomStringConvertible {
  /// The message.
  public let description: String
  init(_ d: String) { description = d }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// Asks every running server loop to stop (what SIGTERM does); for hosts that run a server
/// in-process, such as `allot-bench server`.
public func requestServerStop() {
  stopRequested.store(true, ordering: .relaxed)
}

/// Installs the SIGTERM/SIGINT handlers (they set the stop flag) and ignores SIGPIPE.
public func installSignalHandlers() {
  signal(SIGPIPE, SIG_IGN)
  let handler: @convention(c) (Int32) -> Void = { _ in
    stopRequested.store(true, ordering: .relaxed)
  }
  signal(SIGTERM, handler)
  signal(SIGINT, handler)
}
