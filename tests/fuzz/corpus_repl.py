#!/usr/bin/env python3
"""Seeds for fuzz_repl: replicated batches as server/store_repl.c writes
them (a 9-byte head: "QRB1", flags, the number of operations, little-
endian; then per operation its match and statements, per statement its
catalogue entry and values, each a type byte and a zigzag varint or a
length and bytes). Writes corpus/fuzz_repl/seed-*."""
import os
import struct

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus',
                   'fuzz_repl')


def varint(n):
    out = b''
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def zigzag(n):
    return ((n << 1) ^ (n >> 63)) & ((1 << 64) - 1)


def val(v):
    if v is None:
        return b'\x00'
    if isinstance(v, int):
        return b'\x01' + varint(zigzag(v))
    t = v.encode()
    return b'\x02' + varint(len(t)) + t


def op(match, steps):
    out = varint(match) + varint(len(steps))
    for sql, vals in steps:
        out += varint(sql) + varint(len(vals)) + b''.join(val(v) for v in vals)
    return out


def batch(ops, flags=0):
    return b'QRB1' + bytes([flags]) + struct.pack('<I', len(ops)) + b''.join(ops)


SEEDS = {
    'claim': batch([], flags=1),
    'empty': batch([]),
    # a match row (catalogue entry 0: 9 values), its draw (1), a player (5)
    'match': batch([
        op(1, [(0, [1, '4829-1357', '支部知识赛 "决赛"', 0, 2, 20000000, 1000,
                    -81985529216486896, 1764460800000000])]),
        op(1, [(1, [1, 0, 'q001', '[2,0,3,1]', 0]),
               (1, [1, 1, 'q002', None, 0])]),
        op(1, [(5, [1, 7, '选手\'二\'', '一支部', 1764460801000000])]),
    ]),
    # a close's bookings as rows of two statements each (13, 14)
    'bookings': batch([op(3, [s for p in range(1, 40) for s in (
        (13, [3, 0, p, 700 - 37 * p, 1, p % 2, 5]),
        (14, [3, p, 0, 700 - 37 * p]))])]),
    # a practice person (19) and extremes of the integers
    'extremes': batch([op(0, [(19, [1, 'ann', '', 'a' * 64,
                                    -(1 << 63), (1 << 63) - 1, 0])])]),
}


def main():
    os.makedirs(DIR, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(DIR, 'seed-' + name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
