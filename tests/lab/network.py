"""Network namespaces: one "lab" namespace with a bridge, one namespace per booted host.

    lab ns  <prefix>-lab      br0 198.18.0.1/24, one veth port per host
    host ns <prefix>-h-<host> eth0 198.18.0.<10+i>/24 (the veth's other end), lo

198.18.0.0/24 is from the benchmarking range (RFC 2544).  No namespace gets a
default route and the root namespace gets no interface: lab traffic cannot
leave the lab.  Addresses are set from outside before boot; nothing in the
hosts manages interfaces (networkd is not enabled, ifupdown not installed).
"""

from __future__ import annotations

import ipaddress
import subprocess

from .system import run

SUBNET = ipaddress.ip_network("198.18.0.0/24")
BRIDGE_ADDRESS = "198.18.0.1"
FIRST_HOST_OCTET = 10
# An address in the lab subnet where nothing lives, for "host unreachable" tests.
UNREACHABLE_ADDRESS = "198.18.0.250"
BRIDGE = "br0"
HOST_INTERFACE = "eth0"


def lab_namespace(prefix: str) -> str:
    return f"{prefix}-lab"


def host_namespace(prefix: str, host: str) -> str:
    return f"{prefix}-h-{host}"


def host_address(index: int) -> str:
    octet = FIRST_HOST_OCTET + index
    if octet >= 250:
        raise ValueError("the lab subnet has room for 240 hosts")
    return str(SUBNET.network_address + octet)


def list_namespaces() -> list[str]:
    output = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False).stdout
    return [line.split()[0] for line in output.splitlines() if line.strip()]


def lab_namespaces(prefix: str) -> list[str]:
    # Prefixes contain no '-', so "<prefix>-" cannot match another lab's namespaces.
    return [name for name in list_namespaces() if name.startswith(f"{prefix}-")]


def namespace_pids(namespace: str) -> set[int]:
    output = subprocess.run(["ip", "netns", "pids", namespace], capture_output=True, text=True, check=False).stdout
    return {int(pid) for pid in output.split()}


def create_lab_network(prefix: str) -> None:
    namespace = lab_namespace(prefix)
    run(["ip", "netns", "add", namespace])
    run(["ip", "-n", namespace, "link", "set", "lo", "up"])
    run(["ip", "-n", namespace, "link", "add", BRIDGE, "type", "bridge"])
    run(["ip", "-n", namespace, "addr", "add", f"{BRIDGE_ADDRESS}/{SUBNET.prefixlen}", "dev", BRIDGE])
    run(["ip", "-n", namespace, "link", "set", BRIDGE, "up"])


def attach_host(prefix: str, host: str, address: str) -> str:
    """Create the host's namespace, wired to the lab bridge; returns the namespace name."""
    lab, namespace = lab_namespace(prefix), host_namespace(prefix, host)
    port = f"h{address.rsplit('.', 1)[1]}"  # unique per address, well under IFNAMSIZ
    run(["ip", "netns", "add", namespace])
    run(["ip", "-n", namespace, "link", "set", "lo", "up"])
    # Both ends are created inside the lab namespace and one is moved: the root
    # namespace never sees an interface.
    run(["ip", "-n", lab, "link", "add", port, "type", "veth", "peer", "name", HOST_INTERFACE, "netns", namespace])
    run(["ip", "-n", lab, "link", "set", port, "master", BRIDGE, "up"])
    run(["ip", "-n", namespace, "addr", "add", f"{address}/{SUBNET.prefixlen}", "dev", HOST_INTERFACE])
    run(["ip", "-n", namespace, "link", "set", HOST_INTERFACE, "up"])
    return namespace


def delete_namespace(namespace: str) -> None:
    subprocess.run(["ip", "netns", "delete", namespace], capture_output=True, check=False)
