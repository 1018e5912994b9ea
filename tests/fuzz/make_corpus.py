#!/usr/bin/env python3
"""Writes the hand-made seeds of the fuzz corpora (tests/fuzz/corpus/):
valid frames and envelopes for fuzz_frame and fuzz_model, whole matches in
the operation language of fuzz_dispatch, bank CSV snippets for fuzz_bank,
texts for fuzz_text. Run from anywhere; it rewrites only the files it names
(seed-*), so corpus files libFuzzer added are kept."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, 'corpus')


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data)


# ---- a minimal protobuf writer ------------------------------------------
def varint(n):
    out = b''
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def f_int(num, v):
    return varint(num << 3) + varint(v) if v else b''


def f_bytes(num, v):
    if isinstance(v, str):
        v = v.encode()
    return varint(num << 3 | 2) + varint(len(v)) + v


def f_packed(num, vals):
    return f_bytes(num, b''.join(varint(v) for v in vals)) if vals else b''


def env(seq, field, body):
    return f_int(1, seq) + f_bytes(field, body)


def frame(payload):
    return struct.pack('>I', len(payload)) + payload


settings = (f_bytes(2, '党建知识竞赛') + f_int(3, 3) + f_int(4, 3000) +
            f_int(5, 1000) + f_int(6, 42) + f_int(8, 1) + f_int(9, 250) +
            f_bytes(12, '党章党规') + f_packed(13, [0, 3]) + f_int(14, 1) +
            f_int(15, 3))
question = (f_int(1, 1) + f_int(2, 3) + f_int(3, 0) +
            f_bytes(4, '中国共产党的根本宗旨是____。') +
            f_bytes(5, '全心全意为人民服务') + f_bytes(5, '实现共产主义') +
            f_bytes(5, '实事求是') + f_int(6, 5000000) + f_int(7, 25000000) +
            f_int(8, 20000) + f_int(9, 1000) + f_bytes(10, '党章党规') +
            f_int(11, 4990000))
standing = (f_int(1, 1) + f_int(2, 3) + f_bytes(3, '张三') + f_bytes(4, 'A队') +
            f_int(5, 1900) + f_int(6, 3500000) + f_int(7, 2))
ENVS = {
    'hello': env(1, 2, f_int(1, 1) + f_bytes(2, 'quiz/0.1')),
    'welcome': env(1, 3, f_bytes(1, 'c1') + f_bytes(2, 'ab' * 16) +
                   f_int(3, 1000000) + f_int(4, 1) + f_bytes(5, '123456') +
                   f_int(6, 3)),
    'error': env(7, 4, f_int(1, 10) + f_bytes(2, 'too late') + f_int(3, 7)),
    'error_escape': env(0, 4, f_int(1, 2) + f_bytes(2, '\x1b]52;c;aGk=\x07\x1b[2J')),
    'ping': env(2, 5, f_int(1, 123456)),
    'pong': env(2, 6, f_int(1, 123456) + f_int(2, 200000) + f_int(3, 200010)),
    'create': env(3, 7, f_bytes(1, settings)),
    'created': env(3, 8, f_bytes(1, '123456') + f_bytes(2, 'cd' * 16) +
                   f_bytes(3, settings) + f_int(4, 9)),
    'join': env(4, 9, f_bytes(1, '123456') + f_bytes(2, '张三') +
                f_bytes(3, 'A队')),
    'joined': env(4, 10, f_int(1, 3) + f_bytes(2, '123456') +
                  f_bytes(3, settings) + f_int(5, 4)),
    'watch': env(5, 11, f_bytes(1, '123456') + f_bytes(2, 'cd' * 16)),
    'watching': env(5, 12, f_bytes(1, '123456') + f_bytes(2, settings) +
                    f_int(3, 2) + f_int(4, 1)),
    'command': env(6, 13, f_int(1, 5) + f_int(2, 3)),
    'ok': env(6, 14, b''),
    'answer': env(7, 15, f_int(1, 1) + f_packed(2, [0, 2]) +
                  f_bytes(3, '全心全意为人民服务')),
    'ack': env(7, 16, f_int(1, 1) + f_int(2, 2345678) + f_int(3, 7000000)),
    'lobby': env(0, 17, f_int(1, 4) + f_bytes(2, f_bytes(1, 'A队') +
                 f_int(2, 2) + f_int(3, 900))),
    'countdown': env(0, 18, f_int(1, 1) + f_int(2, 3) + f_int(3, 5000000)),
    'question': env(0, 19, question),
    'progress': env(0, 20, f_int(1, 1) + f_int(2, 2) + f_int(3, 4) +
                    f_packed(4, [1, 1, 0]) + f_int(5, 2) +
                    f_bytes(6, '李四') + f_bytes(6, 'bob')),
    'reveal': env(0, 21, f_int(1, 1) + f_packed(2, [0]) +
                  f_packed(3, [3, 1, 0]) + f_int(4, 4) + f_int(5, 4) +
                  f_bytes(7, '党的根本宗旨：全心全意为人民服务。') +
                  f_bytes(8, '全心全意为人民服务') + f_int(9, 9000000)),
    'result': env(0, 22, f_int(1, 1) + f_int(2, 1) + f_int(3, 1) +
                  f_int(4, 950) + f_int(5, 1234567) + f_int(6, 1900) +
                  f_int(7, 1) + f_int(8, 4)),
    'leaderboard': env(0, 23, f_int(1, 2) + f_bytes(2, standing) +
                       f_bytes(2, standing) + f_int(3, 1) + f_int(4, 4)),
    'paused': env(0, 24, f_int(1, 5) + f_int(2, 8000000) +
                  f_int(3, 4000000) + f_int(4, 1)),
    'finished': env(0, 24, f_int(1, 6) + f_int(2, 9000000)),
    'kicked': env(0, 25, f_bytes(1, 'removed by the host')),
    'empty': f_int(1, 9),
}

# fuzz_frame: single envelopes, frames, a stream of frames
for name, e in ENVS.items():
    put('fuzz_frame', name, frame(e))
put('fuzz_frame', 'stream', b''.join(frame(ENVS[k]) for k in
                                      ('hello', 'create', 'join', 'answer')))
put('fuzz_frame', 'bad_length', b'\x00\x01\x00\x01' + b'x' * 8)
put('fuzz_frame', 'unknown_fields', frame(ENVS['hello'] + f_int(99, 5) +
                                          f_bytes(100, 'zz')))

# fuzz_model: byte 0 = mode and screen size, then chunks
# [kind u8][len u16 BE][bytes]: kind 0 an envelope, 1 keys, 2 advance time
# by len ms, 3 a connection state (see fuzz_model.c).
def chunk(kind, data=b'', n=None):
    return bytes([kind]) + struct.pack('>H', len(data) if n is None else n) + data


play = ['welcome', 'joined', 'lobby', 'countdown', 'question', 'ack',
        'reveal', 'result', 'leaderboard', 'paused', 'finished']
for mode, mname in ((0, 'join'), (1, 'host'), (2, 'screen')):
    seq = bytes([mode])
    for k in play:
        seq += chunk(0, ENVS[k])
        if k == 'question':
            seq += chunk(2, n=5000) + chunk(1, b'b\n')
        seq += chunk(2, n=300)
    put('fuzz_model', 'match_' + mname, seq)
put('fuzz_model', 'hostile_strings', bytes([4]) + chunk(0, ENVS['error_escape']) +
    chunk(0, ENVS['question']) + chunk(0, ENVS['progress']) +
    chunk(0, ENVS['kicked']) + chunk(3, n=2))
put('fuzz_model', 'fill', bytes([0]) + chunk(0, ENVS['joined']) +
    chunk(0, env(0, 19, f_int(1, 0) + f_int(2, 3) + f_int(3, 3) +
                 f_bytes(4, '党的根本宗旨是____。') + f_int(6, 1000000) +
                 f_int(7, 30000000) + f_int(8, 20000))) +
    chunk(2, n=2000) + chunk(1, '全心全意x\x7f\n'.encode()))

# the buzzer and judges (issue 9): a question with armed_at, the buzzer's
# state and a contestant's result, the key and a ruling awaited
press = (f_int(1, 3) + f_bytes(2, '张三') + f_bytes(3, '一支部') + f_int(4, 1) +
         f_int(6, 180000) + f_int(7, 8200000) + f_int(8, 12000))
slower = (f_int(1, 4) + f_bytes(2, 'bob') + f_bytes(3, '二支部') + f_int(4, 2) +
          f_int(5, 23000) + f_int(6, 203000) + f_int(7, 8230000))
BUZZ = {
    'question': env(0, 19, question + f_int(17, 8000000)),
    'buzz_armed': env(0, 33, f_int(1, 1) + f_int(3, 1) + f_int(5, 1) +
                      f_int(6, 8000000) + f_int(7, 28000000)),
    'buzz_answering': env(0, 33, f_int(1, 1) + f_int(3, 2) + f_int(5, 1) +
                          f_int(8, 3) + f_bytes(9, '张三') +
                          f_bytes(10, '一支部') + f_int(11, 28250000) +
                          f_bytes(12, press) + f_bytes(12, slower) +
                          f_bytes(13, '三支部')),
    'buzz_result': env(0, 34, f_int(1, 1) + f_bytes(2, slower)),
    'key': env(0, 37, f_int(1, 1) + f_packed(2, [0]) +
               f_bytes(3, '全心全意为人民服务') + f_bytes(4, '党章总纲')),
    'judge': env(0, 35, f_int(1, 1) + f_bytes(3, f_int(1, 0) + f_bytes(2, '') +
                 f_int(4, 1) + f_int(6, 3) + f_bytes(7, '张三') +
                 f_bytes(8, '一支部')) + f_bytes(3, f_int(1, 1) +
                 f_bytes(2, '全心全意') + f_int(4, 7) + f_int(5, 1)) +
                 f_packed(4, [0]) + f_bytes(5, '全心全意为人民服务') +
                 f_int(6, 9000000)),
}
put('fuzz_model', 'buzz_contestant', bytes([0]) + chunk(0, ENVS['joined']) +
    chunk(0, BUZZ['question']) + chunk(2, n=2000) + chunk(1, b' ') +
    chunk(0, BUZZ['buzz_armed']) + chunk(2, n=1500) + chunk(1, b' ') +
    chunk(0, BUZZ['buzz_result']) + chunk(0, BUZZ['buzz_answering']) +
    chunk(2, n=300) + chunk(1, b'a\n'))
for mode, name in ((1, 'host'), (3, 'judge')):
    put('fuzz_model', 'buzz_' + name, bytes([mode]) + chunk(0, ENVS['watching']) +
        chunk(0, BUZZ['question']) + chunk(0, BUZZ['key']) +
        chunk(0, BUZZ['buzz_answering']) + chunk(0, BUZZ['judge']) +
        chunk(2, n=700) + chunk(1, b'\x02y\x03\x01w\x03a') +
        chunk(0, ENVS['ok']) + chunk(0, ENVS['reveal']))

# fuzz_dispatch: the operation language of fuzz_dispatch.c
OPEN, HELLO, CREATE, JOIN, WATCH, CMD, ANSWER, PING, RAW, OTHER, HANGUP, \
    ADV, ADV2, COMMIT, CROWD, STALL = range(16)


def d_open(peer=0):
    return bytes([OPEN, peer])


def d_hello(slot, token=150):
    return bytes([HELLO, slot, 0, token, 0, 0, 1])


def d_create(slot, count=3, auto=True, limit=1, countdown=2, reveal=3,
             board=3):
    f = 1 | (2 if auto else 0)
    return bytes([CREATE, slot, f, 0, 0, count, limit, 1, 42, 0, countdown,
                  reveal, board, 0, 0, 0, 0, 0, 0, 0, 2])


def d_join(slot, code=0, nick=0, team=0):
    return bytes([JOIN, slot, code, nick, team, 0, 3])


def d_cmd(slot, action, p=0):
    return bytes([CMD, slot, action, p, 0, 4])


def d_answer(slot, how=0):
    return bytes([ANSWER, slot, how, 0, 5])


def d_adv_ms(ms):  # up to 6.5 s in 0.1 ms steps
    return bytes([ADV, 1]) + struct.pack('>H', min(ms * 10, 65535))


def d_adv_s(s):
    return bytes([ADV, 2, s])


def d_crowd(n, how=0):
    return bytes([CROWD]) + bytes([how, 0, 6]) * n


base = (b'\x00' + d_open() + d_open(1) + d_open(2) + d_open(1) +
        d_hello(0) + d_hello(1) + d_hello(2) + d_hello(3) + d_create(0) +
        d_join(1, nick=0) + d_join(2, nick=1) + d_join(3, nick=2) + d_cmd(0, 0))
match = base
for q in range(3):
    match += d_adv_ms(300) + d_crowd(4) + d_adv_ms(3000) + d_adv_ms(1100) + \
        d_adv_ms(1100)
put('fuzz_dispatch', 'match_auto', match + d_adv_s(60))
hosted = (b'\x00' + d_open() + d_open() + d_open() + d_hello(0) + d_hello(1) +
          d_hello(2) + d_create(0, auto=False) + d_join(1) + d_join(2, nick=1) +
          d_cmd(0, 0) + d_adv_ms(300) + d_answer(1) + d_cmd(0, 2) +
          d_adv_ms(1000) + d_cmd(0, 3) + d_answer(2, how=200) + d_cmd(0, 1) +
          d_cmd(0, 1) + d_cmd(0, 1) + d_adv_ms(300) + d_cmd(0, 4) +
          d_cmd(0, 5, 1) + d_cmd(0, 6))
put('fuzz_dispatch', 'match_hosted', hosted)
resume = (b'\x01' + d_open() + d_open() + d_hello(0) + d_hello(1) +
          d_create(0) + d_join(1) + d_cmd(0, 0) + d_adv_ms(300) +
          d_answer(1) + bytes([HANGUP, 1]) + d_open() + d_hello(1, token=1) +
          bytes([COMMIT, 7]) + d_adv_ms(4000) + bytes([COMMIT, 7]) +
          bytes([STALL, 1, 1]) + d_adv_s(20) + bytes([WATCH, 0, 0, 0, 0, 1]))
put('fuzz_dispatch', 'resume_commit', resume)
garbage = (b'\x00' + d_open() + bytes([RAW, 0, 6]) + b'\x00\x00\x00\x02\x08\x01' +
           d_open() + bytes([RAW, 1, 4]) + b'\xff\xff\xff\xff' + d_open() +
           d_hello(2) + bytes([OTHER, 2, 1, 0, 0]) + bytes([PING, 2, 1, 0, 5, 0, 0]))
put('fuzz_dispatch', 'garbage', garbage)
full = b'\x00' + d_open() * 14 + d_hello(13) + d_create(0) + d_create(1)
put('fuzz_dispatch', 'full', full)


# contests (CreateRoom flag 8: fuzz_dispatch.c's contests[]), the buzzer
# and judges: Hello v 1 lists every format; OTHER 3 presses, OTHER 4 rules
def d_hello_all(slot, token=150):
    return bytes([HELLO, slot, 1, token, 0, 0, 1])


def d_contest(slot, which=0):
    return bytes([CREATE, slot, 8 | (which << 4), 0, 2])


def d_buzz(slot):
    return bytes([OTHER, slot, 3, 0, 0, 8])


def d_verdict(slot, how):  # how 0: item 0 wrong, 3: right, 7: rest
    return bytes([OTHER, slot, 4, how, 0, 9])


def d_judge(slot):  # WatchRoom with the first room's judge token
    return bytes([WATCH, slot, 100, 0, 0, 10])


for which, teams in ((0, (0, 0, 0)), (1, (0, 1, 0))):
    seq = (b'\x00' + d_open() * 5 + b''.join(d_hello_all(i) for i in range(5)) +
           d_contest(0, which) + d_join(1, nick=0, team=teams[0]) +
           d_join(2, nick=1, team=teams[1]) + d_join(3, nick=2, team=teams[2]) +
           d_judge(4) + d_cmd(0, 0) + d_adv_ms(3300) + d_buzz(1) +
           d_adv_ms(1100) + d_buzz(2) + d_buzz(1) + d_adv_ms(200) +
           d_verdict(4, 0) + d_answer(2) + d_adv_ms(300) + d_buzz(3) +
           d_adv_ms(200) + d_verdict(0, 3) + d_answer(3) + d_adv_ms(4000) +
           d_cmd(0, 1) + d_cmd(0, 1) + d_adv_ms(3300) + d_adv_ms(1100) +
           d_adv_ms(4000) + d_cmd(0, 1) + d_cmd(0, 1) + d_cmd(0, 1) +
           d_adv_ms(3300) + d_crowd(4, how=200) + d_cmd(0, 1) +
           d_verdict(4, 7) + d_cmd(0, 1) + d_adv_s(30) + d_cmd(0, 6))
    put('fuzz_dispatch', 'buzz_judges_%d' % which, seq)

# practice (OTHER 5: PracticeStart, 6: PracticeNext, 7: the board): a new
# person, right and guessed answers, the token on a second connection that
# hangs up before its commit, review mode, a timer, a field out of range
def d_pstart(slot, who=100, mode=0, nick=2, extra=b''):
    return bytes([OTHER, slot, 5, who, nick, 8, 0, mode]) + extra + \
        bytes([0, 11])


def d_pnext(slot):
    return bytes([OTHER, slot, 6, 0, 12])


def d_pstats(slot, team=1):
    return bytes([OTHER, slot, 7, team, 0, 13])


practice = (b'\x01' + d_open() + d_open() + d_hello(0) + d_hello(1) +
            d_pstart(0) + bytes([COMMIT, 7]) + d_pnext(0) + d_answer(0) +
            bytes([COMMIT, 7]) + d_pnext(0) + d_pnext(0) +
            d_answer(0, how=200) + d_answer(0) + bytes([COMMIT, 7]) +
            d_pstart(1, who=10) + d_pnext(1) + d_answer(1) +
            bytes([HANGUP, 1]) + bytes([COMMIT, 7]) + d_pstats(0) +
            d_pstart(0, mode=1) + d_pnext(0) + d_answer(0) +
            bytes([COMMIT, 7]) + d_pstart(0, mode=2, extra=b'\x00\x10') +
            d_pnext(0) + d_adv_s(5) + d_answer(0) + bytes([COMMIT, 7]) +
            d_pstart(0, mode=255) + d_pstats(0, team=0) + d_pnext(0))
put('fuzz_dispatch', 'practice', practice)

# fuzz_bank: the bank's header and one item of each kind, plus fixtures
rows = open(os.path.join(HERE, '..', '..', 'data', 'bank', 'part1.csv'),
            encoding='utf-8').read().splitlines()
put('fuzz_bank', 'kinds', '\n'.join(rows[:5]) + '\n')
put('fuzz_bank', 'crlf_bom', '\ufeff' + '\r\n'.join(rows[:3]) + '\r\n')
put('fuzz_bank', 'quoted', rows[0] + '\n' +
    'q1,multi,"A ""quoted"", multi-line\nstem",a|b|c,AC,,1,cat,2,\n')
put('fuzz_bank', 'header_only', rows[0] + '\n')

# fuzz_text: typed answers
for i, t in enumerate(['全心全意为人民服务', 'ＡＢＣ　１２３！', '《中国共产党章程》“四个意识”',
                       'Hello,  World...', 'e\u0301\u200b\u202e', 'B\xc2@']):
    put('fuzz_text', 'text%d' % i, t)
