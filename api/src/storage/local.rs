//! [`Storage`] on the local disk: objects are files named by their key
//! under a root directory; a temporary object is a file under `tmp/`,
//! renamed into place on commit (atomic on one file system).

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use super::{Storage, TempObject};

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
}

struct LocalTemp {
    path: PathBuf,
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

    fn commit(mut self: Box<Self>, key: &str) -> io::Result<()> {
        let to = LocalDisk::new(self.root.clone()).path(key)?;
        if let Some(f) = self.file.take() {
            let file = f.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
        }
        fs::rename(&self.path, &to)?;
        // Durable rename: the directory entry too.
        if let Ok(dir) = File::open(&self.root) {
            let _ = dir.sync_all();
        }
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
    fn put(&self) -> io::Result<Box<dyn TempObject>> {
        let tmp = self.root.join("tmp");
        fs::create_dir_all(&tmp)?;
        let path = tmp.join(uuid::Uuid::new_v4().to_string());
        let file = File::options().write(true).create_new(true).open(&path)?;
        Ok(Box::new(LocalTemp {
            path,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_renames_and_drop_discards() {
        let root = std::env::temp_dir().join(format!("habilis-objects-{}", uuid::Uuid::new_v4()));
        let disk = LocalDisk::new(root.clone());
        let mut t = disk.put().expect("temp");
        t.write(b"hello world").expect("write");
        t.commit("abc-1").expect("commit");
        let mut s = String::new();
        disk.get("abc-1", Some((6, 5)))
            .expect("get")
            .read_to_string(&mut s)
            .expect("read");
        assert_eq!(s, "world");
        let mut t = disk.put().expect("temp");
        t.write(b"gone").expect("write");
        drop(t);
        assert_eq!(fs::read_dir(root.join("tmp")).expect("tmp").count(), 0);
        assert!(disk.get("../x", None).is_err());
        disk.delete("abc-1").expect("delete");
        disk.delete("abc-1").expect("delete twice");
        let _ = fs::remove_dir_all(root);
    }
}
