import Allot

/// What the dispatcher needs from its host (the server or the C API).
public struct DispatcherOptions: Sendable {
  /// When set, every method but `ping` and `auth` needs an authenticated session.
  public var token: String?
  /// The manual clock, when the host runs with one (enables `clock.advance`).
  public var manualClock: ManualClock?
  /// Cycles due at k × interval run when the clock advances past them.
  public var allocationInterval: Seconds?
  /// The longest line accepted, not counting the line ending (default 1 MiB).
  public var maxLine: Int
  /// Parser limits.
  public var limits: JSONLimits

  /// Creates options.
  public init(
    token: String? = nil, manualClock: ManualClock? = nil, allocationInterval: Seconds? = nil,
    maxLine: Int = 1 << 20, limits: JSONLimits = JSONLimits()
  ) {
    self.token = token
    self.manualClock = manualClock
    self.allocationInterval = allocationInterval
    self.maxLine = maxLine
    self.limits = limits
  }
}

/// One client's connection state.
public struct Session: Sendable {
  /// Whether `auth` succeeded (or no token is required).
  public var authenticated: Bool
  /// Creates a session.
  public init(authenticated: Bool = false) { self.authenticated = authenticated }
}

/// The JSON-RPC 2.0 dispatcher of the wire contract: one line in, one line (or nothing) out.
///
/// The C API's `allot_call_json` and the `allotd` server both call ``handle(line:session:into:)``,
/// so a request gets the same answer, byte for byte apart from timing fields, whichever way
/// it arrives.
///
///     var d = try Dispatcher(engine: Engine(), options: DispatcherOptions())
///     var session = Session(authenticated: true)
///     var out: [UInt8] = []
///     d.handle(line: Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8),
///              session: &session, into: &out)
///     // out: {"jsonrpc":"2.0","id":1,"result":{"version":"1"}}
public struct Dispatcher: Sendable {
  /// The engine: one owner of the state.
  public var engine: Engine
  /// Host options.
  public let options: DispatcherOptions
  /// Counters and latencies for `stats`.
  public var stats = DispatcherStats()
  /// Whether the last line handled ran a state-changing method (a durable host journals
  /// such lines; replaying them in order rebuilds the state).
  public private(set) var lastLineMutated = false
  /// The methods that change the engine's state.
  public static let mutatingMethods: Set<String> = [
    "agent.add", "agent.update", "agent.drain", "agent.activate", "agent.remove",
    "framework.add", "framework.update", "framework.remove", "framework.suppress",
    "framework.revive", "role.update", "clock.advance", "allocate", "offer.accept",
    "offer.decline", "task.submit", "schedule", "task.place", "task.release",
  ]
  /// The next allocation cycle due with an interval (in thousandths of a second).
  var nextDue: Int64
  var parser: JSONParser
  var writer = JSONWriter()

  /// Creates a dispatcher over an engine.
  public init(engine: Engine, options: DispatcherOptions = DispatcherOptions()) {
    self.engine = engine
    self.options = options
    self.parser = JSONParser(limits: options.limits)
    stats.offersBaseline = engine.offersMade
    stats.placementsBaseline = engine.placementsMade
    if let i = options.allocationInterval, i.milli > 0 {
      let now = engine.now.milli
      nextDue = (now / i.milli + 1) * i.milli
    } else {
      nextDue = .max
    }
  }

  /// The methods of the contract.
  public static let methods: Set<String> = [
    "ping", "state", "stats", "auth", "agent.add", "agent.update", "agent.drain",
    "agent.activate", "agent.remove", "framework.add", "framework.update", "framework.remove",
    "framework.suppress", "framework.revive", "role.update", "clock.advance", "allocate",
    "offer.accept", "offer.decline", "offers", "task.submit", "schedule", "task.place",
    "task.release", "task.status", "match", "metrics",
  ]

  /// Answers one line (without its line ending), appending the response line (without
  /// `\n`) to `out`.
  ///
  /// - Returns: whether a response was written (nothing for an empty line, a notification
  ///   or a batch of notifications).
  @discardableResult
  public mutating func handle(line: [UInt8], session: inout Session, into out: inout [UInt8])
    -> Bool
  {
    line.withUnsafeBufferPointer { handle(bytes: $0, session: &session, into: &out) }
  }

  /// Answers one line given as bytes; see ``handle(line:session:into:)``.
  @discardableResult
  public mutating func handle(
    bytes: UnsafeBufferPointer<UInt8>, session: inout Session, into out: inout [UInt8]
  ) -> Bool {
    lastLineMutated = false
    var n = bytes.count
    if n > 0 && bytes[n - 1] == 0x0D { n -= 1 }
    if n == 0 { return false }
    let body = UnsafeBufferPointer(rebasing: bytes[0..<n])
    writer.reset()
    if n > options.maxLine {
      stats.error("-32600")
      writeError(
        id: nil, code: -32600,
        message: "invalid request: the line is longer than \(options.maxLine) bytes",
        kind: "tooLarge",
        field: nil)
      out.append(contentsOf: writer.bytes)
      return true
    }
    let value: JSONValue
    do {
      value = try parser.parse(body)
    } catch {
      if error.kind == .duplicateKey {
        stats.error("-32600")
        writeError(
          id: nil, code: -32600, message: "invalid request: \(error.message)", kind: nil, field: nil
        )
      } else {
        stats.error("-32700")
        writeError(
          id: nil, code: -32700, message: "parse error: \(error.message)", kind: nil, field: nil)
      }
      out.append(contentsOf: writer.bytes)
      return true
    }
    if case .array(let batch) = value {
      if batch.isEmpty {
        stats.error("-32600")
        writeError(
          id: nil, code: -32600, message: "invalid request: an empty batch", kind: nil, field: nil)
        out.append(contentsOf: writer.bytes)
        return true
      }
      writer.beginArray()
      var any = false
      for item in batch {
        if request(item, session: &session) { any = true }
      }
      writer.endArray()
      if !any { return false }
      out.append(contentsOf: writer.bytes)
      return true
    }
    if request(value, session: &session) {
      out.append(contentsOf: writer.bytes)
      return true
    }
    return false
  }

  /// Answers one request into the writer; returns false for a notification.
  mutating func request(_ v: JSONValue, session: inout Session) -> Bool {
    guard case .object(let o) = v, let version = o["jsonrpc"], case .string("2.0") = version,
      let m = o["method"], case .string(let method) = m
    else {
      stats.error("-32600")
      writeError(
        id: nil, code: -32600,
        message:
          "invalid request: a request is an object with \"jsonrpc\": \"2.0\" and a string \"method\"",
        kind: nil, field: nil)
      return true
    }
    let id = o["id"]
    if let id {
      switch id {
      case .string, .number, .null: break
      default:
        stats.error("-32600")
        writeError(
          id: nil, code: -32600, message: "invalid request: id must be a string, a number or null",
          kind: nil, field: nil)
        return true
      }
    }
    let notification = id == nil
    guard Dispatcher.methods.contains(method) else {
      stats.error("-32601")
      if notification { return false }
      writeError(
        id: id, code: -32601, message: "method not found: \(method)", kind: nil, field: nil)
      return true
    }
    stats.request(method)
    var params = JSONObject()
    if let p = o["params"] {
      switch p {
      case .object(let po): params = po
      case .null: break
      default:
        stats.error("-32602")
        if notification { return false }
        writeError(
          id: id, code: -32602, message: "params must be an object", kind: nil, field: "params")
        return true
      }
    }
    if options.token != nil && !session.authenticated && method != "ping" && method != "auth" {
      stats.error(AllotError.Kind.unauthorized.rawValue)
      if notification { return false }
      writeError(
        id: id, code: 1000, message: "authenticate first: call auth with the server's token",
        kind: "unauthorized", field: nil)
      return true
    }
    // The result is written into a scratch writer so that an error leaves no partial output.
    var result = JSONWriter()
    do {
      try call(method, Params(params), session: &session, into: &result)
    } catch {
      stats.error(error.kind == .invalidParams ? "-32602" : error.kind.rawValue)
      if notification { return false }
      if error.kind == .invalidParams {
        writeError(id: id, code: -32602, message: error.message, kind: nil, field: error.field)
      } else {
        writeError(
          id: id, code: 1000, message: error.message, kind: error.kind.rawValue, field: error.field)
      }
      return true
    }
    if Dispatcher.mutatingMethods.contains(method) { lastLineMutated = true }
    if notification { return false }
    writer.beginObject()
    writer.member("jsonrpc", "2.0")
    writer.key("id")
    writer.write(id ?? .null)
    writer.key("result")
    writer.writeRawValue(result.bytes)
    writer.endObject()
    return true
  }

  mutating func writeError(
    id: JSONValue?, code: Int, message: String, kind: String?, field: String?
  ) {
    writer.beginObject()
    writer.member("jsonrpc", "2.0")
    writer.key("id")
    writer.write(id ?? .null)
    writer.key("error")
    writer.beginObject()
    writer.member("code", code)
    writer.member("message", message)
    if kind != nil || field != nil {
      writer.key("data")
      writer.beginObject()
      if let kind { writer.member("kind", kind) }
      if let field { writer.member("field", field) }
      writer.endObject()
    }
    writer.endObject()
    writer.endObject()
  }
}

/// Request counters and latencies, as `stats` reports them.
public struct DispatcherStats: Sendable {
  /// Requests per method.
  public var requests: [String: Int] = [:]
  /// Errors per `data.kind` (application errors) or code as a string (others).
  public var errors: [String: Int] = [:]
  /// Latency samples in microseconds (a bounded ring per method).
  var latencies: [String: [Double]] = [:]
  /// The engine's offer and placement counters when the dispatcher started (stats start
  /// afresh with every server start).
  var offersBaseline: UInt64 = 0
  var placementsBaseline: UInt64 = 0

  mutating func request(_ method: String) { requests[method, default: 0] += 1 }
  mutating func error(_ key: String) { errors[key, default: 0] += 1 }

  /// Records a latency sample (the last 4096 per method are kept).
  public mutating func latency(_ method: String, micros: Double) {
    var ring = latencies[method] ?? []
    if ring.count >= 4096 { ring.removeFirst(ring.count - 4095) }
    ring.append(micros)
    latencies[method] = ring
  }

  /// The p-th percentile (0...100) of a method's latency samples; 0 without samples.
  public func percentile(_ method: String, _ p: Double) -> Double {
    guard let s = latencies[method], !s.isEmpty else { return 0 }
    let sorted = s.sorted()
    let k = Int((p / 100 * Double(sorted.count - 1)).rounded())
    return sorted[min(max(k, 0), sorted.count - 1)]
  }
}
