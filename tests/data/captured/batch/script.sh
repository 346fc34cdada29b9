d=$(mktemp -d) || exit 97
trap 'rm -rf "$d"' EXIT
( printf 'no newline at the end'
) </dev/null >"$d/0.out" 2>"$d/0.err"; echo $? >"$d/0.rc"
( echo two lines; echo second
) </dev/null >"$d/1.out" 2>"$d/1.err"; echo $? >"$d/1.rc"
( ls /nonexistent-path
) </dev/null >"$d/2.out" 2>"$d/2.err"; echo $? >"$d/2.rc"
( exit 3
) </dev/null >"$d/3.out" 2>"$d/3.err"; echo $? >"$d/3.rc"
( true # a trailing comment
) </dev/null >"$d/4.out" 2>"$d/4.err"; echo $? >"$d/4.rc"
( printf ''
) </dev/null >"$d/5.out" 2>"$d/5.err"; echo $? >"$d/5.rc"
( cat /etc/hostname >/dev/null; echo 'käse' >&2
) </dev/null >"$d/6.out" 2>"$d/6.err"; echo $? >"$d/6.rc"
i=0; while [ "$i" -lt 7 ]; do printf "%s %s %s\n" "$1" "$i" "$(cat "$d/$i.rc")"; cat "$d/$i.out"; printf "\n%s stderr\n" "$1"; cat "$d/$i.err"; printf "\n"; i=$((i + 1)); done; printf "%s end\n" "$1"
