/// AllotRPC: the JSON codec and the JSON-RPC 2.0 dispatcher of the wire contract.
///
/// The C API (`allot_call_json`) and the `allotd` server both answer requests through this
/// module, so a request gets the same answer whichever way it arrives.
public enum AllotRPC {
  /// The wire contract version this module implements.
  public static let protocolVersion = "1"
}
