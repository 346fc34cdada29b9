#!/bin/sh
# The peers the fleet benchmark measures against on the same host: OpenSCAP's scanner (for oscap-ssh) and Lynis.
# packages: openscap-scanner lynis
# controls:
# state: pass
#
# Installed only: neither runs by itself (Lynis's cron job is not enabled by its package).
:
