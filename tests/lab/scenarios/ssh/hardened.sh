#!/bin/sh
# sshd hardened to the baseline: key-only logins for auditor, strong algorithms, tight limits, protected files.
# controls: SSH-01 SSH-02 SSH-03 SSH-04 SSH-05 SSH-06 SSH-07 SSH-08 SSH-09 SSH-10 SSH-11 SSH-12 SSH-13 SSH-14 SSH-15 SSH-16 SSH-17 SSH-18
# state: pass

# Debian's sshd_config includes sshd_config.d/*.conf before its own lines and
# sshd keeps the first value it reads, so this drop-in wins.
cat > /etc/ssh/sshd_config.d/50-hardening.conf <<'EOF'
# Hardened by the hardening-audit lab scenario ssh/hardened.
# A HostKey line replaces sshd's default list: name each wanted key.
HostKey /etc/ssh/ssh_host_ed25519_key
HostKey /etc/ssh/ssh_host_ecdsa_key
HostKey /etc/ssh/ssh_host_rsa_key
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
Ciphers aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256
KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256
MaxAuthTries 4
LoginGraceTime 60
ClientAliveInterval 300
ClientAliveCountMax 3
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
AllowUsers auditor
LogLevel VERBOSE
Banner /etc/issue.net
HostbasedAuthentication no
IgnoreRhosts yes
PermitUserEnvironment no
UsePAM yes
MaxStartups 10:30:60
MaxSessions 10
EOF
chown root:root /etc/ssh/sshd_config.d/50-hardening.conf
chmod 0600 /etc/ssh/sshd_config.d/50-hardening.conf
chmod 0600 /etc/ssh/sshd_config

# A neutral warning: nothing about the OS or its version.
cat > /etc/issue.net <<'EOF'
Authorized use only. Activity on this system is monitored and recorded.
Disconnect now if you are not an authorized user.
EOF

rm -f /etc/ssh/ssh_host_dsa_key /etc/ssh/ssh_host_dsa_key.pub
rsa_bits=$(ssh-keygen -l -f /etc/ssh/ssh_host_rsa_key.pub | cut -d' ' -f1)
if [ "$rsa_bits" -lt 3072 ]; then
    rm -f /etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_rsa_key.pub
    ssh-keygen -q -t rsa -b 3072 -N '' -f /etc/ssh/ssh_host_rsa_key
fi
for key in /etc/ssh/ssh_host_*_key; do
    chown root:root "$key"
    chmod 0600 "$key"
done
