import Synchronization

/// The progress line of a long run, on standard error: rewritten in place (`\r`) when
/// standard error is a terminal, else plain lines at most once per interval.
///
/// Terminal updates are limited to 20 per second; `finish()` clears the line. Without a
/// terminal the first update is written at once and later ones when `interval` has passed
/// since the last written line, so a log gets a heartbeat without a flood; `finish()` then
/// writes the last update held back, so the log ends with the final state.
///
///     let p = ProgressLine(terminal: isatty(2) != 0, now: clock, write: toStderr)
///     p.update("round 3/10: 9,980 offers in 4.1 ms")
///     p.finish()
public final class ProgressLine: Sendable {
  struct State {
    var lastWrite: UInt64?
    var onLine = false
    /// Without a terminal: the latest text not written because of the throttle.
    var pending: String?
  }

  /// True when the line is rewritten in place.
  public let terminal: Bool
  /// Least nanoseconds between two plain lines (default 2 s).
  public let interval: UInt64
  let write: @Sendable (String) -> Void
  let now: @Sendable () -> UInt64
  let state = Mutex(State())

  /// Creates a progress line writing through `write`.
  ///
  /// `now` gives monotonic nanoseconds (injected so that tests need no clock).
  public init(
    terminal: Bool, interval: UInt64 = 2_000_000_000,
    now: @escaping @Sendable () -> UInt64,
    write: @escaping @Sendable (String) -> Void
  ) {
    self.terminal = terminal
    self.interval = interval
    self.now = now
    self.write = write
  }

  /// Shows `text` as the current progress (throttled, see the type's discussion).
  public func update(_ text: String) {
    let t = now()
    let out: String? = state.withLock { s in
      let gap: UInt64 = terminal ? 50_000_000 : interval
      if let last = s.lastWrite, t &- last < gap {
        if !terminal { s.pending = text }
        return nil
      }
      s.lastWrite = t
      s.pending = nil
      if terminal {
        s.onLine = true
        return "\r\u{1B}[K" + text
      }
      return text + "\n"
    }
    if let out { write(out) }
  }

  /// Ends the progress: clears the terminal line so that results print on a clean line;
  /// without a terminal, writes the last update the throttle held back, so a log ends with
  /// the final state.
  ///
  /// The next update is written at once.
  public func finish() {
    let out: String? = state.withLock { s in
      s.lastWrite = nil
      if !terminal, let p = s.pending {
        s.pending = nil
        return p + "\n"
      }
      guard terminal, s.onLine else { return nil }
      s.onLine = false
      return "\r\u{1B}[K"
    }
    if let out { write(out) }
  }
}
