"""Interop: Skiff's Swift workload programs against Python grpcio, both directions.

Run by scripts/test-interop with the build's bin directory as the only argument.
Exits non-zero, naming the failed check, on any mismatch.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_tools import protoc

BIN = sys.argv[1]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GO_LOG = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} (.*)$")

gen = tempfile.mkdtemp(prefix="skiff-interop-")
protoc.main(["protoc", f"-I{ROOT}/Protos", f"--python_out={gen}", f"--grpc_python_out={gen}",
             "helloworld/helloworld.proto"])
sys.path.insert(0, gen)
from helloworld import helloworld_pb2, helloworld_pb2_grpc  # noqa: E402

failures = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))
    if not condition:
        failures.append(name)


# 1. Python client -> Swift greeter-server.
server = subprocess.Popen([f"{BIN}/greeter-server", "--address=127.0.0.1:0"],
                          stderr=subprocess.PIPE, text=True)
try:
    line = server.stderr.readline()
    m = re.search(r"server listening at 127\.0\.0\.1:(\d+)", line)
    check("greeter-server logs its address", m is not None, line)
    port = int(m.group(1))
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        reply = helloworld_pb2_grpc.GreeterStub(channel).SayHello(
            helloworld_pb2.HelloRequest(name="python"), timeout=5)
        check("python calls greeter-server",
              reply.message == f"Hello python from {socket.gethostname()}", reply.message)
        status = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="helloworld.Greeter"), timeout=5)
        check("python health check of greeter-server",
              status.status == health_pb2.HealthCheckResponse.SERVING, str(status))
        try:
            health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service="nope"), timeout=5)
            check("unknown service is NOT_FOUND", False, "no error")
        except grpc.RpcError as e:
            check("unknown service is NOT_FOUND", e.code() == grpc.StatusCode.NOT_FOUND, str(e))
finally:
    server.terminate()
    check("greeter-server exits 0 on SIGTERM", server.wait(timeout=10) == 0)


# 2. Swift greeter-client and grpc_health_probe -> Python server.
class Greeter(helloworld_pb2_grpc.GreeterServicer):
    def SayHello(self, request, context):
        return helloworld_pb2.HelloReply(message=f"Hello {request.name} from python-server")


pyserver = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
helloworld_pb2_grpc.add_GreeterServicer_to_server(Greeter(), pyserver)
health_servicer = health.HealthServicer()
health_pb2_grpc.add_HealthServicer_to_server(health_servicer, pyserver)
health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
pyport = pyserver.add_insecure_port("127.0.0.1:0")
pyserver.start()
try:
    out = subprocess.run([f"{BIN}/greeter-client", "--insecure=true",
                          f"--address=127.0.0.1:{pyport}", "--repeat=3"],
                         capture_output=True, text=True, timeout=30)
    lines = out.stderr.splitlines()
    check("greeter-client calls python server", out.returncode == 0 and len(lines) == 3
          and all(GO_LOG.match(l) and GO_LOG.match(l).group(1) == "Hello world from python-server"
                  for l in lines), out.stderr)
    probe = subprocess.run([f"{BIN}/grpc_health_probe", f"-addr=127.0.0.1:{pyport}"],
                           capture_output=True, text=True, timeout=30)
    check("grpc_health_probe against python: SERVING",
          probe.returncode == 0 and probe.stderr == "status: SERVING\n", probe.stderr)
    health_servicer.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    probe = subprocess.run([f"{BIN}/grpc_health_probe", f"-addr=127.0.0.1:{pyport}"],
                           capture_output=True, text=True, timeout=30)
    check("grpc_health_probe against python: NOT_SERVING exits 4", probe.returncode == 4,
          f"{probe.returncode} {probe.stderr}")
finally:
    pyserver.stop(0)


# 3. Python client -> skiff-proxy -> two Python servers: per-request round robin over the
#    client's one channel; error statuses pass through untouched; no upstream -> UNAVAILABLE.
class Named(helloworld_pb2_grpc.GreeterServicer):
    def __init__(self, name):
        self.name = name

    def SayHello(self, request, context):
        if request.name == "missing":
            context.abort(grpc.StatusCode.NOT_FOUND, "no such name: missing")
        return helloworld_pb2.HelloReply(message=f"Hello {request.name} from {self.name}")


def start_proxy(upstreams, admin=False):
    args = [f"{BIN}/skiff-proxy", "--listen", "127.0.0.1:0", "--concurrency", "1"]
    for u in upstreams:
        args += ["--upstream", u]
    if admin:
        args += ["--admin", "127.0.0.1:0"]
    proxy = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
    line = proxy.stderr.readline()
    if not upstreams:
        line = proxy.stderr.readline()  # the "no --upstream" warning comes first
    m = re.search(r":(\d+), upstreams", line)
    check("skiff-proxy logs its address", m is not None, line)
    if not admin:
        return proxy, int(m.group(1))
    a = re.search(r"admin on .*:(\d+)$", proxy.stderr.readline().strip())
    return proxy, int(m.group(1)), int(a.group(1))


servers, ports = [], []
for name in ("py-v1", "py-v2"):
    s = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    helloworld_pb2_grpc.add_GreeterServicer_to_server(Named(name), s)
    ports.append(s.add_insecure_port("127.0.0.1:0"))
    s.start()
    servers.append(s)
proxy, proxy_port, admin_port = start_proxy([f"127.0.0.1:{p}" for p in ports], admin=True)
try:
    with grpc.insecure_channel(f"127.0.0.1:{proxy_port}") as channel:
        stub = helloworld_pb2_grpc.GreeterStub(channel)
        names = [stub.SayHello(helloworld_pb2.HelloRequest(name="world"), timeout=5).message.split()[-1]
                 for _ in range(10)]
        check("skiff-proxy alternates calls of one channel between two servers",
              names.count("py-v1") == 5 and names.count("py-v2") == 5
              and all(a != b for a, b in zip(names, names[1:])), str(names))
        try:
            stub.SayHello(helloworld_pb2.HelloRequest(name="missing"), timeout=5)
            check("error status passes through skiff-proxy", False, "no error")
        except grpc.RpcError as e:
            check("error status passes through skiff-proxy",
                  e.code() == grpc.StatusCode.NOT_FOUND and e.details() == "no such name: missing", str(e))
    import urllib.request
    ready = urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/ready", timeout=5)
    check("skiff-proxy admin /ready is LIVE", ready.status == 200 and ready.read() == b"LIVE\n")
    stats = urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/stats/prometheus", timeout=5).read().decode()
    check("skiff-proxy admin /stats/prometheus counts the calls",
          'envoy_cluster_upstream_rq_total{envoy_cluster_name="upstream"} 11' in stats, stats[:400])
finally:
    proxy.terminate()
    check("skiff-proxy exits 0 on SIGTERM", proxy.wait(timeout=10) == 0)
    for s in servers:
        s.stop(0)

proxy, proxy_port = start_proxy([])
try:
    with grpc.insecure_channel(f"127.0.0.1:{proxy_port}") as channel:
        try:
            helloworld_pb2_grpc.GreeterStub(channel).SayHello(helloworld_pb2.HelloRequest(name="x"), timeout=5)
            check("no upstream: UNAVAILABLE no healthy upstream", False, "no error")
        except grpc.RpcError as e:
            check("no upstream: UNAVAILABLE no healthy upstream",
                  e.code() == grpc.StatusCode.UNAVAILABLE and e.details() == "no healthy upstream", str(e))
finally:
    proxy.terminate()
    proxy.wait(timeout=10)

sys.exit(1 if failures else 0)
