import Testing

@testable import AllotBenchKit

/// Option parsing: values, flags, both spellings, and an error naming every kind of mistake.
@Suite struct OptionsTests {
  let values: Set<String> = ["agents", "json", "sizes", "noise-floor"]
  let flags: Set<String> = ["help", "plain"]

  @Test func valuesAndFlags() throws {
    let o = try Options(
      ["--agents", "10_000", "--json=out.json", "--plain", "--sizes", "1000, 5000"],
      valueNames: values, flagNames: flags)
    #expect(try o.int("agents", 1) == 10_000)
    #expect(o.values["json"] == "out.json")
    #expect(o.flags == ["plain"])
    #expect(try o.intList("sizes") == [1000, 5000])
    #expect(try o.int("rounds", 7) == 7)
    #expect(try o.intList("missing") == nil)
    #expect(try o.double("noise-floor", 3) == 3)
  }

  static let bad: [([String], String)] = [
    (["--rounds", "3"], "unknown option --rounds"),
    (["--agents"], "option --agents needs a value"),
    (["--agents", "--plain"], "option --agents needs a value"),
    (["--plain=yes"], "option --plain takes no value"),
    (["agents"], "unexpected argument 'agents' (options start with --)"),
    (["--"], "unexpected argument '--' (options start with --)"),
  ]

  @Test(arguments: bad) func parseErrors(args: [String], message: String) {
    #expect(throws: BenchError(message)) {
      try Options(args, valueNames: values, flagNames: flags)
    }
  }

  static let badValues: [(String, String, String)] = [
    ("agents", "0", "--agents takes a positive integer, not '0'"),
    ("agents", "ten", "--agents takes a positive integer, not 'ten'"),
    ("agents", "-5", "--agents takes a positive integer, not '-5'"),
    ("sizes", "1000,,5000", "--sizes[1] '' is not a positive integer"),
    ("sizes", "1000,x", "--sizes[1] 'x' is not a positive integer"),
    ("noise-floor", "-1", "--noise-floor takes a number >= 0, not '-1'"),
    ("noise-floor", "nan", "--noise-floor takes a number >= 0, not 'nan'"),
  ]

  @Test(arguments: badValues) func valueErrors(name: String, value: String, message: String)
    throws
  {
    let o = try Options(["--\(name)=\(value)"], valueNames: values, flagNames: flags)
    #expect(throws: BenchError(message)) {
      switch name {
      case "sizes": _ = try o.intList(name)
      case "noise-floor": _ = try o.double(name, 0)
      default: _ = try o.int(name, 1)
      }
    }
  }
}
