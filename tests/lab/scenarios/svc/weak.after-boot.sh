#!/bin/sh
# Checks only (changes nothing): inetd offers telnet, exim4 listens on every address, avahi waits on its socket.
ss -Htln 'sport = :23' | grep -q .
ss -Htln 'sport = :25' | awk '{print $4}' | grep -Eqx '(0\.0\.0\.0|\*):25'
[ "$(systemctl show -p ActiveState --value avahi-daemon.socket)" = active ]
