#!/bin/sh
# Lab APT mirror: busybox httpd on TCP 80 serves a Debian-like archive signed with a key made here (bookworm, bookworm-updates, bookworm-security, bookworm-backports, dummy ha-lab-* packages), an unsigned "vendor" repository, and the public key.
# packages: apt-utils busybox gpg gpg-agent
# controls:
# state: pass
#
# The lab has no internet access: the patching hosts (pat/*) take their
# sources from here, over http://apt-mirror/ (an /etc/hosts entry on each).
# Everything is built once per lab, at host creation, into /srv/apt-mirror:
#
#   ha-lab-archive.gpg, .asc   the public key (binary keyring for Signed-By)
#   debian/dists/bookworm            Origin Debian, Label Debian, Suite oldstable:
#                                    ha-lab-tool 1.0, ha-lab-extra 1.0
#   debian/dists/bookworm-updates    Label Debian, Suite oldstable-updates:
#                                    ha-lab-extra 1.1 (a non-security update)
#   debian/dists/bookworm-backports  Origin/Label Debian Backports, NotAutomatic,
#                                    ButAutomaticUpgrades: ha-lab-extra 1.2~bpo12+1
#   debian-security/dists/bookworm-security
#                                    Origin Debian, Label Debian-Security, Suite
#                                    oldstable-security, Valid-Until +7 days:
#                                    ha-lab-tool 1.1 (the security update)
#   vendor/dists/bookworm            unsigned Release only (Origin "HA Lab Vendor"):
#                                    ha-lab-vendor 1.0, for a [trusted=yes] source
#
# The Release fields copy those of Debian's own archive for bookworm today
# (oldstable since trixie's release; Version 12, 12-updates), so that
# unattended-upgrades' default Origins-Pattern
# (origin=Debian,codename=${distro_codename}-security,label=Debian-Security)
# matches the security suite as it matches Debian's.  InRelease (clearsigned)
# and Release + Release.gpg, SHA256 digests; an ed25519 key without
# passphrase whose secret half is thrown away once everything is signed.
# gpg-agent, started by gpg in this chroot, is stopped before the script ends.
root=/srv/apt-mirror
arch=$(dpkg --print-architecture)
build=$(mktemp -d)
export GNUPGHOME="$build/gnupg"
trap 'gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$build"' EXIT
install -d -m 0700 "$GNUPGHOME"

rm -rf "$root"
install -d -m 0755 "$root"

gpg --batch --quiet --passphrase '' \
    --quick-gen-key 'hardening-audit lab archive (apt-mirror) <apt-mirror@lab.invalid>' ed25519 sign never
gpg --batch --export > "$root/ha-lab-archive.gpg"
gpg --batch --armor --export > "$root/ha-lab-archive.asc"

# make_deb NAME VERSION POOL-DIR SUMMARY: an Architecture: all package with one data file.
make_deb() {
    tree="$build/tree-$1-$2"
    install -d -m 0755 "$tree/DEBIAN" "$tree/usr/share/$1" "$tree/usr/share/doc/$1"
    cat > "$tree/DEBIAN/control" <<EOF
Package: $1
Version: $2
Architecture: all
Maintainer: hardening-audit lab <apt-mirror@lab.invalid>
Section: misc
Priority: optional
Description: $4
 Dummy package of the hardening-audit lab mirror (apt-mirror).
EOF
    printf '%s %s\n' "$1" "$2" > "$tree/usr/share/$1/VERSION"
    printf 'Dummy package of the hardening-audit lab; no copyright.\n' > "$tree/usr/share/doc/$1/copyright"
    chmod 0644 "$tree/usr/share/$1/VERSION" "$tree/usr/share/doc/$1/copyright"
    install -d -m 0755 "$3"
    dpkg-deb --root-owner-group -Zgzip --build "$tree" "$3/${1}_${2}_all.deb" >/dev/null
}

# index ARCHIVE SUITE DEB...: the suite's Packages (+ .gz) listing exactly these pool files.
index() {
    archive=$1 suite=$2
    shift 2
    packages="$root/$archive/dists/$suite/main/binary-$arch"
    install -d -m 0755 "$packages"
    : > "$packages/Packages"
    for deb in "$@"; do
        (cd "$root/$archive" && apt-ftparchive packages "$deb") >> "$packages/Packages"
    done
    gzip -9n < "$packages/Packages" > "$packages/Packages.gz"
}

# release ARCHIVE SUITE [apt-ftparchive -o ...]: the suite's Release, signed twice unless told "unsigned".
release() {
    archive=$1 suite=$2
    shift 2
    sign=yes
    if [ "${1:-}" = unsigned ]; then
        sign=no
        shift
    fi
    dists="$root/$archive/dists/$suite"
    (cd "$dists" && apt-ftparchive -o APT::FTPArchive::Release::Codename="$suite" \
        -o APT::FTPArchive::Release::Architectures="$arch" -o APT::FTPArchive::Release::Components=main \
        "$@" release .) > "$build/Release"
    mv "$build/Release" "$dists/Release"
    if [ "$sign" = yes ]; then
        gpg --batch --yes --digest-algo SHA256 --clearsign --output "$dists/InRelease" "$dists/Release"
        gpg --batch --yes --digest-algo SHA256 --detach-sign --armor --output "$dists/Release.gpg" "$dists/Release"
    fi
}

pool=pool/main/h
make_deb ha-lab-tool 1.0 "$root/debian/$pool/ha-lab-tool" "lab tool (first release)"
make_deb ha-lab-extra 1.0 "$root/debian/$pool/ha-lab-extra" "lab extra (first release)"
make_deb ha-lab-extra 1.1 "$root/debian/$pool/ha-lab-extra" "lab extra (bug-fix update)"
make_deb ha-lab-extra 1.2~bpo12+1 "$root/debian/$pool/ha-lab-extra" "lab extra (backport)"
make_deb ha-lab-tool 1.1 "$root/debian-security/pool/updates/main/h/ha-lab-tool" "lab tool (security update)"
make_deb ha-lab-vendor 1.0 "$root/vendor/$pool/ha-lab-vendor" "lab vendor tool"

index debian bookworm "$pool/ha-lab-tool/ha-lab-tool_1.0_all.deb" "$pool/ha-lab-extra/ha-lab-extra_1.0_all.deb"
index debian bookworm-updates "$pool/ha-lab-extra/ha-lab-extra_1.1_all.deb"
index debian bookworm-backports "$pool/ha-lab-extra/ha-lab-extra_1.2~bpo12+1_all.deb"
index debian-security bookworm-security pool/updates/main/h/ha-lab-tool/ha-lab-tool_1.1_all.deb
index vendor bookworm "$pool/ha-lab-vendor/ha-lab-vendor_1.0_all.deb"

release debian bookworm -o APT::FTPArchive::Release::Origin=Debian -o APT::FTPArchive::Release::Label=Debian \
    -o APT::FTPArchive::Release::Suite=oldstable -o APT::FTPArchive::Release::Version=12 \
    -o APT::FTPArchive::Release::Description="Debian 12 (hardening-audit lab mirror)"
release debian bookworm-updates -o APT::FTPArchive::Release::Origin=Debian \
    -o APT::FTPArchive::Release::Label=Debian -o APT::FTPArchive::Release::Suite=oldstable-updates \
    -o APT::FTPArchive::Release::Version=12-updates \
    -o APT::FTPArchive::Release::Description="Debian 12 - Updates (hardening-audit lab mirror)"
release debian bookworm-backports -o APT::FTPArchive::Release::Origin="Debian Backports" \
    -o APT::FTPArchive::Release::Label="Debian Backports" -o APT::FTPArchive::Release::Suite=oldstable-backports \
    -o APT::FTPArchive::Release::Version=12-backports -o APT::FTPArchive::Release::NotAutomatic=yes \
    -o APT::FTPArchive::Release::ButAutomaticUpgrades=yes \
    -o APT::FTPArchive::Release::Description="Debian 12 - Backports (hardening-audit lab mirror)"
release debian-security bookworm-security -o APT::FTPArchive::Release::Origin=Debian \
    -o APT::FTPArchive::Release::Label=Debian-Security -o APT::FTPArchive::Release::Suite=oldstable-security \
    -o APT::FTPArchive::Release::Version=12 -o APT::FTPArchive::Release::ValidTime=604800 \
    -o APT::FTPArchive::Release::Description="Debian 12 - Security Updates (hardening-audit lab mirror)"
release vendor bookworm unsigned -o APT::FTPArchive::Release::Origin="HA Lab Vendor" \
    -o APT::FTPArchive::Release::Label="HA Lab Vendor" -o APT::FTPArchive::Release::Suite=bookworm \
    -o APT::FTPArchive::Release::Description="Unsigned vendor repository (hardening-audit lab mirror)"

# What the clients rely on, checked here rather than as an apt error on each client.
grep -qx 'Label: Debian-Security' "$root/debian-security/dists/bookworm-security/Release"
grep -q '^Valid-Until: ' "$root/debian-security/dists/bookworm-security/Release"
grep -qx 'NotAutomatic: yes' "$root/debian/dists/bookworm-backports/Release"
for suite in debian/dists/bookworm debian/dists/bookworm-updates debian/dists/bookworm-backports \
             debian-security/dists/bookworm-security; do
    gpgv --quiet --keyring "$root/ha-lab-archive.gpg" "$root/$suite/InRelease" 2>/dev/null
    gpgv --quiet --keyring "$root/ha-lab-archive.gpg" "$root/$suite/Release.gpg" "$root/$suite/Release" 2>/dev/null
done
[ ! -e "$root/vendor/dists/bookworm/InRelease" ] && [ ! -e "$root/vendor/dists/bookworm/Release.gpg" ]
chmod -R u=rwX,go=rX "$root"

cat > /etc/systemd/system/lab-apt-mirror.service <<'EOF'
# Written by the hardening-audit lab scenario pat/mirror.
[Unit]
Description=Lab APT mirror (busybox httpd on TCP 80, /srv/apt-mirror)
After=network.target

[Service]
ExecStart=/usr/bin/busybox httpd -f -p 80 -h /srv/apt-mirror
Restart=always

[Install]
WantedBy=multi-user.target
EOF
chmod 0644 /etc/systemd/system/lab-apt-mirror.service
systemctl enable lab-apt-mirror.service
