#!/usr/bin/env python3
"""Why was each slow request slow? Lines up the bench's slow-request log with the kernel's scheduling record.

Usage (see bench/README.md, "Where a latency tail comes from"):

  BENCH_SLOW_MS=0.8 ./stack bench directory &      # writes $STACK_STATE/bench-work/slow-requests.tsv
  perf sched record -a -o sched.data -- sleep 60   # while the phases of interest run
  perf sched timehist -i sched.data > timehist.txt
  bench/tools/slow-vs-sched.py timehist.txt slow-requests.tsv "L1 directory-svc direct" --watch 1234,1235,...

--watch names the thread ids whose waits count: the bench JVM's pacer (the thread running the benchmark, `java`) and
its `open-loop-reade` thread, and the server's threads on the request's path (its event loops). For each slow
request in the given phases, the script finds the watched thread that waited longest in a run queue (perf's
"sch delay") while the request was open, and the other thread that held a CPU longest during that wait. Both clocks
are CLOCK_MONOTONIC: the log's due_monotonic_s is System.nanoTime() in seconds, and perf's timestamps on Linux.
"""
import argparse
import bisect
import collections
import csv


def read_timehist(path):
    events = []  # (end, cpu, task, tid, sch_delay_ms, run_ms)
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 6 or not parts[0][0].isdigit():
                continue
            try:
                end = float(parts[0])
                delay, run = float(parts[-2]), float(parts[-1])
            except ValueError:
                continue
            task = " ".join(parts[2:-3])
            tid = task[task.rfind("[") + 1:].split("/")[0].rstrip("]") if "[" in task else task
            events.append((end, parts[1], task, tid, delay, run))
    return events


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("timehist")
    ap.add_argument("slow_log")
    ap.add_argument("phases", nargs="+")
    ap.add_argument("--watch", required=True, help="comma-separated thread ids")
    ap.add_argument("--min-wait-ms", type=float, default=0.3)
    args = ap.parse_args()
    watched = set(args.watch.split(","))
    events = read_timehist(args.timehist)
    if not events:
        raise SystemExit("no events in " + args.timehist)
    ends = [e[0] for e in events]
    first, last = ends[0], ends[-1]
    causes = collections.Counter()
    seen = 0
    with open(args.slow_log) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["phase"] not in args.phases:
                continue
            due = float(row["due_monotonic_s"])
            total = float(row["total_ms"]) / 1000
            if due < first or due + total > last:
                continue
            seen += 1
            worst = None
            for j in range(bisect.bisect_left(ends, due), bisect.bisect_right(ends, due + total + 0.001)):
                end, _, task, tid, delay, run = events[j]
                start = end - run / 1000
                if tid not in watched or delay < args.min_wait_ms or start < due:
                    continue
                waited_from = start - delay / 1000
                holders = collections.Counter()
                for k in range(bisect.bisect_left(ends, waited_from), j):
                    e = events[k]
                    if e[2] == "<idle>" or e[3] in watched:
                        continue
                    overlap = min(e[0], start) - max(e[0] - e[5] / 1000, waited_from)
                    if overlap > 0:
                        holders[e[2]] = max(holders[e[2]], overlap * 1000)
                holder = holders.most_common(1)[0] if holders else ("nothing seen", 0.0)
                if worst is None or delay > worst[0]:
                    worst = (delay, task, holder)
            where = "pacer %s, connection wait %s, answer %s ms" % (
                row["pacer_ms"], row["connection_wait_ms"], row["answer_ms"])
            if worst:
                causes[worst[2][0]] += 1
                print("%s %s ms (%s): %s waited %.1f ms; meanwhile %s ran %.1f ms" % (
                    row["due"][11:23], row["total_ms"], where, worst[1], worst[0], worst[2][0], worst[2][1]))
            else:
                causes["no watched thread waited"] += 1
                print("%s %s ms (%s): no watched thread waited %.1f ms or more" % (
                    row["due"][11:23], row["total_ms"], where, args.min_wait_ms))
    print("\n%d slow requests in the recorded time; what ran while a watched thread waited:" % seen)
    for cause, n in causes.most_common():
        print("%4d  %s" % (n, cause))


if __name__ == "__main__":
    main()
