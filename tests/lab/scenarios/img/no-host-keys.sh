#!/bin/sh
# A golden image as image builders leave it: no SSH host keys (first boot makes them), no machine ID.
# controls: SSH-14 SSH-18
# state: pass
#
# SSH-14 judges the configuration files alone; SSH-18 has no key to judge (not applicable).
rm -f /etc/ssh/ssh_host_*
: > /etc/machine-id
