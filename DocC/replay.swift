// Replays the request lines of a documented session through the wire protocol's dispatcher
// and compares the answers with the documented response lines (DocC/build.sh compiles and
// runs it for WireProtocol.md).
//
//   replay REQUESTS RESPONSES
//
// REQUESTS has one request line per line, RESPONSES one response line per line. The engine
// runs with a manual clock, as `allotd --manual-clock` does. Exits 1 on the first difference.
import Allot
import AllotRPC
import Foundation

func lines(_ path: String) throws -> [String] {
  let text = try String(contentsOfFile: path, encoding: .utf8)
  return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
  print("usage: replay REQUESTS RESPONSES")
  exit(2)
}
let requests = try lines(arguments[1])
let expected = try lines(arguments[2])

let clock = ManualClock()
var dispatcher = Dispatcher(
  engine: try Engine(configuration: EngineConfiguration(clock: clock)),
  options: DispatcherOptions(manualClock: clock))
var session = Session()
var answers: [String] = []
for request in requests {
  var out: [UInt8] = []
  if dispatcher.handle(line: Array(request.utf8), session: &session, into: &out) {
    answers.append(String(decoding: out, as: UTF8.self))
  }
}

for i in 0..<max(answers.count, expected.count) {
  let got = i < answers.count ? answers[i] : "(no answer)"
  let want = i < expected.count ? expected[i] : "(not documented)"
  if got != want {
    print("response \(i + 1) differs from the documentation:\n  got  \(got)\n  want \(want)")
    exit(1)
  }
}
print("\(requests.count) requests, \(answers.count) answers as documented")
