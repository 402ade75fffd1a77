//! Phase timings for performance work: with `FORCECAST_TIMINGS` set in the environment,
//! each phase of a run prints its wall time to standard error
//! (`timing: monte carlo engine 512.3 ms`). Off by default, and then free.

use std::time::Instant;

/// Whether timings are on (`FORCECAST_TIMINGS` set).
fn on() -> bool {
    std::env::var_os("FORCECAST_TIMINGS").is_some()
}

/// A stopwatch that reports the time since its last lap when timings are on.
#[derive(Debug)]
pub struct Laps {
    last: Instant,
    on: bool,
}

impl Default for Laps {
    fn default() -> Self {
        Laps::new()
    }
}

impl Laps {
    /// Starts the stopwatch; it reports only if `FORCECAST_TIMINGS` is set.
    pub fn new() -> Laps {
        Laps { last: Instant::now(), on: on() }
    }

    /// Reports the time since the previous lap (or the start) as `what`, and restarts.
    pub fn lap(&mut self, what: &str) {
        if self.on {
            let now = Instant::now();
            eprintln!("timing: {what} {:.1} ms", (now - self.last).as_secs_f64() * 1e3);
            self.last = now;
        }
    }
}

/// Time summed over many intervals and reported once (the engine and the sketches of a
/// run in chunks), when timings are on.
#[derive(Debug)]
pub struct Total {
    sum: std::time::Duration,
    on: bool,
}

impl Default for Total {
    fn default() -> Self {
        Total::new()
    }
}

impl Total {
    /// A zero total; it reports only if `FORCECAST_TIMINGS` is set.
    pub fn new() -> Total {
        Total { sum: std::time::Duration::ZERO, on: on() }
    }

    /// Runs `f`, adding its wall time to the total.
    pub fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        if !self.on {
            return f();
        }
        let start = Instant::now();
        let out = f();
        self.sum += start.elapsed();
        out
    }

    /// Reports the total as `what`.
    pub fn report(&self, what: &str) {
        if self.on {
            eprintln!("timing: {what} {:.1} ms (in all)", self.sum.as_secs_f64() * 1e3);
        }
    }
}
