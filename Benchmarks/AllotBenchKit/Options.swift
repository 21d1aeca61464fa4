import Foundation

/// A command-line or input error of allot-bench, with a sentence naming what was wrong.
///
/// allot-bench prints the sentence and the usage and exits with status 2.
public struct BenchError: Error, CustomStringConvertible, Equatable {
  /// The sentence, naming the option or field at fault.
  public var description: String

  /// Creates an error with its sentence.
  ///
  /// Use ``usage(_:)`` at call sites: `throw BenchError.usage("--agents takes ...")`.
  public init(_ description: String) { self.description = description }

  /// A usage or input error with its sentence.
  ///
  /// Kept as a static function so that existing `throw BenchError.usage("...")` call sites
  /// read as before.
  public static func usage(_ s: String) -> BenchError { BenchError(s) }
}

/// Parsed command-line options: `--name value` pairs and `--flag`s, checked against the
/// names a subcommand accepts.
///
/// Both `--name value` and `--name=value` are accepted. An option not declared, a value
/// option without its value, a flag given a value, or a stray positional argument is a
/// ``BenchError`` naming it.
///
///     let o = try Options(["--agents", "100", "--json=x.json"],
///                         valueNames: ["agents", "json"], flagNames: ["help"])
///     try o.int("agents", 10)  // 100
public struct Options: Sendable {
  /// The value options given, by name without the dashes.
  public var values: [String: String] = [:]
  /// The flags given, by name without the dashes.
  public var flags: Set<String> = []

  /// Parses `args` against the declared value options and flags.
  ///
  /// - Throws: ``BenchError`` naming the unknown option, the missing value or the stray
  ///   argument.
  public init(_ args: [String], valueNames: Set<String>, flagNames: Set<String>) throws {
    var i = 0
    while i < args.count {
      let a = args[i]
      guard a.hasPrefix("--"), a.count > 2 else {
        throw BenchError("unexpected argument '\(a)' (options start with --)")
      }
      var name = String(a.dropFirst(2))
      var inline: String?
      if let eq = name.firstIndex(of: "=") {
        inline = String(name[name.index(after: eq)...])
        name = String(name[..<eq])
      }
      if flagNames.contains(name) {
        guard inline == nil else { throw BenchError("option --\(name) takes no value") }
        flags.insert(name)
      } else if valueNames.contains(name) {
        if let inline {
          values[name] = inline
        } else {
          guard i + 1 < args.count, !args[i + 1].hasPrefix("--") else {
            throw BenchError("option --\(name) needs a value")
          }
          values[name] = args[i + 1]
          i += 1
        }
      } else {
        throw BenchError("unknown option --\(name)")
      }
      i += 1
    }
  }

  /// The positive integer value of `--name`, or `def` when it is not given.
  ///
  /// Underscores are allowed as digit separators (`10_000`).
  ///
  /// - Throws: ``BenchError`` when the value is not a positive integer.
  public func int(_ name: String, _ def: Int) throws -> Int {
    guard let v = values[name] else { return def }
    guard let n = Int(v.replacingOccurrences(of: "_", with: "")), n > 0 else {
      throw BenchError("--\(name) takes a positive integer, not '\(v)'")
    }
    return n
  }

  /// The comma-separated positive integers of `--name` (`1000,5000,10000`), or nil when it
  /// is not given.
  ///
  /// - Throws: ``BenchError`` when the list is empty or an element is not a positive
  ///   integer.
  public func intList(_ name: String) throws -> [Int]? {
    guard let v = values[name] else { return nil }
    let parts = v.split(separator: ",", omittingEmptySubsequences: false)
    var out: [Int] = []
    for (i, p) in parts.enumerated() {
      let t = p.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
      guard let n = Int(t), n > 0 else {
        throw BenchError("--\(name)[\(i)] '\(p)' is not a positive integer")
      }
      out.append(n)
    }
    return out
  }

  /// The non-negative number value of `--name`, or `def` when it is not given.
  ///
  /// - Throws: ``BenchError`` when the value is not a finite number >= 0.
  public func double(_ name: String, _ def: Double) throws -> Double {
    guard let v = values[name] else { return def }
    guard let d = Double(v), d.isFinite, d >= 0 else {
      throw BenchError("--\(name) takes a number >= 0, not '\(v)'")
    }
    return d
  }
}
