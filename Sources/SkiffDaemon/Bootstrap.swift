import SkiffAPI
import SkiffStore

/// What every cluster has from the start, as kubeadm leaves a new cluster: the namespaces
/// `default`, `kube-system`, `kube-public`, `kube-node-lease`, the `kubernetes` Service
/// (10.96.0.1) and the cluster DNS Service `kube-dns` (10.96.0.10).
enum Bootstrap {
  /// kube-dns' Endpoints: the daemon's DNS server on the node address.
  static func ensureDNSEndpoints(_ registry: ObjectRegistry, nodeAddress: String) throws {
    let subsets = [EndpointSubset(
      addresses: [EndpointAddress(ip: nodeAddress, nodeName: "skiff")],
      ports: [EndpointPort(port: 53, name: "dns", protocol: "UDP"), EndpointPort(port: 53, name: "dns-tcp", protocol: "TCP")])]
    if registry.get(Endpoints.self, namespace: "kube-system", name: "kube-dns") != nil {
      try registry.modify(Endpoints.self, namespace: "kube-system", name: "kube-dns") { $0.subsets = subsets }
    } else {
      let labels = ["k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"]
      try registry.create(Endpoints(metadata: ObjectMeta(name: "kube-dns", namespace: "kube-system", labels: labels), subsets: subsets))
    }
  }

  static func ensureDefaults(_ registry: ObjectRegistry) throws {
    for name in ["default", "kube-system", "kube-public", "kube-node-lease"]
    where registry.get(Namespace.self, name: name) == nil {
      try registry.create(Namespace(name: name))
    }
    if registry.get(Service.self, namespace: "default", name: "kubernetes") == nil {
      var spec = ServiceSpec(ports: [ServicePort(port: 443, name: "https", targetPort: .int(6443), protocol: "TCP")])
      spec.clusterIP = "10.96.0.1"
      let labels = ["component": "apiserver", "provider": "kubernetes"]
      try registry.create(Service(metadata: ObjectMeta(name: "kubernetes", namespace: "default", labels: labels), spec: spec))
    }
    if registry.get(Service.self, namespace: "kube-system", name: "kube-dns") == nil {
      var spec = ServiceSpec(
        ports: [
          ServicePort(port: 53, name: "dns", targetPort: .int(53), protocol: "UDP"),
          ServicePort(port: 53, name: "dns-tcp", targetPort: .int(53), protocol: "TCP"),
        ])
      // No selector: Skiff's DNS runs in the daemon, not in pods; its Endpoints point at the
      // node (see ensureDNSEndpoints).
      spec.clusterIP = "10.96.0.10"
      let labels = ["k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"]
      try registry.create(Service(metadata: ObjectMeta(name: "kube-dns", namespace: "kube-system", labels: labels), spec: spec))
    }
  }
}
