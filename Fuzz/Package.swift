// swift-tools-version: 6.1
// Allot's libFuzzer targets, kept out of the main package so that `swift build` and
// `swift test` at the root never see them.
//
// Build (inside Fuzz/): swift build -c release --sanitize fuzzer --sanitize address
// Run: ./run.sh TARGET SECONDS (see README.md, "Fuzzing").
import PackageDescription

let package = Package(
  name: "AllotFuzz",
  dependencies: [
    // `name:` is required: without it the identity would be the checkout's folder name.
    .package(name: "Allot", path: "..")
  ],
  targets: [
    // The Kubernetes label-selector parser: round trip of the canonical text, matching.
    .executableTarget(
      name: "FuzzSelector", dependencies: [.product(name: "Allot", package: "Allot")]),
    // The Marathon constraint parser (text and array forms): round trips, evaluation.
    .executableTarget(
      name: "FuzzConstraint", dependencies: [.product(name: "Allot", package: "Allot")]),
    // The JSON parser and writer: parse, write, parse gives an equal value; writing is stable.
    .executableTarget(
      name: "FuzzJSON", dependencies: [.product(name: "AllotRPC", package: "Allot")]),
    // The dispatcher fed request sequences, the engine's invariants and atomicity checked
    // after every request.
    .executableTarget(
      name: "FuzzDispatcher",
      dependencies: [
        .product(name: "Allot", package: "Allot"), .product(name: "AllotRPC", package: "Allot"),
      ]),
    // allot_call_json of liballot.so with arbitrary bytes (ASan checks frees and leaks).
    .executableTarget(
      name: "FuzzCAPI", dependencies: [.product(name: "allot", package: "Allot")]),
  ],
  swiftLanguageModes: [.v6]
)
