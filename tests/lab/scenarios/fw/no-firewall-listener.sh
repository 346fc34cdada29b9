#!/bin/sh
# No firewall at all, and a web server listening on every address (busybox httpd, TCP 8080) that the baseline does not allow.
# packages: busybox
# controls: FW-01 FW-02 FW-03 FW-04 FW-05 FW-06 FW-07 FW-08 FW-09
# state: fail
#
# No UDP listener: Debian's busybox is built without udpsvd, tftpd and ntpd
# (udhcpd binds to one interface only).
install -d -m 0755 /srv/lab-web
cat > /srv/lab-web/index.html <<'EOF'
<!doctype html>
<title>lab-web</title>
<p>Served by the hardening-audit lab scenario fw/no-firewall-listener.</p>
EOF
chmod 0644 /srv/lab-web/index.html

cat > /etc/systemd/system/lab-web.service <<'EOF'
# Written by the hardening-audit lab scenario fw/no-firewall-listener.
[Unit]
Description=Lab web server (busybox httpd on TCP 8080, all addresses)
After=network.target

[Service]
ExecStart=/usr/bin/busybox httpd -f -p 8080 -h /srv/lab-web
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF

systemctl enable lab-web.service
