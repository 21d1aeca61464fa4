/// The one error type of the engine: a kind, the offending field and a sentence.
///
/// Every throwing engine call throws `AllotError` (typed throws) and leaves the engine's
/// state exactly as it was before the call. The ``kind`` maps onto the wire contract's error
/// codes: ``Kind/invalidParams`` is JSON-RPC `-32602`, every other kind is application error
/// `1000` with `data.kind` set to the kind's raw value.
///
///     do {
///       try engine.addAgent(AgentSpec(id: "a1", resources: ["cpus": -1]))
///     } catch {
///       print(error.kind, error.field ?? "-", error.message)
///       // invalidParams resources.cpus resources.cpus must not be negative
///     }
public struct AllotError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What went wrong, in the categories of the wire contract.
  public enum Kind: String, Hashable, Sendable, CaseIterable {
    /// A parameter has the wrong type, range or form (JSON-RPC `-32602`).
    case invalidParams
    /// A named agent, framework, task or offer does not exist.
    case notFound
    /// The request contradicts the current state (duplicate id, offer no longer outstanding).
    case conflict
    /// A label selector or affinity term is malformed.
    case invalidSelector
    /// A placement constraint is malformed.
    case invalidConstraint
    /// The resources asked for are not there.
    case insufficientResources
    /// The request would take a role past its quota limit.
    case quotaExceeded
    /// The connection has not authenticated.
    case unauthorized
    /// Refused because a bound on pending work was reached; nothing changed.
    case overloaded
    /// The operation is not available in this configuration.
    case unavailable
  }

  /// The category of the error.
  public let kind: Kind
  /// The path of the offending member, such as `resources.cpus` or `tasks[2].id`, if any.
  public let field: String?
  /// A sentence a person can act on.
  public let message: String

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - kind: The category.
  ///   - field: The path of the offending member, if any.
  ///   - message: A sentence describing the problem.
  public init(_ kind: Kind, field: String?, _ message: String) {
    self.kind = kind
    self.field = field
    self.message = message
  }

  /// A one-line description: kind, field and message.
  public var description: String {
    if let field { return "\(kind.rawValue) (\(field)): \(message)" }
    return "\(kind.rawValue): \(message)"
  }

  /// The same error with its field placed under `prefix` (`agents[3]` + `id` is
  /// `agents[3].id`; without a field, the prefix alone).
  func within(_ prefix: String) -> AllotError {
    AllotError(kind, field: field.map { "\(prefix).\($0)" } ?? prefix, message)
  }

  static func invalid(_ field: String, _ message: String) -> AllotError {
    AllotError(.invalidParams, field: field, message)
  }
}
