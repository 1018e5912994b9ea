# Sourced by tests that run quiz-bench against quizd: checks of what a
# match stored against what quiz-bench was told. Expects sql and fail.

# check_told MATCH JSON ACKS: every acked answer (--acks file ACKS) is in
# the answers table with its response time and the table holds no other,
# and the Results told (JSON's "results", from --results) are the answers
# table's points and times.
check_told() {
  local match=$1 json=$2 acks=$3 stored acked
  stored=$(sql "select count(*) from answers where match_id=$match")
  acked=$(jq .answers.acked "$json")
  [ "$stored" -eq "$acked" ] || fail "answers acked $acked, stored $stored"
  sort "$acks" >"$tmp/acked"
  sql "select player_id || ' ' || q || ' ' || rt_us from answers where match_id=$match" | sort >"$tmp/stored"
  diff -q "$tmp/acked" "$tmp/stored" >/dev/null || fail "--acks differs from the answers table"
  jq -r '.results[] | select(.answered) | "\(.player_id)|\(.q)|\(.points)|\(.response_time_us)"' \
    "$json" | sort >"$tmp/told"
  sql "select player_id, q, points, rt_us from answers where match_id=$match" | sort >"$tmp/stored_pts"
  [ "$(wc -l <"$tmp/told")" -eq "$stored" ] || fail "results told: $(wc -l <"$tmp/told"), stored $stored"
  diff -q "$tmp/told" "$tmp/stored_pts" >/dev/null || fail "results told differ from the answers table"
}
