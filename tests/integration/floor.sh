#!/usr/bin/env bash
# Integration (issue 13): quiz-floor, the floor of quizd's fan-out, and
# quiz-bench --floor. Usage errors of both exit 2 and --help exits 0;
# peers that send a bad frame length, an undecodable payload or anything
# but Hello first get an Error and are closed (counted as bad_peers); then
# 200 contestants x 3 questions: both exit 0, all 200 joined and finished,
# no answer sent, 600 question and 600 reveal fan-out samples, each real
# (above 0, p99 under 1 s: not a timing test), every question the bank's,
# and quiz-floor's summary agrees (3 questions and reveals sent, all 200
# left, nobody dropped as slow).
set -euo pipefail
floor=$1 bench=$2 bank=$3
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d)
fpid=""
cleanup() {
  [ -n "$fpid" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- quiz-bench stderr"; head -n 30 "$tmp/bench.err" 2>/dev/null || true
         echo "--- quiz-floor stderr"; tail -n 20 "$tmp/floor.err" 2>/dev/null || true; exit 1; }

# --help, --version: exit 0 with the usage on stdout
"$floor" --help >"$tmp/help" || fail "quiz-floor --help: exit $?"
grep -q '^usage: quiz-floor' "$tmp/help" || fail "quiz-floor --help: no usage line"
"$floor" --version >"$tmp/version" || fail "quiz-floor --version: exit $?"
grep -q '^quiz-floor ' "$tmp/version" || fail "quiz-floor --version: no version line"
"$bench" --help >"$tmp/bhelp" || fail "quiz-bench --help: exit $?"
grep -q -- '--floor' "$tmp/bhelp" || fail "quiz-bench --help does not tell --floor"

# usage errors: exit 2 with a message, nothing started
for args in "" "--players 0" "--players x" "--players 100001" "--players -1" \
            "--players 5 --questions 0" "--players 5 --questions 201" \
            "--players 5 --interval-ms 99" "--players 5 --settle-ms 60001" \
            "--players 5 --time-limit-ms 10" "--players 5 --timeout-s 0" \
            "--players 5 --linger-s 0" "--players 5 --listen nope" \
            "--players 5 --listen 127.0.0.1:70000" "--players 5 --bogus" \
            "--players 5 extra"; do
  rc=0
  # shellcheck disable=SC2086
  "$floor" $args >/dev/null 2>"$tmp/usage.err" || rc=$?
  [ "$rc" -eq 2 ] || fail "quiz-floor $args: exit $rc, want 2"
  [ -s "$tmp/usage.err" ] || fail "quiz-floor $args: no message"
done
for args in "--hurry" "--teams 2" "--contest x.ini" "--delay-ms 1-2" "--practice 3"; do
  rc=0
  # shellcheck disable=SC2086
  "$bench" --floor --connect 127.0.0.1:9 --players 1 $args >/dev/null 2>"$tmp/usage.err" || rc=$?
  [ "$rc" -eq 2 ] || fail "quiz-bench --floor $args: exit $rc, want 2"
  grep -q -- '--floor only measures' "$tmp/usage.err" || fail "quiz-bench --floor $args: no message"
done

"$floor" --listen 127.0.0.1:0 --port-file "$tmp/port" --players 200 --questions 3 \
  --settle-ms 1000 --interval-ms 600 --timeout-s 50 --linger-s 10 \
  >"$tmp/floor.json" 2>"$tmp/floor.err" &
fpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quiz-floor did not start"
port=$(cat "$tmp/port")
echo "quiz-floor on port $port"

# hostile peers: each must get one whole frame (an Error) and be closed;
# then a well-behaved one whose frames come a byte at a time
hostile=0
if command -v python3 >/dev/null; then
  python3 - "$port" <<'EOF' || fail "hostile peers"
import socket, struct, sys, time
port = int(sys.argv[1])
cases = {
    "length over the cap": struct.pack(">I", 1 << 20),
    "length 0": struct.pack(">I", 0),
    "undecodable payload": struct.pack(">I", 3) + b"\xff\xff\xff",
    "no Hello first": struct.pack(">I", 2) + b"\x08\x01",
    "protocol version 7": struct.pack(">I", 6) + b"\x08\x01\x12\x02\x08\x07",
}
for name, data in cases.items():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(data)
    got = b""
    while True:
        try:
            d = s.recv(65536)
        except socket.timeout:
            sys.exit(name + ": not closed within 5 s")
        if not d:
            break
        got += d
    s.close()
    if len(got) < 5 or struct.unpack(">I", got[:4])[0] != len(got) - 4:
        sys.exit(name + ": no single Error frame before the close (%r)" % got)
    print("hostile peer (%s): one %d-byte frame, closed" % (name, len(got)))

# a peer sending Hello and a Ping a byte at a time (frames reassembled
# across reads): Welcome (seq 1), then Pong (seq 2) echoing t0 = 12345
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
hello = b"\x08\x01\x12\x02\x08\x01"
ping = b"\x08\x02\x2a\x03\x08\xb9\x60"
for b in struct.pack(">I", len(hello)) + hello + struct.pack(">I", len(ping)) + ping:
    s.sendall(bytes([b]))
    time.sleep(0.002)
got, frames = b"", []
while len(frames) < 2:
    d = s.recv(65536)
    if not d:
        sys.exit("split frames: closed after %d frames" % len(frames))
    got += d
    while len(got) >= 4 and len(got) >= 4 + struct.unpack(">I", got[:4])[0]:
        n = struct.unpack(">I", got[:4])[0]
        frames.append(got[4:4 + n])
        got = got[4 + n:]
s.close()
if not frames[0].startswith(b"\x08\x01\x1a"):
    sys.exit("split frames: no Welcome to seq 1 (%r)" % frames[0])
if not frames[1].startswith(b"\x08\x02\x32") or frames[1][4:7] != b"\x08\xb9\x60":
    sys.exit("split frames: no Pong with t0 12345 to seq 2 (%r)" % frames[1])
print("Hello and Ping a byte at a time: Welcome, then Pong with t0 echoed")
EOF
  hostile=5
fi

brc=0
"$bench" --floor --connect "127.0.0.1:$port" --players 200 --bank "$bank" \
  --timeout-s 40 >"$tmp/bench.json" 2>"$tmp/bench.err" || brc=$?
frc=0
wait "$fpid" || frc=$?
fpid=""
[ -s "$tmp/bench.json" ] || fail "quiz-bench wrote no summary (exit $brc)"
[ -s "$tmp/floor.json" ] || fail "quiz-floor wrote no summary (exit $frc)"
jq -c '{joined, finished, complete, answers: .answers.sent, fanout_us}' "$tmp/bench.json"
jq -c . "$tmp/floor.json"
[ "$brc" -eq 0 ] || fail "quiz-bench --floor exited $brc"
[ "$frc" -eq 0 ] || fail "quiz-floor exited $frc"
jq -e '.joined == 200 and .finished == 200 and .complete and .code == "FLOOR"
       and .questions == 3 and .answers.sent == 0 and .errors == 0
       and .results_missing == 0 and .mismatches.total == 0
       and .dropped == 0 and .connections_failed == 0' \
  "$tmp/bench.json" >/dev/null || fail "the floor run did not finish cleanly"
jq -e '.fanout_us.question.n == 600 and .fanout_us.reveal.n == 600
       and .fanout_us.question.p50 > 0 and .fanout_us.question.p99 < 1000000
       and .fanout_us.reveal.p50 > 0 and .fanout_us.reveal.p99 < 1000000' \
  "$tmp/bench.json" >/dev/null || fail "fan-out samples missing or not real"
jq -e '(.per_question | length) == 3 and all(.per_question[]; .bank_item)' \
  "$tmp/bench.json" >/dev/null || fail "the floor's question is not the bank's"
jq -e --argjson bad "$hostile" '.joined == 200 and .left == 200
       and .questions_sent == 3 and .reveals_sent == 3 and .dropped_slow == 0
       and .bad_peers == $bad and .timed_out == false
       and .frame_bytes.question > 150 and (.question_broadcast_us | length) == 3' \
  "$tmp/floor.json" >/dev/null || fail "quiz-floor's summary disagrees"
echo "PASS"
