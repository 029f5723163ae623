//! Compressors for test fixtures: the crates' own encoders, so every
//! fixture is made by the test that needs it.

use std::io::Write;

/// Returns `data` gzip'd.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let level = flate2::Compression::default();
    let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Returns `data` bzip2'd.
pub fn bzip2(data: &[u8]) -> Vec<u8> {
    let level = bzip2::Compression::default();
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), level);
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Returns `data` xz-compressed.
pub fn xz(data: &[u8]) -> Vec<u8> {
    let mut e = liblzma::write::XzEncoder::new(Vec::new(), 3);
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Returns `data` zstd-compressed.
pub fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(data, 3).unwrap()
}

/// Returns a bzip2 file whose text is `head`, then `gib` GiB of zeros:
/// streams of 64 MiB of zeros, each about 100 bytes, one after another.
pub fn bzip2_bomb(head: &[u8], gib: usize) -> Vec<u8> {
    let mut out = bzip2(head);
    let zeros = bzip2(&vec![0; 64 << 20]);
    for _ in 0..gib * 16 {
        out.extend_from_slice(&zeros);
    }
    out
}
