#!/usr/bin/env bash
# Fairness benchmark (issue 9): a fresh quizd (temporary database, ephemeral
# port) and quiz-bench with injected delays; prints quiz-bench's "fairness"
# (and "buzz") objects and, for a speed round, where the response-time
# error comes from, from the stored answers (recv_us, one_way_us):
#   relay_up_dev = answer's real uplink transit - the injected up delay
#                  (the relay's own lateness on a loaded machine)
#   comp_err     = (injected up + down) / 2 - the server's compensation
#                  (the server's estimator against the best any clock
#                  sync can do: it sees only the round trip; goal 0)
#   ideal        = an estimator given the true delays: the server's rt with
#                  the injected up delay for compensation (questions that
#                  arrive in time), its error and its inversions
# Usage: scripts/fairness.sh BUILD_DIR [quizd args --] quiz-bench args...
# (QUIZD=path runs another quizd, e.g. an older build, with this bench)
# e.g.   scripts/fairness.sh build --players 1000 --questions 10 \
#          --delay-ms 0-150 --seed 1 --hurry
#        scripts/fairness.sh build --comp-cap-ms 400 -- --players 100 \
#          --questions 10 --delay-ms 200-300 --seed 4 --hurry
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift
qargs=()
if [[ " $* " == *" -- "* ]]; then
  while [ "$1" != "--" ]; do qargs+=("$1"); shift; done
  shift
fi
for t in jq sqlite3 python3; do
  command -v $t >/dev/null || { echo "fairness.sh: $t not installed" >&2; exit 2; }
done
tmp=$(mktemp -d)
qpid=""
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

"${QUIZD:-$build/quizd}" --listen 127.0.0.1:0 --db "$tmp/bench.db" --port-file "$tmp/port" \
  --joins-per-addr 10000000 --max-conns-per-addr 1000000 --conn-rate-per-addr 0 \
  --log-level warn ${qargs[@]+"${qargs[@]}"} 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")

rc=0
"$build/quiz-bench" --connect "127.0.0.1:$port" --bank data/bank --results "$@" \
  >"$tmp/bench.json" || rc=$?
jq -c '{exit: '"$rc"', players, joined, complete, mismatches, fairness}
       + (if .buzz then {buzz} else {} end)' "$tmp/bench.json"
python3 - "$tmp/bench.json" "$tmp/bench.db" <<'EOF'
import json, sqlite3, sys
d = json.load(open(sys.argv[1]))
if d.get("buzz"):
    # a buzz round's answers are the winners', timed from their windows:
    # the split below is of speed answers (the buzz object says the rest)
    sys.exit(0)
db = sqlite3.connect(sys.argv[2])
rows = {(p, q): (recv, ow) for p, q, recv, ow in
        db.execute("select player_id, q, recv_us, one_way_us from answers")}
dev, comp, ideal = [], [], []
byq = {}
for x in d.get("results", []):
    k = (x["player_id"], x["q"])
    if "true_rt_us" not in x or not x["answered"] or k not in rows:
        continue
    recv, ow = rows[k]
    dev.append(recv - x["sent_local_us"] - x["up_us"])
    comp.append((x["up_us"] + x["down_us"]) // 2 - ow)
    irt = x["response_time_us"] + ow - x["up_us"]
    ideal.append(irt - x["true_rt_us"])
    byq.setdefault(x["q"], []).append((x["true_rt_us"], irt))
inv = pairs = 0
for v in byq.values():
    for i in range(len(v)):
        for j in range(i + 1, len(v)):
            dt = v[i][0] - v[j][0]
            ds = v[i][1] - v[j][1]
            if abs(dt) < 5000:
                continue
            pairs += 1
            inv += ds == 0 or (ds < 0) != (dt < 0)
def st(v):
    if not v:
        return {"n": 0}
    a = sorted(abs(t) for t in v)
    s = sorted(v)
    n = len(v)
    return {"n": n, "mean": round(sum(v) / n, 1), "p50": s[n // 2],
            "abs_p50": a[n // 2], "abs_p99": a[min(n - 1, int(n * 0.99))],
            "abs_max": a[-1]}
print(json.dumps({"relay_up_dev_us": st(dev), "comp_err_us": st(comp),
                  "ideal_error_us": st(ideal), "ideal_inversions_5ms": inv,
                  "ideal_pairs_5ms": pairs}))
EOF
exit "$rc"
