import Allot
public import CAllot

// The C entry points for agents, frameworks and roles (allot.h, "Cluster").

/// Implements `allot_agent_add`: an agent with scalars, ranges and labels.
@c @implementation
public func allot_agent_add(
  _ engine: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ hostname: UnsafePointer<CChar>?,
  _ scalars: UnsafePointer<allot_scalar>?, _ scalarCount: Int,
  _ ranges: UnsafePointer<allot_range>?, _ rangeCount: Int,
  _ labels: UnsafePointer<allot_label>?, _ labelCount: Int
) -> allot_status {
  withCore(engine) { core throws(Failure) in
    let agentID = try CInput.string(id, field: "id")
    let host = try CInput.optionalString(hostname, field: "hostname")
    var resources = ResourceSpec()
    try core.resources.appendScalars(
      scalars, scalarCount, field: "scalars", counts: false, to: &resources)
    try core.resources.appendRanges(ranges, rangeCount, field: "ranges", to: &resources)
    var spec = AgentSpec(id: agentID, hostname: host, resources: resources)
    let l = try CInput.buffer(labels, labelCount, field: "labels")
    if !l.isEmpty {
      spec.labels.reserveCapacity(l.count)
      for (i, pair) in l.enumerated() {
        spec.labels.append(
          (
            try CInput.string(pair.key, field: "labels[\(i)].key"),
            try CInput.string(pair.value, field: "labels[\(i)].value")
          ))
      }
    }
    try engineCall { () throws(AllotError) in try core.dispatcher.engine.addAgent(spec) }
  }
}

/// Implements `allot_agent_remove`: removes an agent, rescinding its offers and losing its
/// tasks.
@c @implementation
public func allot_agent_remove(
  _ engine: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ rescinded: UnsafeMutablePointer<Int>?,
  _ lostTasks: UnsafeMutablePointer<Int>?
) -> allot_status {
  withCore(engine) { core throws(Failure) in
    let agentID = try CInput.string(id, field: "id")
    let r = try engineCall { () throws(AllotError) in
      try core.dispatcher.engine.removeAgent(agentID)
    }
    rescinded?.pointee = r.rescinded.count
    lostTasks?.pointee = r.lostTasks.count
  }
}

/// Implements `allot_framework_add`: a framework with roles and capabilities.
@c @implementation
public func allot_framework_add(
  _ engine: OpaquePointer?, _ id: UnsafePointer<CChar>?,
  _ roles: UnsafePointer<UnsafePointer<CChar>?>?, _ roleCount: Int, _ capabilities: UInt32
) -> allot_status {
  withCore(engine) { core throws(Failure) in
    let frameworkID = try CInput.string(id, field: "id")
    var roleNames = try CInput.strings(roles, roleCount, field: "roles")
    if roleNames.isEmpty { roleNames = ["default"] }
    let caps = capabilities & ALLOT_CAPABILITY_GPU != 0 ? ["gpu"] : []
    let spec = FrameworkSpec(id: frameworkID, roles: roleNames, capabilities: caps)
    try engineCall { () throws(AllotError) in try core.dispatcher.engine.addFramework(spec) }
  }
}

/// Implements `allot_framework_remove`: removes a framework; its offers and tasks return to
/// the pool.
@c @implementation
public func allot_framework_remove(
  _ engine: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ rescinded: UnsafeMutablePointer<Int>?,
  _ released: UnsafeMutablePointer<Int>?
) -> allot_status {
  withCore(engine) { core throws(Failure) in
    let frameworkID = try CInput.string(id, field: "id")
    let r = try engineCall { () throws(AllotError) in
      try core.dispatcher.engine.removeFramework(frameworkID)
    }
    rescinded?.pointee = r.rescinded.count
    released?.pointee = r.released
  }
}

/// Implements `allot_role_update`: weight and quota of a role.
@c @implementation
public func allot_role_update(
  _ engine: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ flags: UInt32, _ weight: Double,
  _ guarantee: UnsafePointer<allot_scalar>?, _ guaranteeCount: Int,
  _ limit: UnsafePointer<allot_scalar>?, _ limitCount: Int
) -> allot_status {
  withCore(engine) { core throws(Failure) in
    let role = try CInput.string(name, field: "name")
    let known = ALLOT_ROLE_WEIGHT | ALLOT_ROLE_QUOTA | ALLOT_ROLE_FORCE
    guard flags & ~known == 0 else {
      throw .invalid("flags", "flags \(flags) has bits other than ALLOT_ROLE_WEIGHT|QUOTA|FORCE")
    }
    var update = RoleUpdate(name: role, force: flags & ALLOT_ROLE_FORCE != 0)
    if flags & ALLOT_ROLE_WEIGHT != 0 { update.weight = weight }
    if flags & ALLOT_ROLE_QUOTA != 0 {
      update.quota = Quota(
        guarantee: try core.resources.scalarSpec(
          guarantee, guaranteeCount, field: "guarantee", counts: false),
        limit: try core.resources.scalarSpec(limit, limitCount, field: "limit", counts: false))
    }
    try engineCall { () throws(AllotError) in try core.dispatcher.engine.updateRole(update) }
  }
}
