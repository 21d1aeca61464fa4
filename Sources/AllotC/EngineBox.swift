import Allot
import AllotRPC
import CAllot
import Synchronization

/// The state behind one `allot_engine *`, guarded by its mutex.
///
/// The dispatcher owns the engine, so typed calls and `allot_call_json` act on one state,
/// one call at a time.
struct Core: ~Copyable {
  var dispatcher: Dispatcher
  /// The C API is always authorised.
  var session = Session(authenticated: true)
  var resources = ResourceTable()
  var errors = ErrorTable()
  /// Response bytes of `allot_call_json`, reused between calls.
  var scratch: [UInt8] = []

  init(dispatcher: Dispatcher) {
    self.dispatcher = dispatcher
  }
}

/// The object an `allot_engine *` points to: a retained reference made by
/// `allot_engine_create` and released by `allot_engine_destroy`.
final class EngineBox: Sendable {
  let core: Mutex<Core>

  init(_ core: consuming sending Core) {
    self.core = Mutex(core)
  }
}

/// Failures of calls that have no engine to record them in (`allot_engine_create`, a NULL
/// engine, `allot_config_init`), read by `allot_errmsg(NULL)`.
let detachedErrors = Mutex(ErrorTable())

/// Records a failure that has no engine and returns its status.
func recordDetached(_ failure: Failure) -> allot_status {
  detachedErrors.withLock { $0.record(failure) }
  return failure.status
}

/// Runs `body` on the engine's state under its lock; a thrown ``Failure`` is recorded for
/// `allot_errmsg` and becomes the status.
///
/// A NULL engine is `ALLOT_MISUSE`, recorded for `allot_errmsg(NULL)`.
@inline(__always)
func withCore(_ engine: OpaquePointer?, _ body: (inout Core) throws(Failure) -> Void)
  -> allot_status
{
  guard let engine else { return recordDetached(.misuse("engine is NULL", field: "engine")) }
  return Unmanaged<EngineBox>.fromOpaque(UnsafeRawPointer(engine))._withUnsafeGuaranteedRef {
    box in
    box.core.withLock { core -> allot_status in
      do throws(Failure) {
        try body(&core)
        return .ALLOT_OK
      } catch {
        core.errors.record(error)
        return error.status
      }
    }
  }
}
