//! Atomic output folders: everything is written into a temporary folder beside the
//! destination and renamed into place only when complete. A failed or interrupted run
//! leaves the previous output untouched and removes its temporary folder.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A folder being written; becomes `dest` on [`AtomicDir::commit`].
#[derive(Debug)]
pub struct AtomicDir {
    dest: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl AtomicDir {
    /// Creates the temporary folder `.<name>.partial-<pid>` beside `dest`.
    pub fn new(dest: &Path) -> Result<AtomicDir> {
        let name = dest.file_name().ok_or_else(|| Error::Usage(format!("{}: not a folder name", dest.display())))?;
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if let Some(blocker) = parent.ancestors().find(|a| a.exists() && !a.is_dir()) {
            return Err(Error::Usage(format!(
                "cannot write output to {}: {} is a file, not a folder",
                dest.display(),
                blocker.display()
            )));
        }
        if dest.exists() && !dest.is_dir() {
            return Err(Error::Usage(format!("cannot write output to {}: it is a file, not a folder", dest.display())));
        }
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let tmp = parent.join(format!(".{}.partial-{}", name.to_string_lossy(), std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        }
        std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(AtomicDir { dest: dest.to_path_buf(), tmp, committed: false })
    }

    /// The temporary folder to write into.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Moves the finished folder into place, replacing any previous one.
    pub fn commit(mut self) -> Result<PathBuf> {
        let old = self.tmp.with_file_name(format!(
            ".{}.old-{}",
            self.dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.dest.exists();
        if had_old {
            std::fs::rename(&self.dest, &old).map_err(|e| Error::io(&self.dest, e))?;
        }
        if let Err(e) = std::fs::rename(&self.tmp, &self.dest) {
            if had_old {
                let _ = std::fs::rename(&old, &self.dest);
            }
            return Err(Error::io(&self.dest, e));
        }
        self.committed = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(self.dest.clone())
    }
}

impl Drop for AtomicDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}
