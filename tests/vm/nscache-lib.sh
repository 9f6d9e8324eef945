# shellcheck shell=bash
# Shared setup of the t-nscache-* guest tests (sourced after lib.sh): a fresh
# store before and after the test, and on exit the watcher ($WATCH_PID) and a
# test container process ($CTR_PID) killed, when the test started them.

NSC=$NSNFS_BUILD/nscache
[ -f "$NSC" ] && [ -x "$NSC" ] || fail "no nscache binary in $NSNFS_BUILD (make)"
WATCH_PID=
CTR_PID=
WATCH_LOG=/tmp/nscache-watch.log

nsc_reset_store() {
	rm -f /run/nsnfs/data.mdb /run/nsnfs/lock.mdb /run/nsnfs/watch.lock
}
nsc_cleanup() {
	[ -z "$WATCH_PID" ] || kill -9 "$WATCH_PID" 2>/dev/null || true
	[ -z "$CTR_PID" ] || kill -9 "$CTR_PID" 2>/dev/null || true
	vm_cleanup
	nsc_reset_store
}
trap nsc_cleanup EXIT
nsc_reset_store

# count JQ-PATH: how many records `nscache -j list` holds there.
count() { "$NSC" -j list | jq "$1 | length"; }
