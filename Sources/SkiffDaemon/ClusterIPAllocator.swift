import SkiffAPI
import SkiffStore

/// Gives Services their ClusterIP from the service CIDR (10.96.0.0/12) at creation, as the
/// API server's service REST storage does: a requested address if it is free and in range,
/// else a free one. Allocations live in the Services themselves, so they persist with them.
struct ClusterIPAllocator: AdmissionPlugin {
  /// 10.96.0.0/12.
  static let base: UInt32 = 0x0A60_0000
  static let size: UInt32 = 1 << 20

  func admit(
    _ object: inout any APIObject, operation: AdmissionOperation, old: (any APIObject)?, registry: ObjectRegistry
  ) throws(Status) {
    guard var service = object as? Service else { return }
    let type = service.spec.type ?? "ClusterIP"
    if operation == .update, let old = old as? Service {
      // The address stays what it was (validation rejects a change).
      if (service.spec.clusterIP ?? "").isEmpty { service.spec.clusterIP = old.spec.clusterIP }
      if service.spec.clusterIPs == nil { service.spec.clusterIPs = old.spec.clusterIPs }
      if service.spec.ipFamilies == nil { service.spec.ipFamilies = old.spec.ipFamilies }
      if service.spec.ipFamilyPolicy == nil { service.spec.ipFamilyPolicy = old.spec.ipFamilyPolicy }
      object = service
      return
    }
    guard type != "ExternalName" else { return }
    let requested = service.spec.clusterIP ?? service.spec.clusterIPs?.first ?? ""
    if requested == "None" {
      service.spec.clusterIP = "None"
      service.spec.clusterIPs = ["None"]
    } else {
      let used = Set(registry.list(Service.self).compactMap { $0.spec.clusterIP })
      let address: String
      if !requested.isEmpty {
        guard let value = Self.parse(requested), value >= Self.base, value < Self.base + Self.size else {
          throw Status.invalid(kind: "Service", group: "", name: service.metadata.name ?? "", [
            .invalid("spec.clusterIPs", .array([.string(requested)]),
                     "failed to allocate IP \(requested): the provided IP (\(requested)) is not in the valid range. The range of valid IPs is 10.96.0.0/12")
          ])
        }
        guard !used.contains(requested) else {
          throw Status.invalid(kind: "Service", group: "", name: service.metadata.name ?? "", [
            .invalid("spec.clusterIPs", .array([.string(requested)]),
                     "failed to allocate IP \(requested): provided IP is already allocated")
          ])
        }
        address = requested
      } else {
        guard let free = Self.free(used: used) else {
          throw Status(code: 500, reason: "InternalError", message: "Internal error occurred: failed to allocate a serviceIP: range is full")
        }
        address = free
      }
      service.spec.clusterIP = address
      service.spec.clusterIPs = [address]
    }
    service.spec.ipFamilies = service.spec.ipFamilies ?? ["IPv4"]
    service.spec.ipFamilyPolicy = service.spec.ipFamilyPolicy ?? "SingleStack"
    object = service
  }

  /// A free address, picked at random above the first 256 (kept for requested addresses such
  /// as 10.96.0.1 and 10.96.0.10, as Kubernetes keeps a static band).
  static func free(used: Set<String>) -> String? {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<10_000 {
      let offset = UInt32.random(in: 256..<(size - 1), using: &generator)
      let candidate = format(base + offset)
      if !used.contains(candidate) { return candidate }
    }
    return nil
  }

  static func parse(_ text: String) -> UInt32? {
    let parts = text.split(separator: ".")
    guard parts.count == 4 else { return nil }
    var value: UInt32 = 0
    for part in parts {
      guard let byte = UInt8(part) else { return nil }
      value = value << 8 | UInt32(byte)
    }
    return value
  }

  static func format(_ value: UInt32) -> String {
    "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
  }
}
