#!/usr/bin/env python3
"""Compares `autograph decode` jsonl output with a cantools reference (GOLDEN.md format).

Usage: compare_decode_output.py OUTPUT.jsonl EXPECTED.jsonl[.xz] CAPTURE.log

Per log line: the same signal names, integers equal exactly, floats equal (repr-exact, which
is what the decoder promises; a relative 1e-9 is reported separately), null where the
reference has null, and t/bus/id as in the capture line. Lines the reference marks "error"
are skipped. Exit status 0 when everything matches, 1 otherwise (first mismatches printed).
"""
import json
import lzma
import sys


def open_text(path):
    return lzma.open(path, "rt") if path.endswith(".xz") else open(path)


def main():
    out_path, expected_path, capture_path = sys.argv[1:4]
    problems = []
    counts = {"lines": 0, "values": 0, "null": 0, "skipped": 0}
    with open(out_path) as out, open_text(expected_path) as exp, open(capture_path) as cap:
        for number, (got_line, want_line, cap_line) in enumerate(zip(out, exp, cap), 1):
            counts["lines"] += 1
            got = json.loads(got_line)
            want = json.loads(want_line)
            stamp, bus, frame = cap_line.split()[:3]
            ident = frame.split("#")[0]
            if got["t"] != float(stamp[1:-1]) or got["bus"] != bus or int(got["id"], 16) != int(ident, 16):
                problems.append(f"line {number}: t/bus/id {got['t']} {got['bus']} {got['id']} vs {cap_line.strip()}")
            if "error" in want:
                counts["skipped"] += 1
                continue
            if want["signals"] is None or got["signals"] is None:
                if want["signals"] is not got["signals"] and want["signals"] != got["signals"]:
                    problems.append(f"line {number}: signals {got['signals']} vs {want['signals']}")
                counts["null"] += 1
                continue
            if set(got["signals"]) != set(want["signals"]):
                problems.append(f"line {number}: names {sorted(got['signals'])} vs {sorted(want['signals'])}")
                continue
            for name, value in want["signals"].items():
                counts["values"] += 1
                mine = got["signals"][name]
                if type(mine) is not type(value) or mine != value:
                    problems.append(f"line {number}: {name} = {mine!r} vs {value!r}")
        if out.readline() or exp.readline():
            problems.append("output and reference have different numbers of lines")
    for problem in problems[:20]:
        print(problem)
    print(f"{counts['lines']} lines, {counts['values']} values compared, {counts['null']} null, "
          f"{counts['skipped']} reference errors skipped, {len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
