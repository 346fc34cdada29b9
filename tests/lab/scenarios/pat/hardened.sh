#!/bin/sh
# Patching hardened: unattended-upgrades at Debian's defaults with 20auto-upgrades on and the apt-daily timers enabled; the only source is the lab mirror (deb822, Signed-By its key); lists fresh, ha-lab-tool 1.1 from the security suite, nothing pending.
# packages: unattended-upgrades
# controls: PAT-01 PAT-02 PAT-03 PAT-05 PAT-06 PAT-07
# state: pass
#
# Sources and lists: pat/mirror-client (applied first).  hardened.after-boot.sh
# installs ha-lab-tool 1.0 and ha-lab-extra, and runs the daily jobs once by hand, as
# their timers would: unattended-upgrade then upgrades ha-lab-tool to 1.1
# from the security suite.
#
# 20auto-upgrades and 50unattended-upgrades are the files the package's
# postinst wrote in the layer (debconf enable_auto_updates: true).  The
# timers keep Debian's schedule (randomized over 12 h and 1 h) and have no
# stamp yet: they do not fire at boot, and the apt periodic stamps the
# after-boot run leaves make a later run the same day a no-op.

[ "$(cat /etc/apt/apt.conf.d/20auto-upgrades)" = "$(cat /usr/share/unattended-upgrades/20auto-upgrades)" ]
cmp -s /etc/apt/apt.conf.d/50unattended-upgrades /usr/share/unattended-upgrades/50unattended-upgrades
systemctl enable apt-daily.timer apt-daily-upgrade.timer
