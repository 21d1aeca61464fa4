import Allot
import AllotRPC
import AllotServer

#if canImport(Glibc)
  import Glibc
#endif

let usage = """
  usage: allotd [options]

    --listen unix:PATH | tcp:HOST:PORT   where to listen (repeatable; default
                                        unix:$XDG_RUNTIME_DIR/allotd.sock, else ./allotd.sock)
    --manual-clock                      the clock starts at 0 and moves only with clock.advance
    --allocation-interval SECONDS       run an allocation cycle every SECONDS (default: none)
    --exclude-from-shares NAME          leave a resource out of dominant shares (repeatable)
    --min-allocatable 'cpus:0.01|mem:32' the minimum offer: `|` separates alternatives, `;`
                                        joins amounts that must all be present
    --shuffle-seed N                    visit agents in a seeded shuffle redone every cycle
    --max-line BYTES                    longest request line (default 1048576)
    --max-connections N                 default 4096
    --idle-timeout SECONDS              close idle connections (default: never)
    --write-stall-timeout SECONDS       close connections whose replies stall (default 30)
    --token-file FILE                   require `auth` with the file's first line first
    --data-dir DIR                      durable state: every state-changing request is
                                        journaled and fsynced before its reply; start-up
                                        loads the snapshot and replays the journal after it
                                        (outstanding offers are rescinded)
    --snapshot-every RECORDS            snapshot the state and start a new journal segment
                                        after this many records (default 100000; 0: never
                                        by count); also at clean shutdown and start-up
    --snapshot-bytes BYTES              ... or after this many journal bytes (default
                                        67108864; 0: never by size)
    --help                              this text

  Without --data-dir state is kept in memory only. Newline-delimited JSON-RPC 2.0, see the
  wire contract.
  """

func printError(_ message: String) {
  let bytes = Array("allotd: \(message)\n".utf8)
  _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
  printError(message)
  exit(2)
}

var args = Array(CommandLine.arguments.dropFirst())
var options = ServerOptions()
var manualClock = false
var interval: Seconds?
var exclude: [String] = []
var minimum: [ResourceSpec]?
var seed: UInt64?
var maxLine = 1 << 20
var tokenFile: String?
var dataDir: String?
var snapshotEvery = 100_000
var snapshotBytes = 64 << 20

@MainActor func value(_ name: String) -> String {
  guard !args.isEmpty else { fail("\(name) needs a value") }
  return args.removeFirst()
}

func parseMinimum(_ text: String) -> [ResourceSpec] {
  var out: [ResourceSpec] = []
  for alternative in text.split(separator: "|", omittingEmptySubsequences: false) {
    var spec = ResourceSpec()
    for amount in alternative.split(separator: ";", omittingEmptySubsequences: false) {
      let parts = amount.split(separator: ":", maxSplits: 1)
      guard parts.count == 2, let q = try? Quantity(parsing: String(parts[1])) else {
        fail("--min-allocatable: '\(amount)' is not NAME:AMOUNT")
      }
      spec.entries.append(.init(name: String(parts[0]), value: .scalar(q)))
    }
    out.append(spec)
  }
  return out
}

while !args.isEmpty {
  let a = args.removeFirst()
  switch a {
  case "--help", "-h":
    print(usage)
    exit(0)
  case "--listen":
    let v = value(a)
    guard let address = ListenAddress(v) else {
      fail("--listen takes unix:PATH or tcp:HOST:PORT, not \(v)")
    }
    options.listen.append(address)
  case "--manual-clock": manualClock = true
  case "--allocation-interval":
    guard let s = try? Seconds(parsing: value(a)), s.milli > 0 else {
      fail("--allocation-interval takes a number of seconds above 0")
    }
    interval = s
  case "--exclude-from-shares": exclude.append(value(a))
  case "--min-allocatable": minimum = parseMinimum(value(a))
  case "--shuffle-seed":
    guard let n = UInt64(value(a)) else { fail("--shuffle-seed takes an unsigned integer") }
    seed = n
  case "--max-line":
    guard let n = Int(value(a)), n > 0 else { fail("--max-line takes a positive integer") }
    maxLine = n
  case "--max-connections":
    guard let n = Int(value(a)), n > 0 else { fail("--max-connections takes a positive integer") }
    options.maxConnections = n
  case "--idle-timeout":
    guard let n = Int64(value(a)), n >= 0 else { fail("--idle-timeout takes seconds") }
    options.idleTimeout = n
  case "--write-stall-timeout":
    guard let n = Int64(value(a)), n > 0 else { fail("--write-stall-timeout takes seconds") }
    options.writeStallTimeout = n
  case "--token-file": tokenFile = value(a)
  case "--data-dir": dataDir = value(a)
  case "--snapshot-every":
    guard let n = Int(value(a)), n >= 0 else { fail("--snapshot-every takes a record count") }
    snapshotEvery = n
  case "--snapshot-bytes":
    guard let n = Int(value(a)), n >= 0 else { fail("--snapshot-bytes takes a byte count") }
    snapshotBytes = n
  default:
    fail("unknown option \(a)\n\n\(usage)")
  }
}

// SIGTERM/SIGINT go to the loop through a signalfd (blocked from here on: before any thread).
installSignalHandlers()

if options.listen.isEmpty {
  if let dir = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), !dir.isEmpty {
    options.listen = [.unix("\(dir)/allotd.sock")]
  } else {
    options.listen = [.unix("./allotd.sock")]
  }
}

var token: String?
if let path = tokenFile {
  guard let f = fopen(path, "r") else { fail("--token-file: cannot read \(path)") }
  var line: UnsafeMutablePointer<CChar>?
  var cap = 0
  let n = getline(&line, &cap, f)
  fclose(f)
  var bytes: [UInt8] = n > 0 ? Array(UnsafeRawBufferPointer(start: line!, count: n)) : []
  free(line)
  // The first line without its line ending (\n or \r\n), compared as bytes.
  if bytes.last == 0x0A { bytes.removeLast() }
  if bytes.last == 0x0D { bytes.removeLast() }
  token = String(decoding: bytes, as: UTF8.self)
}

let clock: any EngineClock
if manualClock {
  clock = ManualClock()
} else if dataDir != nil {
  clock = ResumableClock()
} else {
  clock = SystemClock()
}
var configuration = EngineConfiguration(excludeFromShares: exclude, shuffleSeed: seed, clock: clock)
if let minimum { configuration.minAllocatable = minimum }
var engine: Engine
do {
  engine = try Engine(configuration: configuration)
} catch {
  fail("\(error.field ?? "configuration"): \(error.message)")
}
let dispatcherOptions = DispatcherOptions(
  token: token, manualClock: clock as? ManualClock,
  allocationInterval: manualClock ? interval : nil,
  maxLine: maxLine)

var journal: Journal?
if let dir = dataDir {
  do {
    let (j, restored, replayed) = try DurableState.recover(
      directory: dir, configuration: configuration, options: dispatcherOptions)
    j.snapshotEveryRecords = snapshotEvery
    j.snapshotEveryBytes = snapshotBytes
    if let point = getenv("ALLOTD_CRASH_AT").map({ String(cString: $0) }) {
      // Fault injection for the crash tests: exit at once at this step of a snapshot.
      j.faultHook = { step in if step == point { _exit(86) } }
    }
    journal = j
    engine = restored
    printError("restored \(dir): snapshot and \(replayed) journal records")
  } catch {
    fail(error.description)
  }
}

if !manualClock { options.allocationInterval = interval }
// Every connection is a descriptor: take the hard limit (the refusal path of the loop copes
// when even that runs out).
if let limit = raiseOpenFileLimit(), limit < options.maxConnections + 16 {
  printError(
    "the open file limit (\(limit)) is below --max-connections (\(options.maxConnections))")
}
let server = Server(
  dispatcher: Dispatcher(engine: engine, options: dispatcherOptions), options: options)
server.journal = journal
do {
  try server.bind()
} catch {
  fail(error.description)
}
if dataDir == nil { printError("state is kept in memory only (no --data-dir)") }
server.run()
exit(server.durabilityFailed ? 1 : 0)
