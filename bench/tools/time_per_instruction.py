#!/usr/bin/python3
"""Where the time goes against where the instructions go, function by function.

Callgrind counts instructions (steady, but blind to cache misses, locked instructions and page
faults); perf's cpu-clock samples time (works on VMs without hardware counters). A function whose
share of the time is well above its share of the instructions stalls: that is where a change can
move the wall clock. Both profiles must be of the same binary and run.

  perf record -e cpu-clock -F 5000 -o perf.data BINARY ARGS
  valgrind --tool=callgrind --callgrind-out-file=callgrind.out BINARY ARGS
  bench/tools/time_per_instruction.py perf.data callgrind.out [--thread TID] [--top N]

--thread keeps one thread's samples, as shares of that thread's time (perf report -s pid lists
the threads; perf's own --pid and --tid filters keep the whole process). Names are reduced to the
function's qualified name (template arguments and parameters dropped), so overloads add up.
"""
import argparse
import collections
import re
import subprocess


def reduce_name(name: str) -> str:
    name = re.sub(r"\[clone[^\]]*\]", "", name)
    depth, out = 0, ""
    for ch in name:
        if ch in "<(":
            depth += 1
            continue
        if ch in ">)":
            depth -= 1
            continue
        if depth == 0:
            out += ch
    out = re.sub(r"(\s+(const|volatile|noexcept|&|&&))+$", "", out.strip())  # member qualifiers
    return out.split(" ")[-1] if " " in out else out  # the return type of a template


def perf_shares(data: str, thread: str | None) -> collections.Counter:
    cmd = ["perf", "report", "-i", data, "--no-children", "--sort", "pid,symbol", "--stdio"]
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    shares = collections.Counter()
    for line in text.splitlines():
        # "  7.49%  15084:name  [.] symbol", and in some perf versions more columns after two spaces
        m = re.match(r"\s*([\d.]+)%\s+(\d+):\S*\s+\[(.)\]\s+(.*?)(?:\s{2,}.*)?$", line)
        if m and (thread is None or m.group(2) == thread):
            kernel = "[k] " if m.group(3) == "k" else ""
            shares[kernel + reduce_name(m.group(4))] += float(m.group(1))
    total = sum(shares.values())
    for name in shares:
        shares[name] *= 100.0 / total
    return shares


def callgrind_shares(out: str) -> collections.Counter:
    text = subprocess.run(["callgrind_annotate", out], capture_output=True, text=True, check=True).stdout
    shares, total = collections.Counter(), None
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+) \([\s\d.]+%\)\s+(.*)", line)
        if not m:
            continue
        count = int(m.group(1).replace(",", ""))
        if "PROGRAM TOTALS" in line:
            total = count
            continue
        name = re.sub(r"^[^\s:]*:", "", m.group(2), count=1)  # the file
        name = re.sub(r"\s*\[[^\]]*\]\s*$", "", name)  # the object
        shares[reduce_name(name)] += count * 100.0 / total
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("perf_data")
    parser.add_argument("callgrind_out")
    parser.add_argument("--thread")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    time, instructions = perf_shares(args.perf_data, args.thread), callgrind_shares(args.callgrind_out)
    names = sorted(set(time) | set(instructions), key=lambda n: -max(time[n], instructions[n]))
    print(f"{'time %':>7} {'instr %':>8} {'ratio':>6}  function")
    for name in names[: args.top]:
        ratio = f"{time[name] / instructions[name]:6.2f}" if instructions[name] >= 0.05 else f"{'-':>6}"
        print(f"{time[name]:7.2f} {instructions[name]:8.2f} {ratio}  {name[:100]}")


if __name__ == "__main__":
    main()
