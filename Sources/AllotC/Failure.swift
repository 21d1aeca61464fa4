import Allot
import CAllot

/// An error on its way to the C caller: a status, a sentence and the offending field.
///
/// Everything that can go wrong inside a C entry point becomes a `Failure`, which the entry
/// point records for `allot_errmsg` and turns into its status: nothing thrown crosses the C
/// boundary.
struct Failure: Error {
  var status: allot_status
  var message: String
  var field: String?

  init(_ status: allot_status, _ message: String, field: String? = nil) {
    self.status = status
    self.message = message
    self.field = field
  }

  /// An engine error, with its contract kind as the status.
  init(_ error: AllotError) {
    self.init(allot_status(error.kind), error.message, field: error.field)
  }

  /// Wrong use of the API: a NULL pointer, a bad length or size, an id never issued.
  static func misuse(_ message: String, field: String? = nil) -> Failure {
    Failure(.ALLOT_MISUSE, message, field: field)
  }

  /// A parameter with the wrong value (the contract's -32602).
  static func invalid(_ field: String, _ message: String) -> Failure {
    Failure(.ALLOT_INVALID_PARAMS, message, field: field)
  }

  /// A result that could not be allocated.
  static func noMemory(_ what: String) -> Failure {
    Failure(.ALLOT_NOMEM, "out of memory: \(what) could not be allocated")
  }
}

extension allot_status {
  /// The status of an engine error kind: codes 1 to 10 follow the contract's kinds.
  init(_ kind: AllotError.Kind) {
    switch kind {
    case .invalidParams: self = .ALLOT_INVALID_PARAMS
    case .notFound: self = .ALLOT_NOT_FOUND
    case .conflict: self = .ALLOT_CONFLICT
    case .invalidSelector: self = .ALLOT_INVALID_SELECTOR
    case .invalidConstraint: self = .ALLOT_INVALID_CONSTRAINT
    case .insufficientResources: self = .ALLOT_INSUFFICIENT_RESOURCES
    case .quotaExceeded: self = .ALLOT_QUOTA_EXCEEDED
    case .unauthorized: self = .ALLOT_UNAUTHORIZED
    case .overloaded: self = .ALLOT_OVERLOADED
    case .unavailable: self = .ALLOT_UNAVAILABLE
    }
  }
}

/// Runs an engine call, turning its typed error into a ``Failure``.
@inline(__always)
func engineCall<R>(_ body: () throws(AllotError) -> R) throws(Failure) -> R {
  do {
    return try body()
  } catch {
    throw Failure(error)
  }
}
