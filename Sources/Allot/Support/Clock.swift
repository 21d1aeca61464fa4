import Synchronization

/// A time or a duration in seconds, fixed point with three decimals like scalar quantities.
///
///     let t = Seconds(milli: 1500)          // 1.5 s
///     let r = try Seconds(parsing: "30")    // 30 s
///     print(t)                              // "1.5"
@frozen
public struct Seconds: Hashable, Comparable, Sendable, CustomStringConvertible,
  ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral
{
  /// Thousandths of a second.
  public var milli: Int64

  /// Creates a value from thousandths of a second.
  @inlinable public init(milli: Int64) { self.milli = milli }

  /// Whole seconds.
  public init(integerLiteral value: Int64) { milli = value * 1000 }

  /// Fractional seconds, rounded half-up to the millisecond from the shortest decimal form.
  public init(floatLiteral value: Double) { milli = Quantity(floatLiteral: value).milli }

  /// Parses decimal text as scalar quantities are parsed (half-up to 0.001; negative
  /// values are rejected).
  ///
  /// - Throws: ``AllotError/Kind/invalidParams`` naming `field`.
  public init(parsing text: String, field: String = "seconds") throws(AllotError) {
    milli = try Quantity(parsing: text, field: field).milli
  }

  /// Zero.
  public static let zero = Seconds(milli: 0)

  /// `1.5`, `30`.
  public var description: String { Quantity.format(milli: milli) }

  /// Orders by value.
  @inlinable public static func < (a: Seconds, b: Seconds) -> Bool { a.milli < b.milli }
  /// The sum.
  @inlinable public static func + (a: Seconds, b: Seconds) -> Seconds {
    Seconds(milli: a.milli &+ b.milli)
  }
}

/// Where the engine reads the current time.
///
/// The engine asks its clock once per call; decline filters expire on this clock. Tests and
/// simulations use ``ManualClock``; servers use ``SystemClock``.
public protocol EngineClock: Sendable {
  /// The current time in seconds since the clock's start.
  func now() -> Seconds
}

/// A clock that moves only when told: starts at 0.
///
///     let clock = ManualClock()
///     var engine = try Engine(configuration: .init(clock: clock))
///     clock.advance(by: 30)   // filters set for 30 s no longer apply
public final class ManualClock: EngineClock {
  private let current: Mutex<Int64>

  /// Creates a clock at `start` (default 0).
  public init(start: Seconds = .zero) { current = Mutex(start.milli) }

  /// The current time.
  public func now() -> Seconds { Seconds(milli: current.withLock { $0 }) }

  /// Moves the clock forward.
  ///
  /// - Parameter seconds: A non-negative duration.
  public func advance(by seconds: Seconds) {
    current.withLock { $0 &+= max(0, seconds.milli) }
  }

  /// Sets the clock to an absolute time (never backwards).
  public func set(_ time: Seconds) {
    current.withLock { $0 = max($0, time.milli) }
  }
}

/// A monotonic clock: seconds since the clock was created, in milliseconds.
public struct SystemClock: EngineClock {
  private let start: ContinuousClock.Instant

  /// Creates a clock that starts now.
  public init() { start = ContinuousClock.now }

  /// Seconds since creation.
  public func now() -> Seconds {
    let d = ContinuousClock.now - start
    let (s, atto) = d.components
    return Seconds(milli: s * 1000 + atto / 1_000_000_000_000_000)
  }
}
