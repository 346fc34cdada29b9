#!/bin/sh
# Checks only (changes nothing): exim4 runs and listens on loopback only; cron and atd run.
for unit in exim4.service cron.service atd.service; do
    [ "$(systemctl show -p ActiveState --value "$unit")" = active ] || {
        systemctl status --no-pager "$unit" >&2 || true
        exit 1
    }
done
listeners=$(ss -Htln 'sport = :25' | awk '{print $4}' | sort | tr '\n' ' ')
[ "$listeners" = "127.0.0.1:25 [::1]:25 " ] || { echo "svc/hardened: exim4 listens on: $listeners" >&2; exit 1; }
