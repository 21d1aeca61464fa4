import Allot

extension Dispatcher {
  /// A selector: Kubernetes's string form, or `{matchLabels, matchExpressions}`.
  func readSelector(_ p: Params, _ key: String) throws(AllotError) -> LabelSelector? {
    guard let v = p.value(key) else { return nil }
    let f = p.field(key)
    switch v {
    case .string(let text):
      return try LabelSelector(parsing: text, field: f)
    case .object(let o):
      let sp = Params(o, path: f)
      let labels = try sp.stringMap("matchLabels") ?? []
      var expressions: [LabelSelectorSpec.Expression] = []
      for (i, e) in (try sp.array("matchExpressions") ?? []).enumerated() {
        let ef = "\(f).matchExpressions[\(i)]"
        guard case .object(let eo) = e else { throw Params.typeError(ef, "an object", e) }
        let ep = Params(eo, path: ef)
        let k = try ep.requiredString("key")
        let op = try ep.requiredString("operator")
        let values = try ep.stringArray("values") ?? []
        expressions.append(
          LabelSelectorSpec.Expression(
            key: k, operator: try LabelSelectorSpec.Operator.parse(op, field: ef), values: values))
      }
      return try LabelSelectorSpec(matchLabels: labels, matchExpressions: expressions).selector(
        field: f)
    default:
      throw Params.typeError(f, "a selector string or object", v)
    }
  }

  func readTerm(_ v: JSONValue, field f: String) throws(AllotError) -> NodeSelectorTerm {
    guard case .object(let o) = v else { throw Params.typeError(f, "an object", v) }
    let tp = Params(o, path: f)
    var out: [NodeSelectorRequirement] = []
    for (i, e) in (try tp.array("matchExpressions") ?? []).enumerated() {
      let ef = "\(f).matchExpressions[\(i)]"
      guard case .object(let eo) = e else { throw Params.typeError(ef, "an object", e) }
      let ep = Params(eo, path: ef)
      let k = try ep.requiredString("key")
      let op = try ep.requiredString("operator")
      let values = try ep.stringArray("values") ?? []
      out.append(
        NodeSelectorRequirement(
          key: k, operator: try NodeSelectorRequirement.Operator.parse(op, field: ef),
          values: values))
    }
    return NodeSelectorTerm(matchExpressions: out)
  }

  /// Node affinity: `{required: [Term], preferred: [{weight, term}]}`.
  func readAffinity(_ p: Params, _ key: String) throws(AllotError) -> NodeAffinity? {
    guard let ap = try p.objectParams(key) else { return nil }
    var required: [NodeSelectorTerm]?
    if let list = try ap.array("required") {
      var terms: [NodeSelectorTerm] = []
      for (i, t) in list.enumerated() {
        terms.append(try readTerm(t, field: "\(ap.field("required"))[\(i)]"))
      }
      required = terms
    }
    var preferred: [PreferredSchedulingTerm] = []
    for (i, t) in (try ap.array("preferred") ?? []).enumerated() {
      let f = "\(ap.field("preferred"))[\(i)]"
      guard case .object(let o) = t else { throw Params.typeError(f, "an object", t) }
      let pp = Params(o, path: f)
      guard let w = try pp.integer("weight") else {
        throw AllotError(.invalidParams, field: "\(f).weight", "\(f).weight is required")
      }
      guard w >= 1, w <= 100 else {
        throw AllotError(.invalidParams, field: "\(f).weight", "\(f).weight must be 1 to 100")
      }
      guard let term = pp.value("term") else {
        throw AllotError(.invalidParams, field: "\(f).term", "\(f).term is required")
      }
      preferred.append(
        PreferredSchedulingTerm(weight: Int(w), term: try readTerm(term, field: "\(f).term")))
    }
    return NodeAffinity(required: required, preferred: preferred)
  }

  func readTolerations(_ p: Params, _ key: String) throws(AllotError) -> [Toleration] {
    var out: [Toleration] = []
    for (i, t) in (try p.array(key) ?? []).enumerated() {
      let f = "\(p.field(key))[\(i)]"
      guard case .object(let o) = t else { throw Params.typeError(f, "an object", t) }
      let tp = Params(o, path: f)
      let k = try tp.string("key") ?? ""
      var op = Toleration.Operator.equal
      if let raw = try tp.string("operator") {
        guard let parsed = Toleration.Operator(rawValue: raw) else {
          throw AllotError(
            .invalidParams, field: "\(f).operator", "\(f).operator must be Equal or Exists")
        }
        op = parsed
      }
      let value = try tp.string("value") ?? ""
      var effect: Taint.Effect?
      if let raw = try tp.string("effect") {
        guard let e = Taint.Effect(rawValue: raw) else {
          throw AllotError(
            .invalidParams, field: "\(f).effect",
            "\(f).effect must be NoSchedule, PreferNoSchedule or NoExecute")
        }
        effect = e
      }
      out.append(Toleration(key: k, operator: op, value: value, effect: effect))
    }
    return out
  }

  /// Marathon constraints: an array of 2- or 3-string arrays, or the `field:OP[:value],...`
  /// string form.
  func readConstraints(_ p: Params, _ key: String) throws(AllotError) -> [MarathonConstraint] {
    guard let v = p.value(key) else { return [] }
    let f = p.field(key)
    switch v {
    case .string(let text):
      return try MarathonConstraint.parseList(text, field: f)
    case .array(let items):
      var arrays: [[String]] = []
      for (i, item) in items.enumerated() {
        guard case .array(let parts) = item else {
          throw Params.typeError("\(f)[\(i)]", "an array of strings", item)
        }
        var strings: [String] = []
        for (j, part) in parts.enumerated() {
          guard case .string(let s) = part else {
            throw Params.typeError("\(f)[\(i)][\(j)]", "a string", part)
          }
          strings.append(s)
        }
        arrays.append(strings)
      }
      return try MarathonConstraint.parseList(arrays, field: f)
    default:
      throw Params.typeError(f, "an array of constraints or a constraint string", v)
    }
  }

  func readSpread(_ p: Params, _ key: String) throws(AllotError) -> [TopologySpread.Constraint] {
    var out: [TopologySpread.Constraint] = []
    for (i, t) in (try p.array(key) ?? []).enumerated() {
      let f = "\(p.field(key))[\(i)]"
      guard case .object(let o) = t else { throw Params.typeError(f, "an object", t) }
      let sp = Params(o, path: f)
      let k = try sp.requiredString("topologyKey")
      guard let skew = try sp.integer("maxSkew"), skew >= 1, skew <= Int64(Int32.max) else {
        throw AllotError(
          .invalidParams, field: "\(f).maxSkew", "\(f).maxSkew must be an integer >= 1")
      }
      let raw = try sp.requiredString("whenUnsatisfiable")
      guard let when = TopologySpread.WhenUnsatisfiable(rawValue: raw) else {
        throw AllotError(
          .invalidParams, field: "\(f).whenUnsatisfiable",
          "\(f).whenUnsatisfiable must be DoNotSchedule or ScheduleAnyway")
      }
      out.append(
        TopologySpread.Constraint(topologyKey: k, maxSkew: Int(skew), whenUnsatisfiable: when))
    }
    return out
  }
}
