#pragma once
// What the machine did to a benchmark's thread over a run, to read a latency tail against: a run
// whose thread waited for a processor, or whose VM had its processors taken by the hypervisor
// (steal), says more about the machine than about the code. On the 2-core VMs this project is
// measured on, steal alone went from 0 to 1.8 s in 5-second runs of the same binary minutes apart
// (BENCHMARKS.md, issue 4, seventh session).
//
// Linux only: /proc/thread-self/schedstat, /proc/stat and getrusage(RUSAGE_THREAD). A field the
// kernel does not give stays 0.

#include <fstream>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

namespace minibroker::bench {

struct thread_interference {
  double on_cpu_seconds = 0;   // the calling thread ran
  double waiting_seconds = 0;  // it was runnable, and another thread of this machine had the processor
  double steal_seconds = 0;    // the hypervisor ran something else on this VM's processors (all of them)
  long minor_faults = 0;       // first touches of memory, each a trip into the kernel
  long voluntary_switches = 0; // it blocked: a lock, a sleep, a page being read in
  long involuntary_switches = 0;

  // The calling thread's counts so far; subtract two readings to get a run's.
  static thread_interference now() {
    thread_interference t;
    {
      std::ifstream schedstat("/proc/thread-self/schedstat");
      long long run_ns = 0;
      long long wait_ns = 0;
      schedstat >> run_ns >> wait_ns;
      t.on_cpu_seconds = static_cast<double>(run_ns) / 1e9;
      t.waiting_seconds = static_cast<double>(wait_ns) / 1e9;
    }
    {
      // "cpu  user nice system idle iowait irq softirq steal ...", in clock ticks.
      std::ifstream stat("/proc/stat");
      std::string label;
      long long fields[8] = {};
      stat >> label;
      for (auto& f : fields) {
        stat >> f;
      }
      t.steal_seconds = static_cast<double>(fields[7]) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    t.minor_faults = usage.ru_minflt;
    t.voluntary_switches = usage.ru_nvcsw;
    t.involuntary_switches = usage.ru_nivcsw;
    return t;
  }

  thread_interference operator-(const thread_interference& o) const {
    return {on_cpu_seconds - o.on_cpu_seconds,         waiting_seconds - o.waiting_seconds,
            steal_seconds - o.steal_seconds,           minor_faults - o.minor_faults,
            voluntary_switches - o.voluntary_switches, involuntary_switches - o.involuntary_switches};
  }
};

} // namespace minibroker::bench
