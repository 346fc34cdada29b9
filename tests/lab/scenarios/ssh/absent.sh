#!/bin/sh
# No SSH server installed: the sshd controls do not apply (image checked through chroot://, not booted).
# purge: openssh-server
# controls: SSH-01 SSH-02 SSH-03 SSH-04 SSH-05 SSH-06 SSH-07 SSH-08 SSH-09 SSH-10 SSH-11 SSH-12 SSH-13 SSH-14 SSH-15 SSH-16 SSH-17 SSH-18
# state: pass
#
# openssh-server is purged before this runs; make sure nothing is left of it.
test ! -e /usr/sbin/sshd
test ! -e /etc/ssh/sshd_config
