# Sourced by the cluster tests (issue 14): a temporary directory $tmp
# removed at exit with every process started (pids), fail (prints the
# logs), and starting nats-server, an owner, a standby and edges on free
# ports, each process's log in $tmp. Expects $quizd and $bank; optional:
# nats_js=1 (nats-server with JetStream), owner_args (more arguments for
# owner1).

tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  local f
  for f in bench.err owner.log owner2.log standby.log standby2.log e1.log e2.log e3.log nats.log; do
    echo "--- $f"; grep -v '^\[' "$tmp/$f" 2>/dev/null | tail -n 15 || true
  done
  exit 1
}
db=$tmp/quiz.db
sql() { sqlite3 -cmd ".timeout 5000" "$db" "$@"; }

wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }

# nats-server on a free port (it writes the port it took), or on $1;
# with JetStream (its store in $tmp/js) if nats_js=1; sets nats_pid,
# nport and url
start_nats() {
  local js=()
  [ "${nats_js:-0}" = 1 ] && js=(-js -sd "$tmp/js")
  rm -rf "$tmp/ports"
  mkdir -p "$tmp/ports"
  nats-server -a 127.0.0.1 -p "${1:--1}" --ports_file_dir "$tmp/ports" ${js[@]+"${js[@]}"} \
    >>"$tmp/nats.log" 2>&1 &
  nats_pid=$!
  pids+=($nats_pid)
  for _ in $(seq 100); do ls "$tmp"/ports/*.ports >/dev/null 2>&1 && break; sleep 0.1; done
  nport=$(jq -r '.nats[0]' "$tmp"/ports/*.ports 2>/dev/null | sed 's/.*://')
  [ -n "$nport" ] || fail "nats-server did not start"
  url=nats://127.0.0.1:$nport
}

# every contestant comes from 127.0.0.1: lift the per-address bounds
lift=(--joins-per-addr 10000000 --max-conns-per-addr 1000000 --conn-rate-per-addr 0)

# an owner quizd: node owner1 on $tmp/quiz.db (log owner.log, and the
# arguments in owner_args, e.g. owner_args=(--replicate)), or node $1 on
# $tmp/$1.db (log $1.log); sets owner_pid or $1_pid, and $1_port
owner_args=()
start_owner() {
  local name=${1:-owner1} db=$tmp/quiz.db log=$tmp/owner.log extra=()
  [ "$name" = owner1 ] || { db=$tmp/$name.db; log=$tmp/$name.log; }
  [ "$name" = owner1 ] && extra=(${owner_args[@]+"${owner_args[@]}"})
  rm -f "$tmp/$name.port"
  "$quizd" --listen 127.0.0.1:0 --db "$db" --bank "$bank" --port-file "$tmp/$name.port" \
    "${lift[@]}" --nats "$url" --node "$name" ${extra[@]+"${extra[@]}"} 2>>"$log" &
  pids+=($!)
  if [ "$name" = owner1 ]; then owner_pid=$!; else eval "${name}_pid=$!"; fi
  wait_file "$tmp/$name.port" || fail "owner $name did not start"
  eval "${name}_port=$(cat "$tmp/$name.port")"
}

# a standby for owner1 (nats-server with JetStream, owner1 with
# --replicate): follows owner1's stream into $tmp/standby.db (log
# standby.log) and takes over when owner1 falls silent, listening then
# (port file $tmp/standby.port); sets standby_pid once it says it follows
start_standby() {
  rm -f "$tmp/standby.port"
  "$quizd" --listen 127.0.0.1:0 --port-file "$tmp/standby.port" --db "$tmp/standby.db" \
    --bank "$bank" --nats "$url" --node owner1 --standby "${lift[@]}" 2>>"$tmp/standby.log" &
  standby_pid=$!
  pids+=("$standby_pid")
  for _ in $(seq 100); do
    grep -q 'following owner1' "$tmp/standby.log" 2>/dev/null && return 0
    kill -0 "$standby_pid" 2>/dev/null || fail "the standby exited"
    sleep 0.1
  done
  fail "the standby did not follow owner1"
}

# edge NAME relaying to owner1; sets NAME_pid and NAME_port
start_edge() {
  "$quizd" --edge --nats "$url" --node "$1" --owner owner1 --listen 127.0.0.1:0 \
    --port-file "$tmp/$1.port" "${lift[@]}" 2>"$tmp/$1.log" &
  pids+=($!)
  eval "${1}_pid=$!"
  wait_file "$tmp/$1.port" || fail "edge $1 did not start"
  eval "${1}_port=$(cat "$tmp/$1.port")"
}

# waits until the owner's log names both edges e1 and e2, and both
# edges heard the owner (they take contestants from then on)
wait_edges() {
  for _ in $(seq 50); do
    [ "$(grep -c 'edge e[12] joined' "$tmp/owner.log" || true)" -ge 2 ] &&
      grep -q 'owner owner1 is there' "$tmp/e1.log" &&
      grep -q 'owner owner1 is there' "$tmp/e2.log" && return 0
    sleep 0.1
  done
  fail "the owner and both edges did not hear each other"
}

# Stops every node with SIGTERM (a clean shutdown: under the sanitizers
# that is when leaks are reported) and fails if any log names a sanitizer
# finding.
finish() {
  local p f
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
  for f in "$tmp"/*.log; do
    if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f"; then
      grep -E -A12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f" | head -40
      fail "a sanitizer finding in $(basename "$f")"
    fi
  done
}

# Publishes the bytes of file $2 on subject $1 through the NATS protocol
# itself (bash's /dev/tcp: no client needed), as a hostile peer would.
nats_pub() {
  local n
  n=$(stat -c %s "$2")
  exec 3<>"/dev/tcp/127.0.0.1/$nport"
  head -n 1 <&3 >/dev/null # INFO
  { printf 'CONNECT {"verbose":false,"pedantic":false}\r\nPUB %s %d\r\n' "$1" "$n"
    cat "$2"; printf '\r\nPING\r\n'; } >&3
  timeout 5 head -n 1 <&3 >/dev/null || true # PONG: the server has it
  exec 3>&-
}

# Sends hostile messages to every node's subjects: random bytes, and
# headers that pass with records that do not (from a node "zz" no one
# knows). Each of $1 rounds, 100 ms apart.
hostile_nats() {
  local i subj f=$tmp/hostile.bin
  for i in $(seq "$1"); do
    for subj in quizd.node.owner1 quizd.who quizd.edge.e1 quizd.edge.e2; do
      head -c $((RANDOM % 2000 + 1)) /dev/urandom >"$f"
      nats_pub "$subj" "$f"
      # QZC1, direction (1 to an owner, 2 to an edge), name "zz", epoch,
      # then garbage records
      { printf 'QZC1'; if [ "$subj" = quizd.edge.e1 ] || [ "$subj" = quizd.edge.e2 ]; then printf '\x02'; else printf '\x01'; fi
        printf '\x02zz'; head -c 8 /dev/urandom; head -c $((RANDOM % 500 + 1)) /dev/urandom; } >"$f"
      nats_pub "$subj" "$f"
    done
    sleep 0.1
  done
}

# The replicated cluster of cluster_fail.sh and cluster_takeover.sh:
# nats-server with JetStream, owner1 with --replicate, a standby following
# it (which must not listen while it follows), edges e1 and e2 that have
# heard owner1.
start_replicated_cluster() {
  nats_js=1
  owner_args=(--replicate)
  start_nats
  start_owner
  start_standby
  [ ! -e "$tmp/standby.port" ] || fail "the standby listens while it follows"
  start_edge e1
  start_edge e2
  wait_edges
}
