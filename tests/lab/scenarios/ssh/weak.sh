#!/bin/sh
# sshd left weak: root and password logins, CBC/3DES ciphers, loose limits, a world-writable drop-in, a readable private key, a 1024-bit RSA host key.
# controls: SSH-01 SSH-02 SSH-03 SSH-04 SSH-05 SSH-07 SSH-08 SSH-09 SSH-10 SSH-13 SSH-14 SSH-15 SSH-17 SSH-18
# state: fail
#
# MACs, KexAlgorithms, ClientAliveInterval, Banner and MaxStartups stay at
# Debian's defaults (its MACs include umac-64: SSH-05 fails; its key exchanges
# are all acceptable: SSH-06 passes).  sshd must still start and accept
# auditor's key: the cipher list keeps algorithms OpenSSH and paramiko use.
#
# Cost: with PermitEmptyPasswords and PasswordAuthentication on, sshd checks
# the empty password of the "none" request every OpenSSH client sends first
# through PAM, and pam_unix delays that failure ~2 s: each new OpenSSH
# connection to this host takes ~2.5 s (paramiko skips "none").

ssh-keygen -q -t rsa -b 1024 -N '' -f /etc/ssh/ssh_host_rsa1024_key

cat > /etc/ssh/sshd_config.d/50-weak.conf <<'EOF'
# Weakened by the hardening-audit lab scenario ssh/weak.
# A HostKey line replaces sshd's default list: the defaults are named again.
HostKey /etc/ssh/ssh_host_ed25519_key
HostKey /etc/ssh/ssh_host_ecdsa_key
HostKey /etc/ssh/ssh_host_rsa_key
HostKey /etc/ssh/ssh_host_rsa1024_key
PermitRootLogin yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PermitEmptyPasswords yes
MaxAuthTries 10
LoginGraceTime 0
X11Forwarding yes
HostbasedAuthentication yes
IgnoreRhosts no
PermitUserEnvironment yes
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes256-ctr,aes128-cbc,3des-cbc
EOF
# World-writable drop-in (SSH-14); sshd itself does not mind.
chmod 0666 /etc/ssh/sshd_config.d/50-weak.conf
# A private host key readable by everyone (SSH-14): sshd skips loading that
# one key ("bad permissions") and serves the others.
chmod 0644 /etc/ssh/ssh_host_ecdsa_key
