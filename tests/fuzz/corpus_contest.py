#!/usr/bin/env python3
"""Seeds for fuzz_model with the contest messages of issue 8 (rounds, turns,
wagers, team boards, signed results): a whole three-round contest as a
contestant, a host and a screen, plus a hostile one. Writes only
corpus/fuzz_model/seed-contest_* (make_corpus.py writes the others); the
chunk format is fuzz_model.c's: byte 0 the mode, then [kind][len u16][bytes]
with kind 0 an envelope, 1 keys, 2 time in ms, 3 a connection state."""
import os
import struct

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus',
                   'fuzz_model')


def varint(n):
    out = b''
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7f
        n >>= 7
        if not n:
            return out + bytes([b])
        out += bytes([b | 0x80])


def zz(n):  # zigzag for sint32/sint64
    return (n << 1) ^ (n >> 63)


def f_int(num, v):
    return varint(num << 3) + varint(v) if v else b''


def f_sint(num, v):
    return f_int(num, zz(v))


def f_bytes(num, v):
    if isinstance(v, str):
        v = v.encode()
    return varint(num << 3 | 2) + varint(len(v)) + v


def f_packed(num, vals):
    return f_bytes(num, b''.join(varint(v) for v in vals))


def env(field, body, seq=0):
    return f_int(1, seq) + f_bytes(field, body)


def chunk(kind, data=b'', n=None):
    return bytes([kind]) + struct.pack('>H', len(data) if n is None else n) + data


def rinfo(i, fmt, name, questions=0, first=0, points=10, stakes=()):
    return (f_int(1, i) + f_int(2, fmt) + f_bytes(3, name) +
            f_int(4, questions) + f_int(5, 30000) + f_sint(6, points) +
            (f_packed(8, stakes) if stakes else b'') + f_int(9, 15000) +
            f_int(10, first))


ROUNDS = [rinfo(0, 1, '必答题', 4, 0), rinfo(1, 0, '抢答题', 2, 4, 1000),
          rinfo(2, 3, '风险题', 2, 6, 0, (10, 20, 30))]
CONTEST = (f_bytes(1, '支部知识竞赛') + f_int(2, 0) + f_sint(3, 100) +
           b''.join(f_bytes(4, r) for r in ROUNDS) + f_bytes(5, '一支部') +
           f_bytes(5, '二支部'))


def team(rank, name, members, score, delta, stake=0, top=()):
    return (f_int(1, rank) + f_bytes(2, name) + f_int(3, members) +
            f_sint(4, score) + f_sint(5, score - 100) + f_sint(6, delta) +
            f_int(7, stake) + b''.join(f_bytes(8, t) for t in top))


def board(final=False):
    return (f_int(1, 0) + f_sint(2, 100) +
            f_bytes(3, team(1, '一支部', 3, 130, 30, 30,
                            ('张三', '小明') if final else ())) +
            f_bytes(3, team(1, '二支部', 2, 130, -20, 20,
                            ('Bob',) if final else ())) +
            f_bytes(3, team(3, '三支部', 1, 90, -10, 10)))


def standing(rank, pid, nick, tm, score):
    return (f_int(1, rank) + f_int(2, pid) + f_bytes(3, nick) +
            f_bytes(4, tm) + f_int(5, score & ((1 << 64) - 1)) + f_int(7, 1))


def top(field):  # Leaderboard.top is field 2, RoundEnd.top field 4
    return (f_bytes(field, standing(1, 7, '小明', '一支部', 60)) +
            f_bytes(field, standing(1, 8, '张三', '一支部', 60)) +
            f_bytes(field, standing(3, 9, 'Bob', '二支部', -20)))


def turn(q, tm, no):
    return f_int(1, q) + f_bytes(3, tm) + f_int(6, no) + f_int(7, 4)


def question(q, rnd, ri, rc, trn=b'', stake=0):
    return (f_int(1, q) + f_int(2, 8) + f_int(3, 0) +
            f_bytes(4, '中国共产党成立于哪一年？') + f_bytes(5, '1919年') +
            f_bytes(5, '1921年') + f_int(6, 5000000) + f_int(7, 25000000) +
            f_int(8, 20000) + f_int(9, 10) + f_bytes(10, '党史') +
            f_int(12, rnd) + f_int(13, ri) + f_int(14, rc) +
            (f_bytes(15, trn) if trn else b'') + f_int(16, stake))


def reveal(q, teams=True):
    return env(21, f_int(1, q) + f_packed(2, [1]) + f_packed(3, [1, 3]) +
               f_int(4, 4) + f_int(5, 6) + (f_bytes(10, board()) if teams
                                            else b''))


def result(q, delta, stake=0, mine=True):
    return env(22, f_int(1, q) + f_int(2, 1 if mine else 0) + f_int(3, 1) +
               f_int(4, max(delta, 0)) + f_int(6, 60) + f_int(7, 1) +
               f_int(8, 6) + f_sint(9, delta) + f_int(10, stake) +
               f_int(11, 1))


def contest_seq(mode):
    if mode == 1:
        first = env(8, f_bytes(1, 'ABCD-EFGH') + f_bytes(2, 'cd' * 16) +
                    f_bytes(5, CONTEST))
    elif mode == 2:
        first = env(12, f_bytes(1, 'ABCD-EFGH') + f_int(3, 0) +
                    f_bytes(5, CONTEST))
    else:
        first = env(10, f_int(1, 7) + f_bytes(2, 'ABCD-EFGH') + f_int(5, 4) +
                    f_bytes(6, CONTEST))
    s = bytes([mode]) + chunk(0, first)
    # 必答: my team's turn, then another team's (keys tried on both)
    s += chunk(0, env(30, f_bytes(1, ROUNDS[0]) + f_int(2, 3)))
    s += chunk(0, env(29, turn(0, '一支部', 1)))
    s += chunk(0, env(19, question(0, 0, 0, 4, turn(0, '一支部', 1))))
    s += chunk(2, n=6000) + chunk(1, b'b') + chunk(2, n=300)
    s += chunk(0, reveal(0)) + chunk(0, result(0, 10, 0, False))
    s += chunk(0, env(19, question(1, 0, 1, 4, turn(1, '二支部', 2))))
    s += chunk(2, n=6000) + chunk(1, b'a') + chunk(2, n=300)
    s += chunk(0, env(4, f_int(1, 18) + f_bytes(2, 'not your turn')))
    s += chunk(0, env(23, f_int(1, 1) + top(2) + f_int(4, 6) +
                      f_bytes(5, board()) + f_int(6, 0)))
    s += chunk(0, env(31, f_int(1, 0) + f_int(2, 3) + f_bytes(3, board()) +
                      top(4)))
    s += chunk(0, env(24, f_int(1, 7))) + chunk(2, n=500)
    # 风险: the wager phase, a stake by key, its ack, the question, -stake
    s += chunk(0, env(30, f_bytes(1, ROUNDS[2]) + f_int(2, 3)))
    s += chunk(0, env(28, f_int(1, 6) + f_int(2, 2) +
                      f_packed(3, [10, 20, 30]) + f_int(4, 20000000) +
                      f_bytes(5, '党史')))
    s += chunk(2, n=1000) + chunk(1, b'2') + chunk(2, n=300)
    s += chunk(0, env(27, f_int(1, 6) + f_int(2, 20) + f_int(3, 7) +
                      f_bytes(4, '小明')))
    s += chunk(0, env(24, f_int(1, 5) + f_int(2, 8000000) +
                      f_int(3, 4000000)))
    s += chunk(0, env(24, f_int(1, 8) + f_int(2, 9000000)))
    s += chunk(0, env(19, question(6, 2, 0, 2, b'', 20)))
    s += chunk(2, n=6000) + chunk(1, b'a') + chunk(2, n=300)
    s += chunk(0, reveal(6)) + chunk(0, result(6, -20, 20))
    s += chunk(0, env(31, f_int(1, 2) + f_int(2, 3) +
                      f_bytes(3, board(True)) + top(4)))
    s += chunk(0, env(23, f_int(1, 7) + top(2) + f_int(3, 1) + f_int(4, 6) +
                      f_bytes(5, board(True)) + f_int(6, 2)))
    return s


def hostile():
    long_name = '\x1b]52;c;x\x07' + '党' * 100
    member = '\x9b2J' + '李' * 5
    many = b''.join(f_bytes(3, team(1, long_name, 9, 1 << 40, -(1 << 40),
                                    1 << 31, (member,) * 7))
                    for _ in range(66))
    rounds = b''.join(f_bytes(4, rinfo(i, 77, long_name, 1 << 31, 1 << 31,
                                        -(1 << 31), range(1, 40)))
                      for i in range(20))
    s = bytes([0])
    s += chunk(0, env(10, f_int(1, 7) + f_bytes(6, f_bytes(1, long_name) +
                                                rounds) + f_int(7, 0xffffffff)))
    s += chunk(0, env(31, f_int(1, 0xffffffff) + f_bytes(3, f_int(1, 1) +
                                                          many)))
    s += chunk(0, env(28, f_packed(3, range(0, 40)) +
                      f_int(4, (1 << 64) - 1) + f_bytes(5, long_name)))
    s += chunk(1, b'12345678')
    s += chunk(0, env(29, f_bytes(3, long_name) + f_bytes(5, long_name)))
    s += chunk(0, env(22, f_sint(9, -(1 << 63)) + f_int(10, 1 << 31)))
    return s


if __name__ == '__main__':
    os.makedirs(DIR, exist_ok=True)
    seeds = {'contest_join': contest_seq(0), 'contest_host': contest_seq(1),
             'contest_screen': contest_seq(2), 'contest_hostile': hostile()}
    for name, data in seeds.items():
        with open(os.path.join(DIR, 'seed-' + name), 'wb') as f:
            f.write(data)
