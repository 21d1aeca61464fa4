// swift-tools-version: 6.1
// Allot: a resource-allocation engine for shared clusters.
//
// No package dependencies: only the toolchain's Foundation, Dispatch, Synchronization and Glibc.
// Swift 6 language mode (strict concurrency) everywhere.
import PackageDescription

/// `ALLOT_INTERNAL_CHECKS` compiles the engine's invariant checks (resource accounting, sorter
/// order) into debug builds, so that `swift test` runs with them; release builds run without.
let internalChecks: [SwiftSetting] = [
  .define("ALLOT_INTERNAL_CHECKS", .when(configuration: .debug))
]

/// This manifest's folder: the version script's path must not depend on the directory the
/// link runs in (a package depending on this one by path, such as Fuzz/, links from its own).
let packageDirectory = String(#filePath.dropLast("/Package.swift".count))

let package = Package(
  name: "Allot",
  products: [
    .library(name: "Allot", targets: ["Allot"]),
    // The JSON codec and the dispatcher, for Swift hosts of the wire contract (and Fuzz/).
    .library(name: "AllotRPC", targets: ["AllotRPC"]),
    .executable(name: "allot-bench", targets: ["AllotBench"]),
    .executable(name: "allotd", targets: ["allotd"]),
    // liballot.so: the C API of Sources/CAllot/include/allot.h.
    .library(name: "allot", type: .dynamic, targets: ["AllotC"]),
  ],
  targets: [
    // The engine: resources, cluster state, hierarchical DRF, the offer cycle.
    .target(name: "Allot", swiftSettings: internalChecks),
    // The JSON codec and the JSON-RPC dispatcher of the wire contract (used by the C API and
    // the server).
    .target(name: "AllotRPC", dependencies: ["Allot"], swiftSettings: internalChecks),
    // allot.h, the C ABI and its single source of truth (a header only: AllotC implements it).
    .target(name: "CAllot", exclude: ["allot.pc.in"]),
    // The C API: `@c @implementation` of every allot.h function, so the compiler checks each
    // signature against the header. The version script (Sources/AllotC/allot.map) makes
    // liballot.so export allot_* only; being an unsafe flag, it keeps the `allot` product
    // from being used as a package dependency (the Swift products are unaffected).
    .target(
      name: "AllotC",
      dependencies: ["CAllot", "Allot", "AllotRPC"],
      exclude: ["allot.map"],
      linkerSettings: [
        .unsafeFlags(["-Xlinker", "--version-script=\(packageDirectory)/Sources/AllotC/allot.map"])
      ]
    ),
    // The socket server: one thread, non-blocking sockets, epoll(7), newline-delimited
    // JSON-RPC through the dispatcher.
    // epoll and accept4, which Glibc's Swift module does not export (static inline wrappers).
    .target(name: "CAllotSys"),
    .target(name: "AllotServer", dependencies: ["Allot", "AllotRPC", "CAllotSys"]),
    .executableTarget(name: "allotd", dependencies: ["Allot", "AllotRPC", "AllotServer"]),
    // allot-bench's pure pieces (result file, baseline rule, table, SVG chart, options,
    // progress line): no engine dependency, so AllotBenchTests test them alone.
    .target(name: "AllotBenchKit", path: "Benchmarks/AllotBenchKit"),
    // allot-bench: the benchmark driver (the README's main command). AllotC is linked in so
    // that `allot-bench capi` calls the allot_* functions of allot.h through their C entry
    // points, as a C caller does.
    .executableTarget(
      name: "AllotBench",
      dependencies: ["Allot", "AllotRPC", "AllotServer", "AllotBenchKit", "AllotC", "CAllot"],
      path: "Benchmarks/AllotBench"
    ),
    .testTarget(name: "AllotTests", dependencies: ["Allot"], swiftSettings: internalChecks),
    .testTarget(
      name: "AllotRPCTests", dependencies: ["AllotRPC", "Allot"], swiftSettings: internalChecks),
    .testTarget(name: "AllotBenchTests", dependencies: ["AllotBenchKit"]),
    // The real allotd binary on a temporary Unix socket (the dependency makes `swift test`
    // build it beside the test bundle), and the journal, snapshots and crash recovery of
    // allotd --data-dir.
    .testTarget(
      name: "AllotServerTests", dependencies: ["allotd", "AllotServer", "AllotRPC", "Allot"],
      swiftSettings: internalChecks),
  ],
  swiftLanguageModes: [.v6]
)
