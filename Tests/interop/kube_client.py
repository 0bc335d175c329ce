"""The Python `kubernetes` client (PyPI) against a running Skiff cluster, through the
kubeconfig `skiff up` wrote: lists pods (and namespaces in pages), creates a Deployment and waits for it to be
available, watches pods, reads a missing pod (404 ApiException with the Status), deletes.

    kube_client.py IMAGE    (KUBECONFIG names the cluster's kubeconfig)
"""
import sys
import time

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

image = sys.argv[1]
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


config.load_kube_config()
core = client.CoreV1Api()
apps = client.AppsV1Api()

version = client.VersionApi().get_code()
check(version.major == "1" and version.git_version.startswith("v1.32"), f"version {version.git_version}")

namespaces = [n.metadata.name for n in core.list_namespace().items]
check("default" in namespaces and "kube-system" in namespaces, f"namespaces listed: {namespaces}")
pods = core.list_pod_for_all_namespaces()
check(pods.metadata.resource_version is not None, f"pods listed at resourceVersion {pods.metadata.resource_version}")

# Pages: limit and the continue token, as client-go's pager and kubectl --chunk-size read.
paged, token, pages = [], None, 0
while pages < 10:
    page = core.list_namespace(limit=1, _continue=token) if token else core.list_namespace(limit=1)
    paged += [n.metadata.name for n in page.items]
    pages += 1
    token = page.metadata._continue
    if not token:
        break
check(paged == sorted(namespaces) and pages == len(namespaces), f"namespaces listed one per page: {paged}")

labels = {"app": "py-client"}
deployment = client.V1Deployment(
    metadata=client.V1ObjectMeta(name="py-client", labels=labels),
    spec=client.V1DeploymentSpec(
        replicas=1,
        selector=client.V1LabelSelector(match_labels=labels),
        template=client.V1PodTemplateSpec(
            metadata=client.V1ObjectMeta(labels=labels),
            spec=client.V1PodSpec(containers=[client.V1Container(name="server", image=image)]),
        ),
    ),
)
created = apps.create_namespaced_deployment("default", deployment)
check(created.metadata.uid is not None and created.spec.strategy.type == "RollingUpdate",
      f"deployment created (uid {created.metadata.uid}, defaulted strategy {created.spec.strategy.type})")

try:
    apps.create_namespaced_deployment("default", deployment)
    check(False, "a second create is refused")
except ApiException as e:
    check(e.status == 409 and '"reason":"AlreadyExists"' in e.body.replace(" ", ""), f"a second create: {e.status} AlreadyExists")

available = 0
deadline = time.time() + 90
while time.time() < deadline:
    status = apps.read_namespaced_deployment_status("py-client", "default").status
    available = (status.available_replicas if status else 0) or 0
    if available == 1:
        break
    time.sleep(0.5)
check(available == 1, "deployment available (1/1)")

running = core.list_namespaced_pod("default", label_selector="app=py-client").items
check(len(running) == 1 and running[0].status.phase == "Running", f"its pod runs: {[p.metadata.name for p in running]}")

events = []
w = watch.Watch()
for event in w.stream(core.list_namespaced_pod, "default", label_selector="app=py-client", timeout_seconds=5):
    events.append(event["type"])
    w.stop()
check(events[:1] == ["ADDED"], f"watch starts with ADDED: {events}")

try:
    core.read_namespaced_pod("nope", "default")
    check(False, "a missing pod is NotFound")
except ApiException as e:
    check(e.status == 404 and 'pods \\"nope\\" not found' in e.body, f"missing pod: {e.status} {e.reason}")

apps.delete_namespaced_deployment("py-client", "default", propagation_policy="Foreground")
deadline = time.time() + 60
remaining = None
while time.time() < deadline:
    remaining = [p.metadata.name for p in core.list_namespaced_pod("default", label_selector="app=py-client").items]
    gone = not [d for d in apps.list_namespaced_deployment("default").items if d.metadata.name == "py-client"]
    if gone and not remaining:
        break
    time.sleep(0.5)
check(not remaining, "deleting the deployment (foreground) removes its pods")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("python kubernetes client: all checks passed")
