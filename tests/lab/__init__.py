"""Self-test lab: real Debian hosts under systemd-nspawn, reached over SSH from a network namespace.

    from tests.lab import Lab
    lab = Lab(hosts=["hardened", "ssh-weak", "no-sshd"])
    lab.up()
    lab.run_in_ns(["ssh", "-F", str(lab.ssh_config), "hardened", "true"])
    lab.down()

Command line: python -m tests.lab up|down|status (run from the repository root, as root).
"""

from .hosts import HOSTS, HostSpec
from .lab import Lab
from .progress import LabError

__all__ = ["HOSTS", "HostSpec", "Lab", "LabError"]
