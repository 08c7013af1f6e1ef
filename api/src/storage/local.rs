//! [`Storage`] on the local disk: objects are files named by their key
//! under a root directory; a temporary object is a file under `tmp/`,
//! renamed into place on commit (atomic on one file system); a staged
//! upload is a file under `uploads/` named by its key, appended to at the
//! database's offset (truncated there first) and renamed into place on
//! completion. Its staging text is empty: the key finds it.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use super::{StagedWriter, Storage, TempObject};

pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    pub fn new(root: PathBuf) -> Self {
        LocalDisk { root }
    }

    /// Keys are made by the server (ids), never from input; anything else
    /// than `[A-Za-z0-9-]` is refused all the same.
    fn path(&self, key: &str) -> io::Result<PathBuf> {
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "bad object key",
            ));
        }
        Ok(self.root.join(key))
    }

    /// Where the staged upload of `key` waits.
    fn staged_path(&self, key: &str) -> io::Result<PathBuf> {
        self.path(key)?;
        Ok(self.root.join("uploads").join(key))
    }

    /// Makes a rename or creation in `dir` durable.
    fn sync_dir(dir: &std::path::Path) {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
}

/// Appends to a staged file; dropped unfinished, it cuts the file back to
/// where this request started.
struct LocalAppend {
    file: Option<BufWriter<File>>,
    start: u64,
}

impl StagedWriter for LocalAppend {
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.write_all(bytes),
            None => Err(io::Error::other("staged upload already closed")),
        }
    }

    fn finish(mut self: Box<Self>, _last: bool) -> io::Result<String> {
        if let Some(f) = self.file.take() {
            let file = f.into_inner().map_err(|e| e.into_error())?;
            file.sync_data()?;
        }
        Ok(String::new())
    }
}

impl Drop for LocalAppend {
    fn drop(&mut self) {
        if let Some(f) = self.file.take() {
            if let Ok(file) = f.into_inner() {
                let _ = file.set_len(self.start);
            }
        }
    }
}

struct LocalTemp {
    path: PathBuf,
    to: PathBuf,
    root: PathBuf,
    file: Option<BufWriter<File>>,
}

impl TempObject for LocalTemp {
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.write_all(bytes),
            None => Err(io::Error::other("temporary object already closed")),
        }
    }

    fn commit(mut self: Box<Self>) -> io::Result<()> {
        if let Some(f) = self.file.take() {
            let file = f.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
        }
        fs::rename(&self.path, &self.to)?;
        // Durable rename: the directory entry too.
        LocalDisk::sync_dir(&self.root);
        Ok(())
    }
}

impl Drop for LocalTemp {
    /// An object never committed leaves nothing behind.
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

impl Storage for LocalDisk {
    fn put(&self, key: &str) -> io::Result<Box<dyn TempObject>> {
        let to = self.path(key)?;
        let tmp = self.root.join("tmp");
        fs::create_dir_all(&tmp)?;
        let path = tmp.join(uuid::Uuid::new_v4().to_string());
        let file = File::options().write(true).create_new(true).open(&path)?;
        Ok(Box::new(LocalTemp {
            path,
            to,
            root: self.root.clone(),
            file: Some(BufWriter::with_capacity(256 * 1024, file)),
        }))
    }

    fn get(&self, key: &str, range: Option<(u64, u64)>) -> io::Result<Box<dyn Read + Send>> {
        let mut file = File::open(self.path(key)?)?;
        Ok(match range {
            Some((start, len)) => {
                file.seek(SeekFrom::Start(start))?;
                Box::new(file.take(len))
            }
            None => Box::new(file),
        })
    }

    fn delete(&self, key: &str) -> io::Result<()> {
        match fs::remove_file(self.path(key)?) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn stage(&self, key: &str) -> io::Result<String> {
        let path = self.staged_path(key)?;
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        File::options().write(true).create_new(true).open(&path)?;
        if let Some(dir) = path.parent() {
            Self::sync_dir(dir);
        }
        Ok(String::new())
    }

    fn append(&self, key: &str, _staging: &str, offset: u64) -> io::Result<Box<dyn StagedWriter>> {
        let path = self.staged_path(key)?;
        let mut file = File::options().write(true).open(&path)?;
        let len = file.metadata()?.len();
        if len < offset {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("staged upload {key} holds {len} bytes, {offset} expected"),
            ));
        }
        // Bytes a request that died wrote past the offset the database
        // kept are not part of the upload.
        if len > offset {
            file.set_len(offset)?;
        }
        file.seek(SeekFrom::Start(offset))?;
        Ok(Box::new(LocalAppend {
            file: Some(BufWriter::with_capacity(256 * 1024, file)),
            start: offset,
        }))
    }

    fn complete(&self, key: &str, _staging: &str) -> io::Result<()> {
        fs::rename(self.staged_path(key)?, self.path(key)?)?;
        Self::sync_dir(&self.root);
        Ok(())
    }

    fn abort(&self, key: &str, _staging: &str) -> io::Result<()> {
        match fs::remove_file(self.staged_path(key)?) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_renames_and_drop_discards() {
        let root = std::env::temp_dir().join(format!("habilis-objects-{}", uuid::Uuid::new_v4()));
        let disk = LocalDisk::new(root.clone());
        let mut t = disk.put("abc-1").expect("temp");
        t.write(b"hello world").expect("write");
        t.commit().expect("commit");
        let mut s = String::new();
        disk.get("abc-1", Some((6, 5)))
            .expect("get")
            .read_to_string(&mut s)
            .expect("read");
        assert_eq!(s, "world");
        let mut t = disk.put("abc-2").expect("temp");
        t.write(b"gone").expect("write");
        drop(t);
        assert_eq!(fs::read_dir(root.join("tmp")).expect("tmp").count(), 0);
        assert!(disk.get("../x", None).is_err());
        assert!(disk.put("../x").is_err());
        disk.delete("abc-1").expect("delete");
        disk.delete("abc-1").expect("delete twice");
        let _ = fs::remove_dir_all(root);
    }

    #[test]
    fn staged_uploads_append_at_the_offset_and_complete() {
        let root = std::env::temp_dir().join(format!("habilis-objects-{}", uuid::Uuid::new_v4()));
        let disk = LocalDisk::new(root.clone());
        let staging = disk.stage("up-1").expect("stage");
        let mut w = disk.append("up-1", &staging, 0).expect("append");
        w.write(b"hello ").expect("write");
        let staging = w.finish(false).expect("finish");
        // A request that dies: its bytes are cut back.
        let mut w = disk.append("up-1", &staging, 6).expect("append");
        w.write(b"garbage").expect("write");
        drop(w);
        // Bytes past the offset (a process killed after writing) too.
        fs::write(root.join("uploads/up-1"), b"hello junk").expect("junk");
        let mut w = disk.append("up-1", &staging, 6).expect("append");
        w.write(b"world").expect("write");
        let staging = w.finish(true).expect("finish");
        assert!(disk.append("up-1", &staging, 99).is_err());
        disk.complete("up-1", &staging).expect("complete");
        let mut s = String::new();
        disk.get("up-1", None)
            .expect("get")
            .read_to_string(&mut s)
            .expect("read");
        assert_eq!(s, "hello world");
        disk.stage("up-2").expect("stage");
        disk.abort("up-2", "").expect("abort");
        disk.abort("up-2", "").expect("abort twice");
        assert!(disk.stage("../x").is_err());
        let _ = fs::remove_dir_all(root);
    }
}
