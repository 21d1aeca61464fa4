import Allot

extension Dispatcher {
  /// Writes the contract's `state` result.
  func writeState(_ w: inout JSONWriter) {
    let s = engine.state()
    w.beginObject()
    w.member("now", milli: s.now.milli)
    w.key("total")
    w.write(s.total)
    w.key("agents")
    w.beginArray()
    for a in s.agents {
      w.beginObject()
      w.member("id", a.id)
      w.member("hostname", a.hostname)
      w.key("total")
      w.write(a.total)
      w.key("reserved")
      w.beginObject()
      for r in a.reserved {
        w.key(r.role)
        w.write(r.resources)
      }
      w.endObject()
      w.key("allocated")
      w.write(a.allocated)
      w.key("offered")
      w.write(a.offered)
      w.key("available")
      w.write(a.available)
      w.key("labels")
      w.beginObject()
      for l in a.labels { w.member(l.key, l.value) }
      w.endObject()
      w.member("draining", a.draining)
      w.endObject()
    }
    w.endArray()
    w.key("frameworks")
    w.beginArray()
    for f in s.frameworks {
      w.beginObject()
      w.member("id", f.id)
      w.key("roles")
      w.beginArray()
      for r in f.roles { w.write(r) }
      w.endArray()
      w.key("allocated")
      w.write(f.allocated)
      w.member("share", f.share)
      w.key("suppressed")
      w.beginArray()
      for r in f.suppressed { w.write(r) }
      w.endArray()
      w.member("pending", f.pending)
      w.member("running", f.running)
      w.endObject()
    }
    w.endArray()
    w.key("roles")
    w.beginArray()
    for r in s.roles {
      w.beginObject()
      w.member("name", r.name)
      w.member("weight", r.weight)
      w.key("quota")
      w.beginObject()
      w.key("guarantee")
      w.write(r.guarantee)
      w.key("limit")
      w.write(r.limit)
      w.endObject()
      w.key("allocated")
      w.write(r.allocated)
      w.member("share", r.share)
      w.endObject()
    }
    w.endArray()
    w.endObject()
  }

  /// The `stats` figures in Prometheus's text exposition format (an addition to the
  /// contract: method `metrics`, result `{"format": "prometheus", "text": ...}`).
  ///
  ///     # TYPE allot_requests_total counter
  ///     allot_requests_total{method="allocate"} 3
  func metricsText() -> String {
    func sortedKeys(_ d: [String: Int]) -> [String] {
      d.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
    func label(_ s: String) -> String {
      var out = ""
      for c in s.unicodeScalars {
        switch c {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(c)
        }
      }
      return out
    }
    var t = "# HELP allot_requests_total Requests answered, by method.\n"
    t += "# TYPE allot_requests_total counter\n"
    for k in sortedKeys(stats.requests) {
      t += "allot_requests_total{method=\"\(label(k))\"} \(stats.requests[k]!)\n"
    }
    t += "# HELP allot_offers_total Offers made since the server started.\n"
    t += "# TYPE allot_offers_total counter\n"
    t += "allot_offers_total \(engine.offersMade - stats.offersBaseline)\n"
    t += "# HELP allot_placements_total Placements made since the server started.\n"
    t += "# TYPE allot_placements_total counter\n"
    t += "allot_placements_total \(engine.placementsMade - stats.placementsBaseline)\n"
    t += "# HELP allot_errors_total Errors, by data.kind or code.\n"
    t += "# TYPE allot_errors_total counter\n"
    for k in sortedKeys(stats.errors) {
      t += "allot_errors_total{kind=\"\(label(k))\"} \(stats.errors[k]!)\n"
    }
    t += "# HELP allot_latency_microseconds Latency of allocate and schedule (approximate).\n"
    t += "# TYPE allot_latency_microseconds summary\n"
    for m in ["allocate", "schedule"] {
      for (q, p) in [("0.5", 50.0), ("0.99", 99.0)] {
        t +=
          "allot_latency_microseconds{method=\"\(m)\",quantile=\"\(q)\"} "
          + "\(Quantity.format(milli: Int64((stats.percentile(m, p) * 1000).rounded())))\n"
      }
    }
    return t
  }

  /// Writes the contract's `stats` result.
  func writeStats(_ w: inout JSONWriter) {
    func sortedKeys(_ d: [String: Int]) -> [String] {
      d.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
    w.beginObject()
    w.key("requests")
    w.beginObject()
    for k in sortedKeys(stats.requests) { w.member(k, stats.requests[k]!) }
    w.endObject()
    w.member("offers", Int64(engine.offersMade - stats.offersBaseline))
    w.member("placements", Int64(engine.placementsMade - stats.placementsBaseline))
    w.key("errors")
    w.beginObject()
    for k in sortedKeys(stats.errors) { w.member(k, stats.errors[k]!) }
    w.endObject()
    w.key("latencyMicros")
    w.beginObject()
    for m in ["allocate", "schedule"] {
      w.key(m)
      w.beginObject()
      w.member("p50", milli: Int64((stats.percentile(m, 50) * 1000).rounded()))
      w.member("p99", milli: Int64((stats.percentile(m, 99) * 1000).rounded()))
      w.endObject()
    }
    w.endObject()
    w.endObject()
  }
}
