#!/usr/bin/python3
"""Regenerates the small test fixtures in this folder (run by hand from this
folder; needs python3-fonttools). The tests use the committed files and need
none of this. photo.jpg (32x24 RGB, quality 60) and cmyk.jpg (16x16 CMYK)
were written with libjpeg's compressor; the broken JPEGs derive from
photo.jpg below."""
import io
import random
import struct
import zlib

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.ttGlyphPen import TTGlyphPen


def write(name, data):
    with open(name, 'wb') as f:
        f.write(data)


# ---- PNG ----

def chunk(tag, data):
    crc = zlib.crc32(tag + data) & 0xffffffff
    return struct.pack('>I', len(data)) + tag + data + struct.pack('>I', crc)


def png(w, h, ctype, depth, raw, extra=b''):
    ihdr = struct.pack('>IIBBBBB', w, h, depth, ctype, 0, 0, 0)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + extra +
            chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


def pngs():
    # 16x8 RGBA: left half opaque, right half 50 % alpha, top-right clear.
    w, h = 16, 8
    rows = b''
    for y in range(h):
        rows += b'\0'
        for x in range(w):
            a = 255 if x < 8 else 128
            if x == w - 1 and y == 0:
                a = 0
            rows += bytes([255 - x * 16, 40, x * 16, a])
    good = png(w, h, 6, 8, rows)
    write('logo-alpha.png', good)
    idat = good.find(b'IDAT')
    write('truncated.png', good[:idat + 20])
    write('huge.png', png(100000, 100000, 0, 8, b'\0' * 10))
    rows = b''
    for y in range(4):
        rows += b'\0'
        for x in range(4):
            rows += struct.pack('>HHH', x * 16000, y * 16000, 65535)
    write('rgb16.png', png(4, 4, 2, 16, rows))
    # 8x4 RGB, Sub-filtered rows, the image data split over two IDAT
    # chunks: embedded in PDFs as it is (FlateDecode, PNG predictors).
    rows = b''
    for y in range(4):
        line = [(x * 32, y * 64, 200) for x in range(8)]
        rows += b'\1' + bytes(line[0])
        for x in range(1, 8):
            rows += bytes((line[x][k] - line[x - 1][k]) & 255 for k in range(3))
    data = zlib.compress(rows, 9)
    ihdr = chunk(b'IHDR', struct.pack('>IIBBBBB', 8, 4, 8, 2, 0, 0, 0))
    head = b'\x89PNG\r\n\x1a\n' + ihdr
    write('rgb8.png', head + chunk(b'IDAT', data[:10]) + chunk(b'IDAT', data[10:]) +
          chunk(b'IEND', b''))
    # The same with bytes after the zlib stream: libpng warns and goes on.
    write('rgb8-extra.png', head + chunk(b'IDAT', data + b'\0\0\0\0') +
          chunk(b'IEND', b''))
    plte = chunk(b'PLTE', bytes([0, 0, 0, 255, 255, 255]))
    trns = chunk(b'tRNS', bytes([0]))
    write('palette-trns.png', png(2, 2, 3, 1, b'\0\x40\0\x80', plte + trns))
    bad = bytearray(good)
    bad[29] ^= 0xff
    write('badcrc.png', bytes(bad))
    write('not-an-image.gif',
          b'GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,'
          b'\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;')
    write('text.png', b'This is not a PNG, whatever its name says.\n')
    # 140 KB that decode to 6000 x 6000 RGBA (it cost 287 MB once); the
    # same header over a few bytes of data: refused before decoding.
    rows = b'\0' * (6000 * 4 + 1)
    write('bomb-rgba.png', png(6000, 6000, 6, 8, rows * 6000))
    write('bomb-header.png', png(6000, 6000, 6, 8, rows))


def jpegs():
    with open('photo.jpg', 'rb') as f:
        d = f.read()
    sos = d.find(b'\xff\xda')
    write('truncated.jpg', d[:sos + (len(d) - sos) // 2])
    b = bytearray(d)
    dht = d.find(b'\xff\xc4')
    for i in range(dht + 5, dht + 25):
        b[i] = 0xff
    write('corrupt.jpg', bytes(b))
    # Progressive (SOF2), 6000 x 6000: 217 MB of coefficients.
    b = bytearray(d)
    sof = d.find(b'\xff\xc0')
    b[sof + 1] = 0xc2
    b[sof + 5:sof + 9] = struct.pack('>HH', 6000, 6000)
    write('bomb-progressive.jpg', bytes(b))


# ---- fonts ----

def tiny_ttf():
    def box(w):
        p = TTGlyphPen(None)
        p.moveTo((50, 0))
        p.lineTo((w - 50, 0))
        p.lineTo((w - 50, 700))
        p.lineTo((50, 700))
        p.closePath()
        return p.glyph()
    empty = TTGlyphPen(None).glyph()
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(['.notdef', 'space', 'A', 'euro', 'nbsp'])
    fb.setupCharacterMap({0x20: 'space', 0x41: 'A', 0x20AC: 'euro',
                          0xA0: 'nbsp'})
    fb.setupGlyf({'.notdef': box(500), 'space': empty, 'A': box(600),
                  'euro': box(550), 'nbsp': empty})
    fb.setupHorizontalMetrics({'.notdef': (500, 50), 'space': (250, 0),
                               'A': (600, 50), 'euro': (550, 50),
                               'nbsp': (250, 0)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({'familyName': 'Tiny', 'styleName': 'Regular',
                       'psName': 'Tiny-Regular'})
    fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800,
                usWinDescent=200)
    fb.setupPost()
    buf = io.BytesIO()
    fb.save(buf)
    return buf.getvalue()


def tiny_cff():
    def box():
        p = T2CharStringPen(500, None)
        p.moveTo((0, 0))
        p.lineTo((500, 0))
        p.lineTo((500, 700))
        p.closePath()
        return p.getCharString()
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(['.notdef', 'A'])
    fb.setupCharacterMap({0x41: 'A'})
    fb.setupCFF('TinyCFF-Regular', {'FullName': 'Tiny CFF'},
                {'.notdef': box(), 'A': box()}, {})
    fb.setupHorizontalMetrics({'.notdef': (500, 0), 'A': (500, 0)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({'familyName': 'Tiny CFF', 'styleName': 'Regular'})
    fb.setupOS2()
    fb.setupPost()
    buf = io.BytesIO()
    fb.save(buf)
    return buf.getvalue()


def fonts():
    src = tiny_ttf()
    write('font-tiny.ttf', src)
    write('font-cff.otf', tiny_cff())
    write('font-truncated.ttf', src[:len(src) // 2])
    rnd = random.Random(42)
    write('font-random.ttf', bytes(rnd.randrange(256) for _ in range(2048)))
    n = struct.unpack('>H', src[4:6])[0]
    entry = {src[12 + 16 * i:16 + 16 * i]: 12 + 16 * i for i in range(n)}

    def offset(tag):
        return struct.unpack('>I', src[entry[tag] + 8:entry[tag] + 12])[0]

    def patched(fmt, at, value):
        b = bytearray(src)
        struct.pack_into(fmt, b, at, value)
        return bytes(b)
    write('font-offset-past-eof.ttf',
          patched('>I', entry[b'hmtx'] + 8, len(src) + 100))
    write('font-upem0.ttf', patched('>H', offset(b'head') + 18, 0))
    write('font-bad-hmetrics.ttf', patched('>H', offset(b'hhea') + 34, 60000))
    write('font-restricted.ttf', patched('>H', offset(b'OS/2') + 8, 2))
    b = bytearray(src)
    b[entry[b'cmap']:entry[b'cmap'] + 4] = b'cmaq'
    write('font-no-cmap.ttf', bytes(b))
    # The first cmap encoding record's subtable far outside the table
    # (libharu reads the format of every subtable up to the one it takes).
    write('font-cmap-record-outside.ttf',
          patched('>I', offset(b'cmap') + 4 + 4, 0x00FFFFF0))
    # Glyph 'A' (gid 2) made a composite glyph: one component naming glyph
    # 999, and components that run past the glyph.
    head, loca, glyf = offset(b'head'), offset(b'loca'), offset(b'glyf')
    long_loca = struct.unpack('>h', src[head + 50:head + 52])[0] == 1
    if long_loca:
        start, end = struct.unpack('>II', src[loca + 8:loca + 16])
    else:
        start, end = (2 * v for v in struct.unpack('>HH', src[loca + 4:loca + 8]))
    at = glyf + start
    b = bytearray(src)
    b[at:at + 16] = struct.pack('>h8xHHh', -1, 0, 999, 0)
    write('font-composite-bad-ref.ttf', bytes(b))
    b = bytearray(src)
    b[at:at + 2] = struct.pack('>h', -1)
    for c in range(at + 10, glyf + end - 1, 2):
        b[c:c + 2] = struct.pack('>H', 0x20 if (c - at - 10) % 6 == 0 else 1)
    write('font-composite-past-glyph.ttf', bytes(b))


pngs()
jpegs()
fonts()
