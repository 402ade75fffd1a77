//! Atomic output folders: everything is written into a temporary folder
//! `.<name>.partial-<pid>` beside the destination and moved into place only when
//! complete, so the destination always holds either the previous output or the new one.
//!
//! - Only folders that forcecast owns are written or replaced ([`owned::inspect`]);
//!   the previous output is removed by its marker's list, so nothing else is deleted.
//! - The swap happens under an exclusive lock on the destination's parent folder, so
//!   concurrent runs into one destination take turns and each leaves a complete folder.
//!   On Linux the swap is one `renameat2(RENAME_EXCHANGE)`; elsewhere two renames.
//! - A run holds a lock on its partial folder's marker while writing. A partial folder
//!   whose marker nobody holds was left by a run that died (`kill -9`, power loss) and is
//!   removed by the next write to the same destination.
//! - [`abandon`] removes the partial folders of an interrupted run (SIGINT, SIGTERM).

use std::fs::File;
use std::io::{ErrorKind, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::owned::{self, Destination, MARKER, Origin, State};
use crate::error::{Error, Result};

/// Test hook: milliseconds to sleep once the partial folder is complete, before the swap.
pub const PAUSE_BEFORE_COMMIT: &str = "FORCECAST_PAUSE_BEFORE_COMMIT_MS";
/// Test hook: milliseconds to sleep after the swap, before the previous output is removed.
pub const PAUSE_AFTER_SWAP: &str = "FORCECAST_PAUSE_AFTER_SWAP_MS";

/// The partial folders being written by this process. Held across every swap, so that
/// an interruption never removes a folder in the middle of one.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes the partial folders of this process and blocks any later swap; for a signal
/// handler that exits right after. Returns the folders removed.
pub fn abandon() -> Vec<PathBuf> {
    let guard = live();
    let mut removed = Vec::new();
    for p in guard.iter() {
        // Writers may still be adding files: a few passes, the marker last, so that a
        // folder left half-removed is finished by the next run.
        for _ in 0..20 {
            match owned::remove_partial(p) {
                Ok(()) => {
                    removed.push(p.clone());
                    break;
                }
                Err(e) if e.kind() == ErrorKind::NotFound => break,
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        }
    }
    std::mem::forget(guard);
    removed
}

/// Creates `path` as a folder unless it is one already; unlike `create_dir_all` it never
/// creates the folders above it, so nothing recreates a partial folder once removed.
pub fn ensure_dir(path: &Path) -> Result<()> {
    match std::fs::create_dir(path) {
        Err(e) if !(e.kind() == ErrorKind::AlreadyExists && path.is_dir()) => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// A folder being written; becomes `dest` on [`AtomicDir::commit`].
#[derive(Debug)]
pub struct AtomicDir {
    dest: PathBuf,
    parent: PathBuf,
    name: String,
    tmp: PathBuf,
    origin: Origin,
    /// The partial folder's marker, locked while the folder is written.
    marker: Option<Locked>,
    committed: bool,
}

impl AtomicDir {
    /// Checks that forcecast may write `dest`, removes what earlier runs that died left
    /// beside it, and creates the partial folder `.<name>.partial-<pid>` with its marker.
    pub fn new(dest: &Path, origin: Origin) -> Result<AtomicDir> {
        owned::inspect(dest, &origin)?;
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let guard = DirLock::acquire(&parent)?;
        clean_stale(&parent, &name);
        let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
        live().push(tmp.clone());
        if let Err(e) = std::fs::create_dir(&tmp) {
            live().retain(|p| *p != tmp);
            return Err(Error::io(&tmp, e));
        }
        let mut dir = AtomicDir { dest: parent.join(&name), parent, name, tmp, origin, marker: None, committed: false };
        let path = dir.tmp.join(MARKER);
        let f = File::options().read(true).write(true).create_new(true).open(&path).map_err(|e| Error::io(&path, e))?;
        let mut f = lock(f).map_err(|e| Error::io(&path, e))?;
        f.write_all(owned::text(&dir.origin, State::Partial, &[]).as_bytes()).map_err(|e| Error::io(&path, e))?;
        dir.marker = Some(f);
        drop(guard);
        Ok(dir)
    }

    /// The temporary folder to write into.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Moves the finished folder into place, replacing the previous output; returns the
    /// destination.
    pub fn commit(mut self) -> Result<PathBuf> {
        let entries = owned::entries(&self.tmp).map_err(|e| Error::io(&self.tmp, e))?;
        let marker_path = self.tmp.join(MARKER);
        if let Some(f) = self.marker.as_mut() {
            let text = owned::text(&self.origin, State::Complete, &entries);
            f.set_len(0)
                .and_then(|()| f.rewind())
                .and_then(|()| f.write_all(text.as_bytes()))
                .map_err(|e| Error::io(&marker_path, e))?;
        }
        pause(PAUSE_BEFORE_COMMIT);
        let guard = DirLock::acquire(&self.parent)?;
        clean_stale(&self.parent, &self.name);
        let state = owned::inspect(&self.dest, &self.origin)?;
        let old = {
            let mut live = live();
            let old = match state {
                // rename(2) replaces an empty folder and fails on a non-empty one.
                Destination::Absent | Destination::Empty => {
                    std::fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io(&self.dest, e))?;
                    None
                }
                Destination::Owned => Some(self.swap(&guard)?),
            };
            live.retain(|p| *p != self.tmp);
            self.committed = true;
            old
        };
        self.marker = None;
        pause(PAUSE_AFTER_SWAP);
        if let Some(old) = old {
            match owned::remove_owned(&old) {
                Ok(None) => {}
                Ok(Some(kept)) => eprintln!(
                    "warning: kept {}: files that forcecast did not write were added to the previous output while it was replaced",
                    kept.display()
                ),
                Err(e) => eprintln!("warning: could not remove the previous output {}: {e}", old.display()),
            }
        }
        drop(guard);
        Ok(self.dest.clone())
    }

    /// Exchanges the partial folder with the previous output; returns where the previous
    /// output now is.
    fn swap(&self, lock: &DirLock) -> Result<PathBuf> {
        let tmp_name = self.tmp.file_name().unwrap_or_default();
        if exchange(lock, tmp_name.as_ref(), self.name.as_ref()).map_err(|e| Error::io(&self.dest, e))? {
            return Ok(self.tmp.clone());
        }
        let old = self.parent.join(format!(".{}.old-{}", self.name, std::process::id()));
        std::fs::rename(&self.dest, &old).map_err(|e| Error::io(&self.dest, e))?;
        if let Err(e) = std::fs::rename(&self.tmp, &self.dest) {
            let _ = std::fs::rename(&old, &self.dest);
            return Err(Error::io(&self.dest, e));
        }
        Ok(old)
    }
}

impl Drop for AtomicDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = owned::remove_partial(&self.tmp);
            live().retain(|p| *p != self.tmp);
        }
    }
}

fn pause(var: &str) {
    if let Some(ms) = std::env::var(var).ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// A file under an exclusive flock(2), released when dropped (and when the process
/// dies, however it dies).
#[cfg(unix)]
type Locked = nix::fcntl::Flock<File>;
#[cfg(not(unix))]
type Locked = File;

/// Waits for an exclusive lock on `f`.
#[cfg(unix)]
fn lock(f: File) -> std::io::Result<Locked> {
    nix::fcntl::Flock::lock(f, nix::fcntl::FlockArg::LockExclusive).map_err(|(_, e)| e.into())
}

/// Without flock(2) nothing is locked: concurrent runs into one destination are not
/// serialised, and no partial folder is ever taken for stale.
#[cfg(not(unix))]
fn lock(f: File) -> std::io::Result<Locked> {
    Ok(f)
}

/// Whether nobody holds a lock on `f` (the run that held it has ended).
#[cfg(unix)]
fn unlocked(f: File) -> bool {
    nix::fcntl::Flock::lock(f, nix::fcntl::FlockArg::LockExclusiveNonblock).is_ok()
}

#[cfg(not(unix))]
fn unlocked(_f: File) -> bool {
    false
}

/// An exclusive lock on the destination's parent folder, serialising the checks and
/// swaps of the outputs written in it (nothing is created for it).
#[derive(Debug)]
struct DirLock {
    file: Locked,
}

impl DirLock {
    fn acquire(parent: &Path) -> Result<DirLock> {
        let file = File::open(parent).and_then(lock).map_err(|e| Error::io(parent, e))?;
        Ok(DirLock { file })
    }
}

/// Atomically exchanges two entries of the locked folder; `false` when the system or
/// the file system cannot (the caller then renames twice).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(lock: &DirLock, a: &Path, b: &Path) -> std::io::Result<bool> {
    use nix::errno::Errno;
    use nix::fcntl::{RenameFlags, renameat2};
    match renameat2(&*lock.file, a, &*lock.file, b, RenameFlags::RENAME_EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::EINVAL | Errno::ENOSYS | Errno::EOPNOTSUPP) => Ok(false),
        Err(e) => Err(std::io::Error::from(e)),
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn exchange(_lock: &DirLock, _a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Removes the leftovers of runs that died while writing to `<parent>/<name>`: partial
/// folders whose marker nobody holds, and previous outputs moved aside (`.old-<pid>`,
/// put back if the destination is missing). Only folders named so and carrying
/// forcecast's marker are touched, and of a complete output only what its marker lists.
/// Called with the parent's lock held; failures are left for a later run.
fn clean_stale(parent: &Path, name: &str) {
    let Ok(list) = std::fs::read_dir(parent) else { return };
    let partial = format!(".{name}.partial-");
    let old = format!(".{name}.old-");
    let dest = parent.join(name);
    for e in list.flatten() {
        let file_name = e.file_name();
        let Some(f) = file_name.to_str() else { continue };
        let is_pid = |rest: &str| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
        let kind = match (f.strip_prefix(&partial), f.strip_prefix(&old)) {
            (Some(rest), _) if is_pid(rest) => State::Partial,
            (_, Some(rest)) if is_pid(rest) => State::Complete,
            _ => continue,
        };
        let path = e.path();
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Some(marker) = owned::read(&path) else { continue };
        if kind == State::Complete {
            // Moved aside by the two-rename swap of a run that died before finishing it.
            if std::fs::symlink_metadata(&dest).is_err() {
                let _ = std::fs::rename(&path, &dest);
            } else {
                let _ = owned::remove_owned(&path);
            }
            continue;
        }
        // A live run holds its marker's lock.
        let Ok(f) = File::open(path.join(MARKER)) else { continue };
        if !unlocked(f) {
            continue;
        }
        let _ = match marker.state {
            State::Partial => owned::remove_partial(&path).map(|()| None),
            State::Complete => owned::remove_owned(&path),
        };
    }
}
