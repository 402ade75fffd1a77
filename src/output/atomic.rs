//! Atomic output folders: everything is written into a temporary folder
//! `.<name>.partial-<pid>` beside the destination and moved into place only when
//! complete, so the destination always holds either the previous output or the new one.
//!
//! - Only folders that forcecast owns are written or replaced ([`owned::inspect`]);
//!   the previous output is removed by its marker's list, so nothing else is deleted.
//! - The swap happens under an exclusive lock on the destination's parent folder, so
//!   concurrent runs into one destination take turns and each leaves a complete folder.
//!   On Linux (glibc) the swap is one `renameat2(RENAME_EXCHANGE)`; elsewhere, or on a
//!   file system without it, two renames, undone by the next write if a run dies between.
//! - A run holds a lock on its partial folder's marker while writing. A partial folder
//!   whose marker nobody holds was left by a run that died (`kill -9`, a crash) and is
//!   removed by the next write to the same destination. Locks are flock(2), so Unix only:
//!   elsewhere runs are not serialised and no partial folder is taken for stale.
//! - Files are not fsync'ed: after a power loss the folder in place may be incomplete.
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

/// The error of a failed first step towards `dest` (creating its parent, locking it,
/// creating the partial folder in it): a place the system does not let forcecast write
/// (permission, a read-only or virtual file system such as /proc or /sys, a path through
/// something that is not a folder) is invalid input ([`Error::Usage`], exit 2) naming the
/// destination; anything else (a full disk, an I/O fault) stays an I/O error (exit 1).
fn not_writable(dest: &Path, at: &Path, name: &str, e: std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    // EPERM and EACCES are both PermissionDenied.
    if matches!(e.kind(), K::PermissionDenied | K::ReadOnlyFilesystem | K::NotFound | K::NotADirectory) {
        Error::Usage(format!(
            "cannot write output to {}: this system does not let forcecast create a folder in {} ({e}); \
             give a folder you can write, e.g. --out {}",
            dest.display(),
            at.display(),
            Path::new("output").join(name).display()
        ))
    } else {
        Error::io(at, e)
    }
}

/// The folder `dest` is made in (`.` for a bare name).
fn parent_of(dest: &Path) -> PathBuf {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Checks, before any work, that forcecast may write `dest` ([`owned::inspect`]) and that
/// the system lets it create a folder where `dest` would be made: a hidden probe folder
/// is created in the nearest existing folder above `dest` and removed at once. A place
/// such as /proc, /sys or a read-only mount is refused here (exit 2) rather than after
/// the projection or a plan search has run.
pub fn check_destination(dest: &Path, origin: &Origin) -> Result<owned::Destination> {
    let state = owned::inspect(dest, origin)?;
    // The partial folder is made beside `dest`, so its parent (or the nearest existing
    // folder above, where the missing ones would be created) must take a new folder.
    let mut at = parent_of(dest);
    while !at.is_dir() {
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p.to_path_buf(),
            _ => {
                at = PathBuf::from(".");
                break;
            }
        }
    }
    let probe = at.join(format!(".forcecast-probe-{}", std::process::id()));
    std::fs::create_dir(&probe).map_err(|e| not_writable(dest, &at, &origin.name, e))?;
    let _ = std::fs::remove_dir(&probe);
    Ok(state)
}

impl AtomicDir {
    /// Checks that forcecast may write `dest`, removes what earlier runs that died left
    /// beside it, and creates the partial folder `.<name>.partial-<pid>` with its marker.
    pub fn new(dest: &Path, origin: Origin) -> Result<AtomicDir> {
        owned::inspect(dest, &origin)?;
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let parent = parent_of(dest);
        std::fs::create_dir_all(&parent).map_err(|e| not_writable(dest, &parent, &origin.name, e))?;
        let guard = DirLock::acquire(&parent).map_err(|e| not_writable(dest, &parent, &origin.name, e))?;
        clean_stale(&parent, &name);
        let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
        // Registered and given its locked marker before an interruption can see it, so
        // that no partial folder is ever left without one.
        let mut registry = live();
        std::fs::create_dir(&tmp).map_err(|e| not_writable(dest, &parent, &origin.name, e))?;
        registry.push(tmp.clone());
        let marker = new_marker(&tmp, &origin);
        drop(registry);
        let mut dir = AtomicDir { dest: parent.join(&name), parent, name, tmp, origin, marker: None, committed: false };
        dir.marker = Some(marker?);
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
        let guard = DirLock::acquire(&self.parent).map_err(|e| Error::io(&self.parent, e))?;
        clean_stale(&self.parent, &self.name);
        let state = owned::inspect(&self.dest, &self.origin)?;
        // The registry is held across the swap, so an interruption waits for it to end.
        let swapped = {
            let mut live = live();
            let swapped = match state {
                // rename(2) replaces an empty folder and fails on a non-empty one.
                Destination::Absent | Destination::Empty => {
                    std::fs::rename(&self.tmp, &self.dest).map(|()| None).map_err(|e| Error::io(&self.dest, e))
                }
                Destination::Owned => self.swap(&guard).map(Some),
            };
            if swapped.is_ok() {
                live.retain(|p| *p != self.tmp);
                self.committed = true;
            }
            swapped
        };
        let old = swapped?;
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
        swap_by_renames(&self.parent, &self.name, &self.tmp)
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

/// Creates the marker of a partial folder, locked by this run until the swap.
fn new_marker(dir: &Path, origin: &Origin) -> Result<Locked> {
    let path = dir.join(MARKER);
    let f = File::options().read(true).write(true).create_new(true).open(&path).map_err(|e| Error::io(&path, e))?;
    let mut f = lock(f).map_err(|e| Error::io(&path, e))?;
    f.write_all(owned::text(origin, State::Partial, &[]).as_bytes()).map_err(|e| Error::io(&path, e))?;
    Ok(f)
}

fn pause(var: &str) {
    if let Some(ms) = std::env::var(var).ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// A file under an exclusive flock(2), released when dropped (and when the process
/// dies, however it dies); unlocked on a file system without flock.
#[derive(Debug)]
enum Locked {
    #[cfg(unix)]
    Held(nix::fcntl::Flock<File>),
    #[cfg_attr(unix, allow(dead_code))]
    Unheld(File),
}

impl std::ops::Deref for Locked {
    type Target = File;
    fn deref(&self) -> &File {
        match self {
            #[cfg(unix)]
            Locked::Held(f) => f,
            Locked::Unheld(f) => f,
        }
    }
}

impl std::ops::DerefMut for Locked {
    fn deref_mut(&mut self) -> &mut File {
        match self {
            #[cfg(unix)]
            Locked::Held(f) => f,
            Locked::Unheld(f) => f,
        }
    }
}

/// Waits for an exclusive lock on `f`. A file system without flock (NFS without its lock
/// service, some FUSE ones) gets no lock rather than no output: concurrent runs into one
/// destination are then not serialised.
#[cfg(unix)]
fn lock(f: File) -> std::io::Result<Locked> {
    use nix::errno::Errno;
    match nix::fcntl::Flock::lock(f, nix::fcntl::FlockArg::LockExclusive) {
        Ok(held) => Ok(Locked::Held(held)),
        Err((f, Errno::ENOLCK | Errno::EOPNOTSUPP | Errno::ENOSYS)) => Ok(Locked::Unheld(f)),
        Err((_, e)) => Err(e.into()),
    }
}

/// Without flock(2) nothing is locked: concurrent runs into one destination are not
/// serialised, and no partial folder is ever taken for stale.
#[cfg(not(unix))]
fn lock(f: File) -> std::io::Result<Locked> {
    Ok(Locked::Unheld(f))
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
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
struct DirLock {
    file: Locked,
}

impl DirLock {
    fn acquire(parent: &Path) -> std::io::Result<DirLock> {
        let file = File::open(parent).and_then(lock)?;
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

/// Moves `<parent>/<name>` aside to `.<name>.old-<pid>` and `tmp` into its place; returns
/// where the previous output now is. A run that dies between the two renames leaves the
/// destination missing: [`clean_stale`] puts the previous output back.
fn swap_by_renames(parent: &Path, name: &str, tmp: &Path) -> Result<PathBuf> {
    let dest = parent.join(name);
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    std::fs::rename(&dest, &old).map_err(|e| Error::io(&dest, e))?;
    if let Err(e) = std::fs::rename(tmp, &dest) {
        let _ = std::fs::rename(&old, &dest);
        return Err(Error::io(&dest, e));
    }
    Ok(old)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn owned_folder(dir: &Path, text: &str) {
        std::fs::create_dir_all(dir.join("charts")).unwrap();
        std::fs::write(dir.join("summary.csv"), text).unwrap();
        let entries = owned::entries(dir).unwrap();
        let marker = owned::text(&Origin::new("run", "x"), State::Complete, &entries);
        std::fs::write(dir.join(MARKER), marker).unwrap();
    }

    fn read(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("summary.csv")).unwrap()
    }

    #[test]
    fn the_two_rename_swap_replaces_and_a_run_dying_between_them_is_undone() {
        let tmp = tempfile::tempdir().unwrap();
        let (dest, new) = (tmp.path().join("out"), tmp.path().join(".out.partial-1"));
        owned_folder(&dest, "old");
        owned_folder(&new, "new");
        let old = swap_by_renames(tmp.path(), "out", &new).unwrap();
        assert_eq!((read(&dest), read(&old)), ("new".into(), "old".into()));
        assert_eq!(owned::remove_owned(&old).unwrap(), None);

        // Died after moving the previous output aside: the next write puts it back.
        let aside = tmp.path().join(".out.old-4194999");
        std::fs::rename(&dest, &aside).unwrap();
        clean_stale(tmp.path(), "out");
        assert_eq!(read(&dest), "new");
        assert!(!aside.exists());
        // Died after both renames: the previous output is removed by its marker's list.
        owned_folder(&aside, "older");
        std::fs::write(aside.join("mine.txt"), "keep").unwrap();
        clean_stale(tmp.path(), "out");
        assert_eq!(std::fs::read_to_string(aside.join("mine.txt")).unwrap(), "keep");
        assert!(!aside.join("summary.csv").exists() && !aside.join("charts").exists());
    }

    #[test]
    #[cfg(unix)]
    fn stale_partials_are_removed_only_when_unlocked_marked_and_named_so() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        // A dead run's partial folder, one without a marker, one of another destination,
        // and one whose marker is locked (a live run).
        for d in [".out.partial-7", ".out.partial-8", ".other.partial-7", ".out.partial-9", ".out.partial-x"] {
            std::fs::create_dir(p.join(d)).unwrap();
            std::fs::write(p.join(d).join("a.csv"), "x").unwrap();
        }
        for d in [".out.partial-7", ".other.partial-7", ".out.partial-9", ".out.partial-x"] {
            std::fs::write(p.join(d).join(MARKER), owned::text(&Origin::new("run", "out"), State::Partial, &[]))
                .unwrap();
        }
        let held = lock(File::open(p.join(".out.partial-9").join(MARKER)).unwrap()).unwrap();
        clean_stale(p, "out");
        let mut left: Vec<String> =
            std::fs::read_dir(p).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, [".other.partial-7", ".out.partial-8", ".out.partial-9", ".out.partial-x"]);
        drop(held);
        clean_stale(p, "out");
        assert!(!p.join(".out.partial-9").exists());
    }
}
