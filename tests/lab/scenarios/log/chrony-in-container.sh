#!/bin/sh
# chrony made able to run in a systemd-nspawn container, without a time source of its own: the scenario that follows says which server it follows or serves.
# packages: chrony
# controls:
# state: pass
#
# Containers lack CAP_SYS_TIME: chronyd runs with -x (it measures, and never
# sets the clock, which is the build machine's) through /etc/default/chrony,
# and a drop-in resets chrony.service's ConditionCapability=CAP_SYS_TIME.
# No pool: the lab has neither DNS nor internet.
sed -i 's/^pool /#pool /' /etc/chrony/chrony.conf
if grep -q '^pool ' /etc/chrony/chrony.conf; then exit 1; fi
sed -i 's/^DAEMON_OPTS=.*/DAEMON_OPTS="-F 1 -x"/' /etc/default/chrony
grep -qx 'DAEMON_OPTS="-F 1 -x"' /etc/default/chrony
install -d -m 0755 /etc/systemd/system/chrony.service.d
cat > /etc/systemd/system/chrony.service.d/50-container.conf <<'CONF'
# hardening-audit lab: chrony.service requires CAP_SYS_TIME, which systemd-nspawn
# containers do not have; chronyd runs with -x (/etc/default/chrony) instead.
# An empty Condition...= resets the unit's conditions.
[Unit]
ConditionCapability=
CONF
systemctl is-enabled --quiet chrony.service
