#!/usr/bin/env python3
"""Builds src/data/icd10cm.bin, the embedded ICD-10-CM FY2026 billable-code table with the AHRQ
CCIR chronic-condition indicator (standard library only). Run from the project root.

    python3 tools/gen_icd_table.py           # write src/data/icd10cm.bin, print its sizes
    python3 tools/gen_icd_table.py --check   # exit 1 if src/data/icd10cm.bin is missing or stale

Inputs (../shared/data, see its README for provenance):
  icd10cm-fy2026.csv.gz  code,billable,description,...  (codes without a dot)
  ccir-icd10cm.csv       icd10cm_code,ccir_v2026_1,ccir_v2023_1

Format (all integers little-endian; docs/icd-table.md has the rationale):
  0..4    magic b"ICD\\x01" (format version 1)
  4..8    u32 number of billable codes
  8..10   u16 byte offset of the root node
  10..    nodes of a trie over the billable codes in which identical subtrees are stored once (a DAG)
  node  = 5-byte bitmap (bit i set when the child for symbol ALPHABET[i] exists; bits 36..39 zero)
          followed by one u16 ref per set bit, in symbol order
  ref   = 0 not chronic, 1 chronic, 2 undetermined (the child is a billable code, a leaf),
          or the byte offset (>= 10) of the child node
"""
import csv
import gzip
import io
import struct
import sys
from pathlib import Path

ROOT = Path.cwd()
DATA = ROOT / ".." / "shared" / "data"
ICD = DATA / "icd10cm-fy2026.csv.gz"
CCIR = DATA / "ccir-icd10cm.csv"
OUT = ROOT / "src" / "data" / "icd10cm.bin"

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SYMBOL = {ch: i for i, ch in enumerate(ALPHABET)}
MAGIC = b"ICD\x01"
HEADER_LEN = 10
NO, YES, UNDETERMINED = 0, 1, 2
EXPECTED_BILLABLE = 74_719
EXPECTED_HEADERS = 23_467


def fail(msg: str) -> None:
    sys.exit(f"gen_icd_table: {msg}")


def valid_code(code: str) -> bool:
    # FY2026 April codes include a letter in the second position (QA0...), so only the first
    # character is pinned to a letter.
    return 3 <= len(code) <= 7 and "A" <= code[0] <= "Z" and all(ch in SYMBOL for ch in code)


def read_icd() -> tuple[list[str], list[str]]:
    billable, headers = [], []
    with gzip.open(ICD, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = row["code"]
            if not valid_code(code):
                fail(f"{ICD.name}: unexpected code {code!r}")
            if row["billable"] == "1":
                billable.append(code)
            elif row["billable"] == "0":
                headers.append(code)
            else:
                fail(f"{ICD.name}: {code}: billable must be 0 or 1, got {row['billable']!r}")
    if len(set(billable)) != len(billable) or set(billable) & set(headers):
        fail(f"{ICD.name}: duplicate codes")
    if len(billable) != EXPECTED_BILLABLE or len(headers) != EXPECTED_HEADERS:
        fail(f"{ICD.name}: expected {EXPECTED_BILLABLE} billable and {EXPECTED_HEADERS} header codes, "
             f"got {len(billable)} and {len(headers)}; update the expectations (and BILLABLE_CODES in src/icd.rs)")
    return sorted(billable), headers


def read_ccir() -> dict[str, str]:
    values = {}
    with open(CCIR, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code, v = row["icd10cm_code"], row["ccir_v2026_1"]
            if v not in ("0", "1", "9", ""):
                fail(f"{CCIR.name}: {code}: unexpected ccir_v2026_1 {v!r}")
            if code in values:
                fail(f"{CCIR.name}: duplicate code {code}")
            values[code] = v
    return values


def chronic_status(billable: list[str], ccir: dict[str, str]) -> tuple[dict[str, int], list[str], int]:
    # v2026.1 only: a blank there stays Undetermined rather than borrowing v2023.1, so the table
    # never mixes releases under one provenance string. (The shipped file has no blanks in v2026.1.)
    status, absent, blank = {}, [], 0
    for code in billable:
        v = ccir.get(code)
        if v is None:
            absent.append(code)
        elif v == "":
            blank += 1
        status[code] = {"0": NO, "1": YES}.get(v or "", UNDETERMINED)
    return status, absent, blank


def build(billable: list[str], status: dict[str, int]) -> bytes:
    # Sorted input makes the trie, the subtree numbering and so the bytes deterministic.
    trie: dict = {}
    for code in billable:
        node = trie
        for ch in code[:-1]:
            node = node.setdefault(ch, {})
            if not isinstance(node, dict):
                fail(f"billable code {code} extends another billable code")
        if code[-1] in node:
            fail(f"billable code {code} is a prefix of another billable code")
        node[code[-1]] = status[code]

    out = bytearray(HEADER_LEN)
    seen: dict[tuple, int] = {}

    def emit(node: dict) -> int:
        # Post-order: children first, so each distinct subtree is written once and refs point back.
        refs = []
        for ch in sorted(node, key=SYMBOL.__getitem__):
            child = node[ch]
            refs.append((ch, child if isinstance(child, int) else emit(child)))
        key = tuple(refs)
        if key in seen:
            return seen[key]
        offset = len(out)
        bitmap = 0
        for ch, _ in refs:
            bitmap |= 1 << SYMBOL[ch]
        out.extend(bitmap.to_bytes(5, "little"))
        for _, ref in refs:
            out.extend(struct.pack("<H", ref))
        seen[key] = offset
        return offset

    root = emit(trie)
    if len(out) > 0xFFFF:
        fail(f"table is {len(out)} bytes; u16 refs need it under 64 KiB")
    out[0:HEADER_LEN] = MAGIC + struct.pack("<IH", len(billable), root)
    return bytes(out)


def lookup(table: bytes, code: str) -> str:
    """Mirror of icd::lookup, used to verify the bytes before they are written."""
    if not 3 <= len(code) <= 7:
        return "unknown"
    (root,) = struct.unpack_from("<H", table, 8)
    node = root
    for i, ch in enumerate(code):
        sym = SYMBOL.get(ch)
        if sym is None:
            return "unknown"
        bitmap = int.from_bytes(table[node:node + 5], "little")
        if not bitmap >> sym & 1:
            return "unknown"
        rank = bin(bitmap & ((1 << sym) - 1)).count("1")
        (ref,) = struct.unpack_from("<H", table, node + 5 + 2 * rank)
        if ref < HEADER_LEN:
            if ref > UNDETERMINED or i != len(code) - 1:
                return "unknown"
            return ("no", "yes", "undetermined")[ref]
        node = ref
    return "header"


def verify(table: bytes, billable: list[str], headers: list[str], status: dict[str, int]) -> None:
    names = ("no", "yes", "undetermined")
    for code in billable:
        got = lookup(table, code)
        if got != names[status[code]]:
            fail(f"self-check: {code} decodes as {got}, expected {names[status[code]]}")
    for code in headers:
        if lookup(table, code) != "header":
            fail(f"self-check: header {code} decodes as {lookup(table, code)}")
    for code in ("E1190", "ZZZ", "E11.9", "", "e119", "E1"):
        if lookup(table, code) != "unknown":
            fail(f"self-check: {code!r} should be unknown")


def main() -> None:
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] and not check:
        fail("usage: python3 tools/gen_icd_table.py [--check]")
    billable, headers = read_icd()
    status, absent, blank = chronic_status(billable, read_ccir())
    table = build(billable, status)
    verify(table, billable, headers, status)
    if check:
        if not OUT.exists() or OUT.read_bytes() != table:
            fail(f"{OUT.relative_to(ROOT)} is missing or stale; run python3 tools/gen_icd_table.py")
        print(f"gen_icd_table: {OUT.relative_to(ROOT)} is up to date")
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(table)
    counts = [sum(1 for c in billable if status[c] == s) for s in (YES, NO, UNDETERMINED)]
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", compresslevel=9, mtime=0) as f:
        f.write(table)
    print(f"gen_icd_table: wrote {OUT.relative_to(ROOT)}: {len(billable)} billable codes "
          f"(chronic {counts[0]}, not chronic {counts[1]}, undetermined {counts[2]})")
    print(f"  {len(absent)} billable codes absent from CCIR: {' '.join(absent)}")
    print(f"  {blank} billable codes with a blank ccir_v2026_1")
    print(f"  raw {len(table)} bytes, gzip -9 {len(gz.getvalue())} bytes (Python zlib level 9)")


if __name__ == "__main__":
    main()
