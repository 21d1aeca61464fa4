import Allot
import AllotRPC
public import CAllot

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// The C entry points for versions, status names, configuration, engines, error messages and
// resource ids. allot.h documents each one; these are its implementations, checked against
// its declarations by the compiler.

/// Implements `allot_version`: the library's version text.
@c @implementation
public func allot_version() -> UnsafePointer<CChar>? {
  StaticText.pointer(StaticText.version)
}

/// Implements `allot_version_number`: the library's `ALLOT_VERSION_NUMBER`.
@c @implementation
public func allot_version_number() -> Int32 {
  StaticText.versionNumber
}

/// Implements `allot_errstr`: the short name of a status code.
@c @implementation
public func allot_errstr(_ status: Int32) -> UnsafePointer<CChar>? {
  let s: StaticString
  switch status {
  case 0: s = "ok"
  case 1: s = "invalidParams"
  case 2: s = "notFound"
  case 3: s = "conflict"
  case 4: s = "invalidSelector"
  case 5: s = "invalidConstraint"
  case 6: s = "insufficientResources"
  case 7: s = "quotaExceeded"
  case 8: s = "unauthorized"
  case 9: s = "overloaded"
  case 10: s = "unavailable"
  case 20: s = "misuse"
  case 21: s = "nomem"
  case 22: s = "internal"
  default: s = "unknown"
  }
  return StaticText.pointer(s)
}

/// The size of the first `allot_config` (version 0.1): every later one is at least as large.
let firstConfigSize = MemoryLayout<allot_config>.size

/// Implements `allot_config_init`: zeroes the struct (every zero is a default) and sets its
/// size.
@c @implementation
public func allot_config_init(_ config: UnsafeMutablePointer<allot_config>?, _ structSize: Int)
  -> allot_status
{
  guard let config else { return recordDetached(.misuse("config is NULL", field: "config")) }
  guard structSize >= firstConfigSize else {
    return recordDetached(
      .misuse(
        "struct_size \(structSize) is smaller than an allot_config (\(firstConfigSize))",
        field: "struct_size"))
  }
  memset(config, 0, structSize)
  config.pointee.struct_size = structSize
  return .ALLOT_OK
}

/// Implements `allot_engine_create`: validates the configuration and makes an engine.
@c @implementation
public func allot_engine_create(
  _ config: UnsafePointer<allot_config>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> allot_status {
  guard let out else { return recordDetached(.misuse("out is NULL", field: "out")) }
  out.pointee = nil
  do throws(Failure) {
    let dispatcher = try EngineSettings(config).makeDispatcher()
    let box = EngineBox(Core(dispatcher: dispatcher))
    out.pointee = OpaquePointer(Unmanaged.passRetained(box).toOpaque())
    return .ALLOT_OK
  } catch {
    return recordDetached(error)
  }
}

/// Implements `allot_engine_destroy`: releases the engine and everything it owns.
@c @implementation
public func allot_engine_destroy(_ engine: OpaquePointer?) {
  guard let engine else { return }
  Unmanaged<EngineBox>.fromOpaque(UnsafeRawPointer(engine)).release()
}

/// Implements `allot_errmsg`: the calling thread's last failure on the engine.
@c @implementation
public func allot_errmsg(_ engine: OpaquePointer?) -> UnsafePointer<CChar>? {
  guard let engine else { return detachedErrors.withLock { $0.message() } }
  return Unmanaged<EngineBox>.fromOpaque(UnsafeRawPointer(engine))._withUnsafeGuaranteedRef {
    $0.core.withLock { $0.errors.message() }
  }
}

/// Implements `allot_errfield`: the field of the calling thread's last failure on the engine.
@c @implementation
public func allot_errfield(_ engine: OpaquePointer?) -> UnsafePointer<CChar>? {
  guard let engine else { return detachedErrors.withLock { $0.field() } }
  return Unmanaged<EngineBox>.fromOpaque(UnsafeRawPointer(engine))._withUnsafeGuaranteedRef {
    $0.core.withLock { $0.errors.field() }
  }
}

/// Implements `allot_resource_id`: interns a (name, kind).
@c @implementation
public func allot_resource_id(
  _ engine: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ kind: Int32,
  _ out: UnsafeMutablePointer<allot_resource>?
) -> allot_status {
  withCore(engine) { core throws(Failure) in
    guard let out else { throw .misuse("out is NULL", field: "out") }
    let n = try CInput.string(name, field: "name")
    guard kind == 0 || kind == 1 else {
      throw .invalid("kind", "kind \(kind) is neither ALLOT_SCALAR (0) nor ALLOT_RANGES (1)")
    }
    out.pointee = try core.resources.intern(n, ranges: kind == 1)
  }
}

/// Implements `allot_resource_name`: the name and kind of an id.
@c @implementation
public func allot_resource_name(
  _ engine: OpaquePointer?, _ id: allot_resource,
  _ name: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
  _ kind: UnsafeMutablePointer<Int32>?
) -> allot_status {
  withCore(engine) { core throws(Failure) in
    guard let name else { throw .misuse("name is NULL", field: "name") }
    let e = try core.resources.entry(id, field: "id")
    name.pointee = core.resources.cName(id)
    kind?.pointee = e.ranges ? 1 : 0
  }
}

/// The engine settings an `allot_config` carries, read and checked.
struct EngineSettings {
  var manualClock = false
  var shuffleSeed: UInt64?
  var minAllocatable: [ResourceSpec]?
  var excludeFromShares: [String] = []
  var allocationInterval: Seconds?
  var maxLine = 1 << 20

  /// Reads a configuration; NULL is the defaults.
  init(_ config: UnsafePointer<allot_config>?) throws(Failure) {
    guard let config else { return }
    let size = config.pointee.struct_size
    guard size >= firstConfigSize else {
      throw .misuse(
        "config->struct_size \(size) is smaller than an allot_config (\(firstConfigSize)): "
          + "set it to sizeof(allot_config) or call allot_config_init", field: "struct_size")
    }
    if size > firstConfigSize {
      // A newer header: accept it when every field this library does not know is zero (its
      // default), as the Linux kernel's copy_struct_from_user does.
      let raw = UnsafeRawPointer(config)
      for i in MemoryLayout<allot_config>.size..<size
      where raw.load(fromByteOffset: i, as: UInt8.self) != 0 {
        throw .misuse(
          "config->struct_size \(size) is larger than this library's allot_config "
            + "(\(firstConfigSize)) and sets fields it does not know: link a newer liballot",
          field: "struct_size")
      }
    }
    let c = config.pointee
    manualClock = c.manual_clock != 0
    if c.use_shuffle_seed != 0 { shuffleSeed = c.shuffle_seed }
    if let text = try CInput.optionalString(c.min_allocatable, field: "min_allocatable") {
      minAllocatable = try EngineSettings.parseMinimum(text)
    }
    excludeFromShares = try CInput.strings(
      c.exclude_from_shares, c.exclude_from_shares_count, field: "exclude_from_shares")
    if c.allocation_interval_milli < 0 {
      throw .invalid("allocation_interval_milli", "allocation_interval_milli must not be negative")
    }
    if c.allocation_interval_milli > 0 {
      allocationInterval = Seconds(milli: c.allocation_interval_milli)
    }
    if c.max_line < 0 {
      throw .misuse("max_line is larger than the address space", field: "max_line")
    }
    if c.max_line > 0 { maxLine = c.max_line }
  }

  /// Parses `--min-allocatable` syntax: `cpus:0.01|mem:32`; `|` separates alternatives and
  /// `;` joins amounts that must all be present; "" is no minimum.
  static func parseMinimum(_ text: String) throws(Failure) -> [ResourceSpec] {
    if text.isEmpty { return [] }
    var out: [ResourceSpec] = []
    for alternative in text.split(separator: "|", omittingEmptySubsequences: false) {
      var spec = ResourceSpec()
      for amount in alternative.split(separator: ";", omittingEmptySubsequences: false) {
        guard let colon = amount.firstIndex(of: ":") else {
          throw .invalid(
            "min_allocatable",
            "min_allocatable: '\(amount)' is not name:amount (as in cpus:0.01|mem:32)")
        }
        let name = String(amount[..<colon])
        try ResourceTable.validate(name, field: "min_allocatable")
        let q = try engineCall { () throws(AllotError) in
          try Quantity(
            parsing: String(amount[amount.index(after: colon)...]), field: "min_allocatable")
        }
        spec.entries.append(ResourceSpec.Entry(name: name, value: .scalar(q)))
      }
      out.append(spec)
    }
    return out
  }

  /// The dispatcher (and its engine) these settings describe.
  func makeDispatcher() throws(Failure) -> Dispatcher {
    let manual: ManualClock? = manualClock ? ManualClock() : nil
    var configuration = EngineConfiguration(
      excludeFromShares: excludeFromShares, shuffleSeed: shuffleSeed,
      clock: manual ?? SystemClock())
    if let minAllocatable { configuration.minAllocatable = minAllocatable }
    let engine = try engineCall { () throws(AllotError) in
      try Engine(configuration: configuration)
    }
    return Dispatcher(
      engine: engine,
      options: DispatcherOptions(
        manualClock: manual, allocationInterval: allocationInterval, maxLine: maxLine))
  }
}
