// Kubernetes' defaults for a pod spec wherever it appears (kubernetes `pkg/apis/core/v1/
// defaults.go` and the generated defaulters that apply them to pods and pod templates).

extension PodSpec {
  /// `SetDefaults_PodSpec` and the defaults of everything inside it. What only a Pod gets
  /// (requests from limits, `enableServiceLinks`) is in `Pod.setDefaults()`.
  mutating func setDefaults() {
    if dnsPolicy?.isEmpty ?? true { dnsPolicy = "ClusterFirst" }
    if restartPolicy?.isEmpty ?? true { restartPolicy = "Always" }
    if securityContext == nil { securityContext = PodSecurityContext() }
    if terminationGracePeriodSeconds == nil { terminationGracePeriodSeconds = 30 }
    if schedulerName?.isEmpty ?? true { schedulerName = "default-scheduler" }
    // v1's serviceAccount is an alias: read when serviceAccountName is empty, written back as
    // serviceAccountName (the v1 conversion).
    if serviceAccountName?.isEmpty ?? true, let alias = serviceAccount, !alias.isEmpty { serviceAccountName = alias }
    if let name = serviceAccountName, !name.isEmpty { serviceAccount = name }
    if var volumes {
      for i in volumes.indices { volumes[i].setDefaults() }
      self.volumes = volumes
    }
    for i in containers.indices { containers[i].setDefaults() }
    if var initContainers {
      for i in initContainers.indices { initContainers[i].setDefaults() }
      self.initContainers = initContainers
    }
  }
}

extension Container {
  /// `SetDefaults_Container` plus ports, probes and env field references.
  mutating func setDefaults() {
    if imagePullPolicy?.isEmpty ?? true { imagePullPolicy = Container.defaultPullPolicy(image: image ?? "") }
    if terminationMessagePath?.isEmpty ?? true { terminationMessagePath = "/dev/termination-log" }
    if terminationMessagePolicy?.isEmpty ?? true { terminationMessagePolicy = "File" }
    if var ports {
      for i in ports.indices where ports[i].protocol?.isEmpty ?? true { ports[i].protocol = "TCP" }
      self.ports = ports
    }
    if var env {
      for i in env.indices {
        if var fieldRef = env[i].valueFrom?.fieldRef, fieldRef.apiVersion?.isEmpty ?? true {
          fieldRef.apiVersion = "v1"
          env[i].valueFrom?.fieldRef = fieldRef
        }
      }
      self.env = env
    }
    livenessProbe?.setDefaults()
    readinessProbe?.setDefaults()
    startupProbe?.setDefaults()
    lifecycle?.postStart?.httpGet?.setDefaults()
    lifecycle?.preStop?.httpGet?.setDefaults()
  }

  /// `Always` for `:latest` or an image with neither tag nor digest (the tag defaults to
  /// latest), `IfNotPresent` otherwise.
  public static func defaultPullPolicy(image: String) -> String {
    guard !image.isEmpty else { return "IfNotPresent" }
    var reference = Substring(image)
    var hasDigest = false
    if let at = reference.firstIndex(of: "@") {
      hasDigest = true
      reference = reference[..<at]
    }
    let lastComponent = reference.lastIndex(of: "/").map { reference[reference.index(after: $0)...] } ?? reference
    var tag: Substring? = lastComponent.firstIndex(of: ":").map { lastComponent[lastComponent.index(after: $0)...] }
    if tag == nil && !hasDigest { tag = "latest" }
    return tag == "latest" ? "Always" : "IfNotPresent"
  }
}

extension Probe {
  /// `SetDefaults_Probe`: timeout 1 s, period 10 s, success 1, failure 3 (zero counts as unset).
  mutating func setDefaults() {
    if (timeoutSeconds ?? 0) == 0 { timeoutSeconds = 1 }
    if (periodSeconds ?? 0) == 0 { periodSeconds = 10 }
    if (successThreshold ?? 0) == 0 { successThreshold = 1 }
    if (failureThreshold ?? 0) == 0 { failureThreshold = 3 }
    httpGet?.setDefaults()
  }
}

extension HTTPGetAction {
  mutating func setDefaults() {
    if path?.isEmpty ?? true { path = "/" }
    if scheme?.isEmpty ?? true { scheme = "HTTP" }
  }
}

extension Volume {
  /// A volume with no source is an `emptyDir`; file modes default to 0644 (420).
  mutating func setDefaults() {
    if sourceNames.isEmpty { emptyDir = EmptyDirVolumeSource() }
    if hostPath != nil && hostPath?.type == nil { hostPath?.type = "" }
    if secret != nil && secret?.defaultMode == nil { secret?.defaultMode = 420 }
    if configMap != nil && configMap?.defaultMode == nil { configMap?.defaultMode = 420 }
    if downwardAPI != nil && downwardAPI?.defaultMode == nil { downwardAPI?.defaultMode = 420 }
    if var items = downwardAPI?.items {
      for i in items.indices { items[i].fieldRef?.setDefaultAPIVersion() }
      downwardAPI?.items = items
    }
    if var projected {
      if projected.defaultMode == nil { projected.defaultMode = 420 }
      if var sources = projected.sources {
        for i in sources.indices {
          if sources[i].serviceAccountToken != nil && sources[i].serviceAccountToken?.expirationSeconds == nil {
            sources[i].serviceAccountToken?.expirationSeconds = 3600
          }
          if var items = sources[i].downwardAPI?.items {
            for j in items.indices { items[j].fieldRef?.setDefaultAPIVersion() }
            sources[i].downwardAPI?.items = items
          }
        }
        projected.sources = sources
      }
      self.projected = projected
    }
  }
}

extension ObjectFieldSelector {
  mutating func setDefaultAPIVersion() {
    if apiVersion?.isEmpty ?? true { apiVersion = "v1" }
  }
}

extension PodTemplateSpec {
  mutating func setDefaults() { spec.setDefaults() }
}
