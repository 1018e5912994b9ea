#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz_pmodel (tests/fuzz/corpus/fuzz_pmodel):
practice sessions as a server of docs/PROTOCOL.md ("Practice") sends them,
with keys, the clock and hostile strings and counts, in the chunk language
of tests/fuzz/fuzz_pmodel.c. Rewrites only its seed-* files."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, 'corpus', 'fuzz_pmodel')


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


def chunk(kind, data=b'', n=None):
    if n is None:
        n = len(data)
    return bytes([kind]) + struct.pack('>H', n) + data


def put(name, data):
    os.makedirs(DIR, exist_ok=True)
    with open(os.path.join(DIR, 'seed-' + name), 'wb') as f:
        f.write(data)


welcome = env(1, 3, f_bytes(1, 'c1') + f_bytes(2, 'ab' * 16))
ready = env(2, 40, f_int(1, 7) + f_bytes(2, '0123456789abcdef' * 2) +
            f_bytes(3, '张三') + f_bytes(4, '一支部') + f_int(5, 1) +
            f_int(6, 3) + f_int(7, 431) + f_int(8, 2) + f_int(9, 400) +
            f_int(10, 1) + f_bytes(11, '党章党规') + f_bytes(11, '党的理论'))


def question(index, kind, opts, limit_ms=0, why=1, box=0):
    q = (f_int(1, index) + f_int(3, kind) +
         f_bytes(4, '党员干部必须增强自我净化、自我完善、自我革新、自我提高能力。') +
         b''.join(f_bytes(5, o) for o in opts) + f_int(6, 5000000) +
         f_int(7, 5000000 + limit_ms * 1000 if limit_ms else 0) +
         f_int(8, limit_ms) + f_bytes(10, '党章党规') + f_int(11, 5000000))
    return env(3, 42, f_bytes(1, q) + f_bytes(2, 's001-3') + f_int(3, why) +
               f_int(4, box) + f_int(5, 1))


def result(index, correct, choices, review=1):
    return env(4, 44, f_int(1, index) + f_int(2, correct) +
               f_packed(4, choices) + f_bytes(5, '群众路线 / 群众') +
               f_bytes(6, '民主集中制是指：民主基础上的集中和集中指导下的民主相结合。') +
               f_packed(7, [12, 13]) + f_int(8, 3400000) + f_int(9, 1) +
               f_int(10, 1764547260000000) + f_int(11, 0 if correct else 1) +
               f_int(13, 1 if correct else 0) + f_int(14, review))


wait = env(5, 43, f_int(2, 1764547260000000))
wait_empty = env(5, 43, f_int(1, 1))
cat = (f_bytes(1, '党章党规') + f_int(2, 55) + f_int(3, 2) + f_int(4, 1) +
       f_int(5, 1) + f_int(6, 2) + f_int(7, 1) + f_int(8, 18) + f_int(9, 667))
person = (f_bytes(1, '张三') + f_bytes(2, '一支部') + f_int(3, 1) +
          f_bytes(4, cat) + f_bytes(5, cat) + f_bytes(5, cat) +
          f_int(6, 65000000) + f_int(7, 3) + f_int(8, 8) + f_int(9, 2) +
          f_int(10, 5) + f_int(11, 1764547200000000))
stats = env(6, 46, f_bytes(1, person) + f_bytes(2, person) + f_bytes(2, person))
tf = ['正确', '错误']
four = ['坚持党的全面领导', '坚持以人民为中心', '坚持全面深化改革', '坚持新发展理念']

put('session', bytes([0]) + chunk(0, welcome) + chunk(0, ready) +
    chunk(0, question(0, 2, tf)) + chunk(1, b'a') + chunk(0, result(0, 1, [0])) +
    chunk(0, question(1, 1, four)) + chunk(1, b'ac\r') +
    chunk(0, result(1, 0, [0, 3], 2)) + chunk(0, wait) + chunk(0, stats))
put('fill_timer', bytes([0x08]) + chunk(0, ready) +
    chunk(0, question(0, 3, [], 5000)) + chunk(1, '群众'.encode() + b'\x7f') +
    chunk(2, n=3000) + chunk(2, n=3000) + chunk(0, result(0, 0, [])) +
    chunk(2, n=100))
put('dont_know_review', bytes([0x01]) + chunk(0, ready) +
    chunk(0, question(0, 0, four, 0, 2, 1)) + chunk(1, b'?') +
    chunk(0, env(9, 4, f_int(1, 15) + f_int(3, 9))) + chunk(1, b'\x01\x01\r') +
    chunk(0, result(0, 1, [1])) + chunk(1, b'\x03') + chunk(0, wait_empty))
# start_seq is the payload's first byte: without a seq, the Error's tag
# (field 4, length-delimited: 0x22 = 34), so ref_seq 34 refuses the start
put('refused', bytes([0x20]) + chunk(0, env(0, 4, f_int(1, 6) +
    f_bytes(2, 'taken\x1b[2J') + f_int(3, 34))) + chunk(0, ready))
put('hostile', bytes([0x10]) + chunk(0, env(2, 40, f_bytes(2, 'x\x1b]52;c;x\x07') +
    f_bytes(3, '\x1b[31m张') + f_bytes(11, '\x07cat') * 80)) +
    chunk(0, ready) + chunk(0, question(4000000000, 9, four * 3, 999999, 7)) +
    chunk(1, b'h\r') + chunk(0, env(4, 44, f_int(1, 4000000000) +
    f_packed(4, [99, 7, 0]) + f_packed(7, list(range(100))) +
    f_bytes(6, '\x1b[2J\r\n'))) + chunk(0, stats) + chunk(3, n=2))
put('wide', bytes([0x04 | 0x02 | 0x40]) + chunk(0, ready) + chunk(0, stats) +
    chunk(1, b'x') + chunk(0, question(0, 1, four, 3000)) + chunk(2, n=4000))
