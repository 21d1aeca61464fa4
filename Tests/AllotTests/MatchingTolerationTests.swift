import Testing

@testable import Allot

/// Tables from kubernetes/api `core/v1/toleration_test.go` and kube-scheduler's
/// `tainttoleration/taint_toleration_test.go` (v1.35; the alpha Gt/Lt operators are off by
/// default there and not part of the contract).
@Suite struct MatchingTolerationTests {
  // TestTolerationToleratesTaint.
  @Test(
    arguments: [
      (
        "same key and effect, Exists, taint without value",
        Toleration(key: "foo", operator: .exists, effect: .noSchedule),
        Taint(key: "foo", effect: .noSchedule), true
      ),
      (
        "same key and effect, Exists, taint with a value",
        Toleration(key: "foo", operator: .exists, effect: .noSchedule),
        Taint(key: "foo", value: "bar", effect: .noSchedule), true
      ),
      (
        "same effect, empty key with Exists matches all taints",
        Toleration(key: "", operator: .exists, effect: .noSchedule),
        Taint(key: "foo", value: "bar", effect: .noSchedule), true
      ),
      (
        "same key, effect and value, Equal",
        Toleration(key: "foo", operator: .equal, value: "bar", effect: .noSchedule),
        Taint(key: "foo", value: "bar", effect: .noSchedule), true
      ),
      (
        "same key and effect, different values, Equal",
        Toleration(key: "foo", operator: .equal, value: "value1", effect: .noSchedule),
        Taint(key: "foo", value: "value2", effect: .noSchedule), false
      ),
      (
        "same key and value, different effects, Equal",
        Toleration(key: "foo", operator: .equal, value: "bar", effect: .noSchedule),
        Taint(key: "foo", value: "bar", effect: .noExecute), false
      ),
      (
        "empty effect matches every effect",
        Toleration(key: "foo", operator: .equal, value: "bar"),
        Taint(key: "foo", value: "bar", effect: .noExecute), true
      ),
      (
        "Exists ignores its value",
        Toleration(key: "foo", operator: .exists, value: "other"),
        Taint(key: "foo", value: "bar", effect: .noSchedule), true
      ),
      (
        "empty key with Exists and no effect tolerates anything",
        Toleration(operator: .exists), Taint(key: "x", value: "y", effect: .preferNoSchedule), true
      ),
      (
        "different key",
        Toleration(key: "foo", operator: .exists), Taint(key: "fob", effect: .noSchedule), false
      ),
    ] as [(String, Toleration, Taint, Bool)])
  func toleratesTaint(name: String, toleration: Toleration, taint: Taint, tolerated: Bool) {
    #expect(toleration.tolerates(taint) == tolerated, "\(name)")
  }

  // TestTaintTolerationFilter (the Equal/Exists cases): whether the agent passes.
  @Test(
    arguments: [
      (
        "no tolerations, NoSchedule taint", [],
        [Taint(key: "dedicated", value: "user1", effect: .noSchedule)], false
      ),
      (
        "toleration for user1",
        [Toleration(key: "dedicated", value: "user1", effect: .noSchedule)],
        [Taint(key: "dedicated", value: "user1", effect: .noSchedule)], true
      ),
      (
        "toleration for user2 on a user1 node",
        [Toleration(key: "dedicated", operator: .equal, value: "user2", effect: .noSchedule)],
        [Taint(key: "dedicated", value: "user1", effect: .noSchedule)], false
      ),
      (
        "Exists tolerates the taint",
        [Toleration(key: "foo", operator: .exists, effect: .noSchedule)],
        [Taint(key: "foo", value: "bar", effect: .noSchedule)], true
      ),
      (
        "several tolerations, all taints tolerated",
        [
          Toleration(key: "dedicated", operator: .equal, value: "user2", effect: .noSchedule),
          Toleration(key: "foo", operator: .exists, effect: .noSchedule),
        ],
        [
          Taint(key: "dedicated", value: "user2", effect: .noSchedule),
          Taint(key: "foo", value: "bar", effect: .noSchedule),
        ], true
      ),
      (
        "matching key and value, other non-empty effect",
        [Toleration(key: "foo", operator: .equal, value: "bar", effect: .preferNoSchedule)],
        [Taint(key: "foo", value: "bar", effect: .noSchedule)], false
      ),
      (
        "matching key and value, empty effect",
        [Toleration(key: "foo", operator: .equal, value: "bar")],
        [Taint(key: "foo", value: "bar", effect: .noSchedule)], true
      ),
      (
        "PreferNoSchedule taint never filters",
        [Toleration(key: "dedicated", operator: .equal, value: "user2", effect: .noSchedule)],
        [Taint(key: "dedicated", value: "user1", effect: .preferNoSchedule)], true
      ),
      (
        "no tolerations, PreferNoSchedule taint", [],
        [Taint(key: "dedicated", value: "user1", effect: .preferNoSchedule)], true
      ),
      ("NoExecute filters too", [], [Taint(key: "k", effect: .noExecute)], false),
    ] as [(String, [Toleration], [Taint], Bool)])
  func filter(name: String, tolerations: [Toleration], taints: [Taint], passes: Bool) {
    let untolerated = TaintToleration.firstUntolerated(taints: taints, tolerations: tolerations)
    #expect((untolerated == nil) == passes, "\(name)")
  }

  // TestTaintTolerationScore: raw counts, then DefaultNormalizeScore reversed.
  @Test(
    arguments: [
      (
        "tolerated taint scores higher",
        [Toleration(key: "foo", operator: .equal, value: "bar", effect: .preferNoSchedule)],
        [
          [Taint(key: "foo", value: "bar", effect: .preferNoSchedule)],
          [Taint(key: "foo", value: "blah", effect: .preferNoSchedule)],
        ],
        [100, 0]
      ),
      (
        "all taints tolerated: same score however many",
        [
          Toleration(key: "cpu-type", operator: .equal, value: "arm64", effect: .preferNoSchedule),
          Toleration(key: "disk-type", operator: .equal, value: "ssd", effect: .preferNoSchedule),
        ],
        [
          [], [Taint(key: "cpu-type", value: "arm64", effect: .preferNoSchedule)],
          [
            Taint(key: "cpu-type", value: "arm64", effect: .preferNoSchedule),
            Taint(key: "disk-type", value: "ssd", effect: .preferNoSchedule),
          ],
        ],
        [100, 100, 100]
      ),
      (
        "more intolerable taints, lower score",
        [Toleration(key: "foo", operator: .equal, value: "bar", effect: .preferNoSchedule)],
        [
          [], [Taint(key: "cpu-type", value: "arm64", effect: .preferNoSchedule)],
          [
            Taint(key: "cpu-type", value: "arm64", effect: .preferNoSchedule),
            Taint(key: "disk-type", value: "ssd", effect: .preferNoSchedule),
          ],
        ],
        [100, 50, 0]
      ),
      (
        "only PreferNoSchedule counts",
        [
          Toleration(key: "cpu-type", operator: .equal, value: "arm64", effect: .noSchedule),
          Toleration(key: "disk-type", operator: .equal, value: "ssd", effect: .noSchedule),
        ],
        [
          [], [Taint(key: "cpu-type", value: "arm64", effect: .noSchedule)],
          [
            Taint(key: "cpu-type", value: "arm64", effect: .preferNoSchedule),
            Taint(key: "disk-type", value: "ssd", effect: .preferNoSchedule),
          ],
        ],
        [100, 100, 0]
      ),
      (
        "no tolerations, lands on the untainted agent", [],
        [[], [Taint(key: "cpu-type", value: "arm64", effect: .preferNoSchedule)]], [100, 0]
      ),
    ] as [(String, [Toleration], [[Taint]], [Int64])])
  func score(name: String, tolerations: [Toleration], agents: [[Taint]], scores: [Int64]) {
    var raw = agents.map {
      Int64(TaintToleration.untoleratedPreferNoScheduleCount(taints: $0, tolerations: tolerations))
    }
    ScoreNormalization.normalize(&raw, reverse: true)
    #expect(raw == scores, "\(name)")
  }

  @Test func validation() throws {
    try Toleration.validate([Toleration(operator: .exists), Toleration(key: "k", value: "v")])
    // Exists with a value is accepted (the contract's fine print) and ignores the value.
    try Toleration.validate([Toleration(key: "k", operator: .exists, value: "v")])
    do {
      try Toleration.validate([Toleration(key: "a"), Toleration(key: "", operator: .equal)])
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .invalidParams)
      #expect(error.field == "tolerations[1].operator")
      #expect(
        error.message
          == "operator must be Exists when `key` is empty, which means \"match all values and all keys\""
      )
    }
    #expect(throws: AllotError.self) {
      try Toleration.validate([Toleration(key: String(repeating: "k", count: 318))])
    }
    #expect(throws: AllotError.self) {
      try Toleration.validate([Toleration(key: "k", value: "a\u{1}")])
    }
  }
}
