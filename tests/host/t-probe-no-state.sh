#!/bin/bash
# A probe leaves no client state on the server.  Two views of ganesha's
# client table, neither needing D-Bus:
#  - its fs recovery backend keeps one directory per confirmed client ID under
#    RecoveryRoot/v4recov/node0 (created at confirmation, removed when the
#    client is destroyed or expires): a live, exact list of clients;
#  - its log with CLIENTID and SESSIONS at FULL_DEBUG: EXCHANGE_ID, the owner
#    name, confirmation, DESTROY_CLIENTID, the records being freed.
# A control client (libnfs nfs-ls, NFSv4.0: SETCLIENTID, never released)
# shows both views do see a client that stays.
#
# Runs its own ganesha instances in a netns pair of its own (${P}ns-srv,
# ${P}ns-cli), so the debug logging and the 4.0-less configuration never touch
# the shared server, and their (failing, harmless) rpcbind registration cannot
# unregister the shared ganesha's:
#  A: default minor versions 0, 1, 2: the probe checks the path with stateless
#     4.0 COMPOUNDs, so no EXCHANGE_ID/SETCLIENTID at all, whatever -o vers;
#  B: Minor_Versions = 1, 2: the probe needs a client ID and a session for the
#     path check, and must destroy both before returning, on success and on
#     failure (missing path).
set -u
. "$(dirname "$0")/lib.sh"
h_require_env
h_require_bin nsmount
h_require_cmd python3 python3
h_require_cmd nfs-ls libnfs-utils

NS_SRV=${H_PREFIX}ns-srv
NS_CLI=${H_PREFIX}ns-cli
A_ADDR=10.98.9.1
C_ADDR=10.98.9.2
dirs=()

pair_down() {
	local ns
	for ns in "$NS_SRV" "$NS_CLI"; do
		ip netns pids "$ns" >/dev/null 2>&1 || continue
		ns_kill_all "$ns"
		ip netns del "$ns" 2>/dev/null
	done
}
cleanup() {
	local d
	for d in "${dirs[@]}"; do ganesha_stop "$d"; done
	pair_down
}
trap cleanup EXIT

# ---- a private server/client netns pair ----------------------------------------------
pair_down # leftovers of a killed run
for ns in "$NS_SRV" "$NS_CLI"; do
	ip netns add "$ns" || h_fail "ip netns add $ns"
	ip -n "$ns" link set lo up || h_fail "lo up in $ns"
done
ip link add to-cli netns "$NS_SRV" type veth peer name to-srv netns "$NS_CLI" || h_fail "veth pair"
ip -n "$NS_SRV" addr add "$A_ADDR/24" dev to-cli || h_fail "address in $NS_SRV"
ip -n "$NS_CLI" addr add "$C_ADDR/24" dev to-srv || h_fail "address in $NS_CLI"
ip -n "$NS_SRV" link set to-cli up || h_fail "link up in $NS_SRV"
ip -n "$NS_CLI" link set to-srv up || h_fail "link up in $NS_CLI"

# start_instance MINOR_VERSIONS: ganesha in NS_SRV on A_ADDR with client
# debug logging; sets DIR (its state dir), LOG, CLIENTS (recovery dir).
start_instance() {
	GANESHA_MINOR_VERSIONS=$1 \
		GANESHA_LOG_COMPONENTS="CLIENTID = FULL_DEBUG; SESSIONS = FULL_DEBUG;" \
		GANESHA_PROBE_NS=$NS_CLI ganesha_start "$NS_SRV" "$A_ADDR" "$H_RUN/ns-export" ||
		h_fail "ganesha (Minor_Versions $1) did not start in $NS_SRV"
	DIR=$GANESHA_DIR
	dirs+=("$DIR")
	LOG=$DIR/ganesha.log
	CLIENTS=$DIR/recovery/v4recov/node0
	echo "# ganesha (Minor_Versions $1) up in ${GANESHA_START_MS} ms, state in $DIR"
}
clients() { find "$CLIENTS" -mindepth 1 -maxdepth 1 2>/dev/null | sed 's|.*/||'; }
nclients() { clients | grep -c .; }

# wait_log ERE N: wait (bounded, 3 s) until LOG has N lines matching ERE.
wait_log() {
	for _ in $(seq 60); do
		[ "$(grep -cE -- "$1" "$LOG")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# ======== A: 4.0 available: stateless probe ===========================================
start_instance "0, 1, 2"
assert_eq "A: clients before" 0 "$(nclients)"
spec=$A_ADDR:$EXPORT_PSEUDO
assert_rc "A: probe $spec" 0 nsprobe --json --netns "$NS_CLI" "$spec"
assert_json "A: json" "j['minor_versions'] == [0, 1, 2] and j['path_status'] == 'directory'"
assert_rc "A: probe -o vers=4.1 $spec" 0 nsprobe -o vers=4.1 --netns "$NS_CLI" "$spec"
assert_rc "A: probe -o vers=4.2 $spec" 0 nsprobe -o vers=4.2 --netns "$NS_CLI" "$spec"
assert_rc "A: probe of a missing path" 32 nsprobe --netns "$NS_CLI" "$A_ADDR:/no/such/path"
assert_eq "A: clients after 4 probes (recovery dir)" 0 "$(nclients)"
# every COMPOUND is freed in the log: the 4 probes sent 3 + 2 + 2 + 3
wait_log 'release_nfs4_res_compound' 10 || h_fail "A: ganesha logged fewer than 10 COMPOUNDs" "$(tail -n 20 "$LOG")"
assert_eq "A: EXCHANGE_ID/SETCLIENTID/CREATE_SESSION in the log" "" \
	"$(grep -E 'nfs4_op_(exchange_id|setclientid|create_session)' "$LOG")"

# Control: libnfs' NFSv4.0 client does SETCLIENTID(+CONFIRM) and never releases
# its client ID (4.0 has no DESTROY_CLIENTID): both views must show it.
assert_rc "A: control client nfs-ls (NFSv4.0)" 0 \
	in_ns "$NS_CLI" nfs-ls "nfs://$A_ADDR$EXPORT_PSEUDO/?version=4"
assert_eq "A: clients after the control client (recovery dir)" 1 "$(nclients)"
wait_log 'nfs4_op_setclientid_confirm' 1 || h_fail "A: no SETCLIENTID_CONFIRM logged for the control client"
echo "ok: A: control client seen in the log: $(grep -m1 -oE 'nfs4_op_setclientid_confirm .{0,80}' "$LOG")"
ganesha_stop "$DIR"

# ======== B: no 4.0: client ID + session, destroyed before the probe returns ===========
start_instance "1, 2"
assert_eq "B: clients before" 0 "$(nclients)"

# Client owners named in the log, in order of first appearance.
owners() { grep -oE 'name=\([0-9]+:[^)]*\)' "$LOG" | sed 's/^name=([0-9]*://; s/)$//' | awk '!seen[$0]++'; }
wait_owners() { # N: bounded wait for N distinct owners
	for _ in $(seq 60); do
		[ "$(owners | grep -c .)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# check_destroyed WHAT N: the N-th client of the log is a probe's, and it
# was created, confirmed and destroyed, its records freed.
check_destroyed() {
	local what=$1 n=$2 owner q
	wait_owners "$n" || h_fail "$what: fewer than $n client owners in the log" "$(owners)"
	owner=$(owners | sed -n "${n}p")
	assert_match "$what: probe-only client owner" '^nsnfs-probe/[0-9a-f]{32}$' "$owner"
	q="name=\\([0-9]+:$owner\\)"
	# the last line of the destruction is the client record being freed
	wait_log "dec_client_record_ref :CLIENT ID :F_DBG :Free \\{[^ ]* $q" 1 ||
		h_fail "$what: client record of $owner never freed" "$(grep -E "$owner" "$LOG" | tail -n 5)"
	assert_match "$what: session created" "nfs4_op_create_session :SESSIONS :DEBUG :Confirmed .*$q" "$(cat "$LOG")"
	assert_eq "$what: DESTROY_SESSIONs received so far" "$n" "$(grep -c 'check_session_conn .*for OP_DESTROY_SESSION' "$LOG")"
	assert_match "$what: DESTROY_CLIENTID removed it" "nfs4_op_destroy_clientid :CLIENT ID :DEBUG :Removing confirmed clientid .*$q" "$(cat "$LOG")"
	assert_match "$what: client ID freed (no session holds it)" "dec_client_id_ref :CLIENT ID :F_DBG :Free Clientid refcount now=0 .*$q" "$(cat "$LOG")"
	# the recovery dir view was live: the client's directory came and went
	assert_eq "$what: client dirs created so far" "$n" "$(grep -c 'fs_add_clid :CLIENT ID :DEBUG :Created client dir' "$LOG")"
	assert_eq "$what: client dirs removed so far" "$n" "$(grep -c 'fs_rm_clid_impl :CLIENT ID :DEBUG :Removed client dir' "$LOG")"
	echo "ok: $what: client record of $owner freed"
}

spec=$A_ADDR:$EXPORT_PSEUDO
assert_rc "B: probe $spec" 0 nsprobe --json --netns "$NS_CLI" "$spec"
assert_json "B: json" "j['minor_versions'] == [1, 2] and j['path_status'] == 'directory'"
assert_eq "B: clients right after the probe (recovery dir)" 0 "$(nclients)"
check_destroyed "B: probe 1 (path exists)" 1

assert_rc "B: probe of a missing path" 32 nsprobe --netns "$NS_CLI" "$A_ADDR:/no/such/path"
assert_match "B: message" "No such file or directory" "$H_OUT"
assert_eq "B: clients right after the failed probe" 0 "$(nclients)"
check_destroyed "B: probe 2 (missing path)" 2

# -o vers=4.1 takes the session path at 4.1.
assert_rc "B: probe -o vers=4.1 $spec" 0 nsprobe -o vers=4.1 --json --netns "$NS_CLI" "$spec"
assert_json "B: json with vers=4.1" "j['minor_versions'] == [1] and j['path_status'] == 'directory'"
assert_eq "B: clients right after the 4.1 probe" 0 "$(nclients)"
check_destroyed "B: probe 3 (vers=4.1)" 3

# -o vers=4.0 against a server without 4.0: refused, nothing created.
assert_rc "B: probe -o vers=4.0" 32 nsprobe -o vers=4.0 --netns "$NS_CLI" "$spec"
assert_match "B: message for vers=4.0" "requested NFS version or transport protocol is not supported" "$H_OUT"
sleep 0.2 # (log lines of a client would come with the reply, not after; a margin)
assert_eq "B: client owners in the log after the vers=4.0 probe (still 3)" 3 "$(owners | grep -c .)"
assert_eq "B: EXCHANGE_IDs in the log (3)" 3 "$(grep -c 'nfs4_op_exchange_id :CLIENT ID :DEBUG :EXCHANGE_ID' "$LOG")"
assert_eq "B: clients at the end" 0 "$(nclients)"
